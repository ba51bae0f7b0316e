package cxgov.soc2.soc2_cc9_2_01

import rego.v1

import data.cxgov.lib.fixtures

system(d) := fixtures.system_with(d, {"lines": {"vendors.0": 70}})

dpa := {"uri": "evidence/dpa.pdf"}

vendor(fields) := object.union({"name": "datadog", "dpa_ref": dpa, "soc2_period_end": "2026-06-30", "last_review": "2026-07-15"}, fields)

test_soc2_cc9_2_01_pass_managed_vendors if {
	count(warn) == 0 with input as system({
		"vendors": [vendor({}), vendor({"name": "zendesk", "soc2_period_end": "2025-09-30", "bridge_letter": true})],
		"ai_providers": [{"name": "aoai", "dpa_ref": dpa}, {"name": "partner", "role": "controller"}],
	})
}

test_soc2_cc9_2_01_fail_no_dpa if {
	r := warn with input as system({"vendors": [object.remove(vendor({}), ["dpa_ref"])], "ai_providers": [{"name": "openai"}]})
	{f.msg | some f in r} == {"vendor datadog: no data processing agreement (dpa_ref)", "AI provider openai: no data processing agreement (dpa_ref)"}
}

test_soc2_cc9_2_01_fail_stale_report if {
	r := warn with input as system({"vendors": [vendor({"soc2_period_end": "2025-06-30"})]})
	r == {{"msg": "vendor datadog: SOC 2 report period ended 2025-06-30 (510 days ago, more than 365) and no bridge letter", "resource": "vendor datadog", "_loc": {"file": "cxgov.yaml", "line": 70}}}
}

test_soc2_cc9_2_01_fail_no_report if {
	count(warn) == 1 with input as system({"vendors": [object.remove(vendor({}), ["soc2_period_end"])]})
}

test_soc2_cc9_2_01_fail_review_overdue if {
	r := warn with input as system({"vendors": [vendor({"last_review": "2025-01-10"})]})
	some f in r
	contains(f.msg, "last reviewed 2025-01-10")
}

test_soc2_cc9_2_01_fail_never_reviewed if {
	r := warn with input as system({"vendors": [object.remove(vendor({}), ["last_review"])]})
	some f in r
	f.msg == "vendor datadog: never reviewed (no last_review)"
}
