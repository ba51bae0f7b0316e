package cxgov.soc2.soc2_p_01

import rego.v1

import data.cxgov.lib.fixtures.system_with_evidence as system

sha := "1111111111111111111111111111111111111111111111111111111111111111"

notice := {"uri": "evidence/privacy.md", "sha256": sha, "approved_by": "dpo@acme.example", "approved_at": "2026-06-01"}

facts(age) := {"evidence/privacy.md": {"exists": true, "local": true, "sha256": sha, "hash_matches": true, "approved": true, "age_days": age}}

test_soc2_p_01_pass_current_notice if {
	count(warn) == 0 with input as system({"evidence": {"privacy_notice_ref": notice}}, facts(174))
}

test_soc2_p_01_fail_missing if {
	r := warn with input as system({"evidence": {}}, {})
	r == {{"msg": "evidence.privacy_notice_ref: missing", "resource": "privacy notice", "_loc": {"file": "cxgov.yaml", "line": 1}}}
}

test_soc2_p_01_fail_url_not_hashable if {
	r := warn with input as system({"evidence": {"privacy_notice_ref": {"uri": "https://acme.example/privacy"}}}, {"https://acme.example/privacy": {"exists": false, "local": false, "sha256": null, "hash_matches": false, "approved": false, "age_days": null}})
	some f in r
	contains(f.msg, "is not a local file cxgov can hash")
}

test_soc2_p_01_fail_not_approved if {
	ev := {"evidence/privacy.md": {"exists": true, "local": true, "sha256": sha, "hash_matches": true, "approved": false, "age_days": null}}
	r := warn with input as system({"evidence": {"privacy_notice_ref": notice}}, ev)
	some f in r
	contains(f.msg, "has no approver")
}

test_soc2_p_01_fail_stale if {
	count(warn) == 1 with input as system({"evidence": {"privacy_notice_ref": notice}}, facts(366))
}
