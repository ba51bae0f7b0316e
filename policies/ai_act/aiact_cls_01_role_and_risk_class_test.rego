package cxgov.ai_act.aiact_cls_01

import rego.v1

import data.cxgov.lib.fixtures.system_with_evidence as system

good := {"exists": true, "local": true, "hash_matches": true, "approved": true, "age_days": 30}

assessment := {"uri": "evidence/art6_3.pdf", "sha256": "00", "approved_by": "dpo", "approved_at": "2026-10-23"}

test_aiact_cls_01_pass_limited_faq_bot if {
	count(deny) == 0 with input as system({"system": {"use_cases": ["faq", "order_status"], "ai_act": {"role": "both", "risk_class": "limited"}}}, {})
}

test_aiact_cls_01_pass_credit_scoring_high_risk if {
	count(deny) == 0 with input as system({"system": {"use_cases": ["credit_scoring"], "ai_act": {"role": "deployer", "risk_class": "high", "annex_iii": ["5(b)"]}}}, {})
}

test_aiact_cls_01_pass_art6_3_exemption if {
	d := {"system": {"use_cases": ["credit_scoring"], "ai_act": {"role": "deployer", "risk_class": "limited", "profiling": false, "art6_3_assessment_ref": assessment}}}
	count(deny) == 0 with input as system(d, {"evidence/art6_3.pdf": good})
}

test_aiact_cls_01_fail_missing_role if {
	r := deny with input as system({"system": {"ai_act": {"risk_class": "limited"}}}, {})
	count(r) == 1
	some f in r
	contains(f.msg, "role is not declared")
}

test_aiact_cls_01_fail_missing_risk_class if {
	r := deny with input as system({"system": {"ai_act": {"role": "provider"}}}, {})
	count(r) == 1
	some f in r
	contains(f.msg, "risk_class is not declared")
}

test_aiact_cls_01_fail_no_ai_act_section if {
	count(deny) == 2 with input as system({"metadata": {"name": "x"}}, {})
}

test_aiact_cls_01_fail_credit_scoring_declared_limited if {
	r := deny with input as system({"system": {"use_cases": ["credit_scoring"], "ai_act": {"role": "both", "risk_class": "limited"}}}, {})
	count(r) == 1
	some f in r
	contains(f.msg, "5(b)")
	contains(f.msg, "no valid Art 6(3) assessment")
}

test_aiact_cls_01_fail_exemption_but_profiling if {
	d := {"system": {"use_cases": ["credit_scoring"], "ai_act": {"role": "deployer", "risk_class": "limited", "profiling": true, "art6_3_assessment_ref": assessment}}}
	r := deny with input as system(d, {"evidence/art6_3.pdf": good})
	some f in r
	contains(f.msg, "profiles natural persons")
}

test_aiact_cls_01_fail_exemption_profiling_undeclared if {
	d := {"system": {"use_cases": ["credit_scoring"], "ai_act": {"role": "deployer", "risk_class": "limited", "art6_3_assessment_ref": assessment}}}
	count(deny) == 1 with input as system(d, {"evidence/art6_3.pdf": good})
}

test_aiact_cls_01_fail_exemption_evidence_stale if {
	d := {"system": {"use_cases": ["credit_scoring"], "ai_act": {"role": "deployer", "risk_class": "limited", "profiling": false, "art6_3_assessment_ref": assessment}}}
	r := deny with input as system(d, {"evidence/art6_3.pdf": object.union(good, {"age_days": 400})})
	some f in r
	contains(f.msg, "approved 400 days ago")
}

test_aiact_cls_01_fail_exemption_hash_mismatch if {
	d := {"system": {"use_cases": ["credit_scoring"], "ai_act": {"role": "deployer", "risk_class": "limited", "profiling": false, "art6_3_assessment_ref": assessment}}}
	r := deny with input as system(d, {"evidence/art6_3.pdf": object.union(good, {"hash_matches": false})})
	some f in r
	contains(f.msg, "sha256")
}

test_aiact_cls_01_fail_declared_annex_point_not_high if {
	r := deny with input as system({"system": {"ai_act": {"role": "deployer", "risk_class": "minimal", "annex_iii": ["1(c)"]}}}, {})
	count(r) == 1
	some f in r
	contains(f.msg, "Annex III point 1(c) is declared")
}

test_aiact_cls_01_fail_emotion_use_case_risk_undeclared if {
	r := deny with input as system({"system": {"use_cases": ["customer_emotion_recognition"], "ai_act": {"role": "deployer"}}}, {})
	count(r) == 2
	some f in r
	contains(f.msg, "risk_class is not declared, and")
}
