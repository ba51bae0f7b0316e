package cxgov.wcag.wcag_413_01

import rego.v1

ok := {"exists": true, "local": true, "hash_matches": true, "approved": true, "age_days": 90}

at_test := {"uri": "evidence/nvda-test.md", "sha256": "00", "approved_by": "a11y", "approved_at": "2026-08-24"}

system(d, e) := {"evaluation_date": "2026-11-22", "descriptor": d, "descriptor_file": "cxgov.yaml", "lines": {}, "evidence": e, "documents": []}

test_wcag_413_01_pass_recent_test if {
	count(deny) == 0 with input as system({"channels": [{"type": "chat"}], "accessibility": {"at_test_ref": at_test}}, {"evidence/nvda-test.md": ok})
}

test_wcag_413_01_pass_voice_only_no_ui if {
	count(deny) == 0 with input as system({"channels": [{"type": "voice"}]}, {})
}

test_wcag_413_01_fail_missing if {
	r := deny with input as system({"channels": [{"type": "chat"}]}, {})
	count(r) == 1
	some f in r
	contains(f.msg, "at_test_ref): missing")
}

test_wcag_413_01_fail_channels_undeclared if {
	count(deny) == 1 with input as system({}, {})
}

test_wcag_413_01_fail_older_than_180_days if {
	r := deny with input as system({"channels": [{"type": "chat"}], "accessibility": {"at_test_ref": at_test}}, {"evidence/nvda-test.md": object.union(ok, {"age_days": 181})})
	some f in r
	contains(f.msg, "approved 181 days ago (at most 180)")
}

test_wcag_413_01_fail_voice_with_web_entry_point if {
	count(deny) == 1 with input as system({"channels": [{"type": "voice"}], "ui": {"entry_points": [{"url": "https://example.com/help"}]}}, {})
}
