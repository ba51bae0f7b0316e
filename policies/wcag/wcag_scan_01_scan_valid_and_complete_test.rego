package cxgov.wcag.wcag_scan_01

import rego.v1

import data.cxgov.lib.fixtures

tags := ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

scan(engine, run_only, timestamp) := {"evaluation_date": "2026-11-22", "url": "https://acme.example/help", "page": "help", "state": "open", "state_index": 1, "timestamp": timestamp, "axe": {"testEngine": engine, "toolOptions": {"runOnly": run_only}, "violations": [], "incomplete": [], "passes_count": 12}, "elements": {}}

axe := {"name": "axe-core", "version": "4.14.1"}

doc(state, timestamp) := {"id": concat("#", ["https://acme.example/help", state]), "kind": "ui-scan", "file": "https://acme.example/help", "line": null, "document": {"url": "https://acme.example/help", "state": state, "state_index": 0, "timestamp": timestamp, "axe": {"violations": [], "incomplete": []}, "elements": {}}}

system(ui, docs) := fixtures.system_with({"channels": [{"type": "chat"}], "ui": ui}, {"lines": {"ui": 40, "ui.scan_states": 47}, "documents": docs})

ui := {"entry_points": [{"name": "help", "url": "https://acme.example/help"}], "scan_states": ["closed", "open"], "last_change": "2026-11-12"}

test_wcag_scan_01_pass_current_engine_and_tags if {
	count(deny) == 0 with input as scan(axe, {"type": "tag", "values": tags}, "2026-11-20T10:00:00.000Z")
}

test_wcag_scan_01_pass_scan_after_a_pinned_evaluation_date if {
	count(deny) == 0 with input as scan(axe, {"type": "tag", "values": tags}, "2026-12-24T10:00:00.000Z")
}

test_wcag_scan_01_fail_old_engine if {
	r := deny with input as scan({"name": "axe-core", "version": "3.1.1"}, {"type": "tag", "values": tags}, "2026-11-20T10:00:00.000Z")
	count(r) == 1
	some f in r
	f.msg == "scanned with axe-core 3.1.1: cxgov needs axe-core 4.10.0 or newer"
}

test_wcag_scan_01_fail_only_aa_21_tag if {
	r := deny with input as scan(axe, {"type": "tag", "values": ["wcag21aa"]}, "2026-11-20T10:00:00.000Z")
	count(r) == 1
	some f in r
	f.msg == "the scan ran only the tags wcag21aa: it must include wcag2a, wcag2aa, wcag21a, wcag22aa"
}

test_wcag_scan_01_fail_stale_scan if {
	r := deny with input as scan(axe, {"type": "tag", "values": tags}, "2026-10-01T10:00:00.000Z")
	count(r) == 1
	some f in r
	f.msg == "the scan is 52 days old (more than 30)"
}

test_wcag_scan_01_pass_system_all_states if {
	count(deny) == 0 with input as system(ui, [doc("closed", "2026-11-20T10:00:00Z"), doc("open", "2026-11-20T10:00:00Z")])
}

test_wcag_scan_01_pass_system_without_ui if {
	count(deny) == 0 with input as system({}, [])
}

test_wcag_scan_01_fail_system_missing_state if {
	r := deny with input as system(ui, [doc("closed", "2026-11-20T10:00:00Z")])
	count(r) == 1
	some f in r
	f.msg == "no UI scan results for the state(s) open: the chat widget is not known to be accessible in them"
	f._loc == {"file": "cxgov.yaml", "line": 47}
}

test_wcag_scan_01_fail_system_not_scanned if {
	r := deny with input as system(ui, [])
	count(r) == 2
	some f in r
	f.msg == "UI entry point help (https://acme.example/help) was not scanned"
}

test_wcag_scan_01_fail_system_scan_before_last_change if {
	r := deny with input as system(ui, [doc("closed", "2026-11-10T10:00:00Z"), doc("open", "2026-11-20T10:00:00Z")])
	count(r) == 1
	some f in r
	f.msg == "the scan of https://acme.example/help#closed (2026-11-10) predates the UI's last change (ui.last_change 2026-11-12)"
}

test_wcag_scan_01_fail_engine_without_version if {
	r := deny with input as scan({"name": "axe-core"}, {"type": "tag", "values": tags}, "2026-11-20T10:00:00.000Z")
	count(r) == 1
	some f in r
	f.msg == "scanned with axe-core (no version): cxgov needs axe-core 4.10.0 or newer"
}

test_wcag_scan_01_fail_timestamp_missing if {
	r := deny with input as object.remove(scan(axe, {"type": "tag", "values": tags}, null), ["timestamp"])
	r == {{"msg": "the scan has no valid timestamp", "resource": "timestamp"}}
}

test_wcag_scan_01_fail_timestamp_null if {
	r := deny with input as scan(axe, {"type": "tag", "values": tags}, null)
	r == {{"msg": "the scan has no valid timestamp", "resource": "timestamp"}}
}

test_wcag_scan_01_fail_system_unnamed_entry_point_not_scanned if {
	r := deny with input as system({"entry_points": [{"url": "https://acme.example/help"}]}, [])
	some f in r
	f.msg == "UI entry point https://acme.example/help (https://acme.example/help) was not scanned"
}
