package cxgov.ai_act.aiact_27_01

import rego.v1

import data.cxgov.lib.fixtures

ok := {"exists": true, "local": true, "hash_matches": true, "approved": true, "age_days": 10}

fria := {"uri": "evidence/fria.pdf", "sha256": "00", "approved_by": "dpo", "approved_at": "2026-11-12"}

system(sys, e) := fixtures.system_with({"system": sys}, {"evidence": e})

test_aiact_27_01_pass_private_triage_out_of_scope if {
	count(deny) == 0 with input as system({"deployer_type": "private", "use_cases": ["emergency_triage"], "ai_act": {"role": "deployer", "risk_class": "high"}}, {})
}

test_aiact_27_01_pass_credit_scoring_with_fria if {
	count(deny) == 0 with input as system({"deployer_type": "private", "use_cases": ["credit_scoring"], "ai_act": {"role": "deployer", "risk_class": "high", "fria_ref": fria}}, {"evidence/fria.pdf": ok})
}

test_aiact_27_01_pass_not_high_risk if {
	count(deny) == 0 with input as system({"deployer_type": "public_body", "ai_act": {"role": "deployer", "risk_class": "limited"}}, {})
}

test_aiact_27_01_pass_provider_only if {
	count(deny) == 0 with input as system({"deployer_type": "public_body", "ai_act": {"role": "provider", "risk_class": "high"}}, {})
}

test_aiact_27_01_fail_credit_scoring_without_fria if {
	r := deny with input as system({"deployer_type": "private", "use_cases": ["credit_scoring"], "ai_act": {"role": "both", "risk_class": "high"}}, {})
	count(r) == 1
	some f in r
	f.msg == "fundamental-rights impact assessment required (Annex III 5(b)): fria_ref missing"
}

test_aiact_27_01_fail_declared_5c_point if {
	r := deny with input as system({"ai_act": {"role": "deployer", "risk_class": "high", "annex_iii": ["5(c)"]}}, {})
	count(r) == 1
	some f in r
	contains(f.msg, "(Annex III 5(c))")
}

test_aiact_27_01_fail_public_body_stale_fria if {
	r := deny with input as system({"deployer_type": "public_body", "use_cases": ["benefits_eligibility"], "ai_act": {"role": "deployer", "risk_class": "high", "fria_ref": fria}}, {"evidence/fria.pdf": object.union(ok, {"age_days": 400})})
	count(r) == 1
	some f in r
	contains(f.msg, "(deployer_type public_body): fria_ref evidence/fria.pdf was approved 400 days ago")
}

test_aiact_27_01_fail_deployer_type_undeclared if {
	r := deny with input as system({"use_cases": ["emergency_triage"], "ai_act": {"role": "deployer", "risk_class": "high"}}, {})
	count(r) == 1
	some f in r
	contains(f.msg, "deployer_type is not declared")
}
