package cxgov.wcag.wcag_413_01

import rego.v1

import data.cxgov.lib.fixtures.system_with_evidence as system

ok := {"exists": true, "local": true, "hash_matches": true, "approved": true, "age_days": 90}

at_test := {"uri": "evidence/nvda-test.md", "sha256": "00", "approved_by": "a11y", "approved_at": "2026-08-24"}

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

# --- machine-checked in each scanned state (the live-announcements check) ---

live(id, impact) := {"id": id, "impact": impact, "tags": ["cat.behaviour", "wcag21aa", "wcag413", "EN-301-549", "EN-9.4.1.3"], "help": "New chat messages and status changes must be announced", "helpUrl": "https://www.w3.org/WAI/WCAG22/Understanding/status-messages", "nodes": [{"target": ["#acme-chat-typing"], "failureSummary": "appeared outside any live region"}]}

scan(violations) := {"evaluation_date": "2026-11-22", "url": "https://acme.example/help", "state": "streaming", "state_index": 2, "timestamp": "2026-11-20T10:00:00Z", "axe": {"violations": [], "incomplete": []}, "behaviour": {"checks": {"live-announcements": {"status": "failed"}}, "violations": violations, "incomplete": []}, "elements": {}}

test_wcag_413_01_pass_scan_announced if {
	count(deny) == 0 with input as object.union(scan([]), {"behaviour": {"checks": {"live-announcements": {"status": "passed"}}}})
}

test_wcag_413_01_pass_scan_ignores_other_checks if {
	trap := object.union(live("cx-keyboard-trap", "critical"), {"tags": ["cat.behaviour", "wcag2a", "wcag212"]})
	count(deny) == 0 with input as scan([trap])
}

test_wcag_413_01_pass_scan_needs_no_evidence if {
	count(deny) == 0 with input as scan([])
}

test_wcag_413_01_fail_scan_not_in_a_live_region if {
	r := deny with input as scan([live("cx-live-region", "serious")])
	count(r) == 1
	some f in r
	f.resource == "cx-live-region"
	f.state == "streaming"
	f.targets == ["#acme-chat-typing"]
	f.wcag == ["4.1.3"]
	startswith(f.msg, "streaming: cx-live-region (serious, wcag21aa)")
}

test_wcag_413_01_fail_scan_streaming_warns if {
	r := warn with input as scan([live("cx-live-streaming", "moderate")])
	count(r) == 1
	count(deny) == 0 with input as scan([live("cx-live-streaming", "moderate")])
	some f in r
	f.resource == "cx-live-streaming"
}
