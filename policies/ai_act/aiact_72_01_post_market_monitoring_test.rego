package cxgov.ai_act.aiact_72_01

import rego.v1

import data.cxgov.lib.fixtures

ok := {"exists": true, "local": true, "hash_matches": true, "approved": true, "age_days": 10}

pmm := {"uri": "evidence/pmm.pdf", "sha256": "00", "approved_by": "qa", "approved_at": "2026-11-12"}

ev := {"evidence/pmm.pdf": ok}

system(ai, metrics, e) := fixtures.system_with({"system": {"ai_act": ai}, "monitoring": {"ai_metrics": metrics}}, {"evidence": e})

good := {"role": "provider", "risk_class": "high", "pmm_plan_ref": pmm, "pmm_metrics": ["accuracy", "complaint_rate"]}

test_aiact_72_01_pass_metrics_collected if {
	count(deny) == 0 with input as system(good, ["accuracy", "complaint_rate", "latency"], ev)
}

test_aiact_72_01_pass_deployer if {
	count(deny) == 0 with input as system({"role": "deployer", "risk_class": "high"}, [], {})
}

test_aiact_72_01_fail_metric_not_collected if {
	r := deny with input as system(good, ["accuracy"], ev)
	count(r) == 1
	some f in r
	f.msg == "post-market monitoring metric complaint_rate is not collected (not in monitoring.ai_metrics)"
}

test_aiact_72_01_fail_no_plan if {
	r := deny with input as system(object.remove(good, ["pmm_plan_ref"]), ["accuracy", "complaint_rate"], {})
	count(r) == 1
	some f in r
	contains(f.msg, "pmm_plan_ref): missing")
}

test_aiact_72_01_fail_no_metrics if {
	r := deny with input as system(object.remove(good, ["pmm_metrics"]), ["accuracy"], ev)
	count(r) == 1
	some f in r
	contains(f.msg, "names no metrics")
}
