# METADATA
# title: The UI scan is valid, current and covers every chat-widget state
# description: >-
#   A scan is evidence only if it was made with a current axe-core (config a11y.axe_min_version)
#   running at least the WCAG 2.0, 2.1 and 2.2 A/AA tags, at most a11y.scan_max_age_days before the
#   evaluation date and not before the UI's last change (ui.last_change), and if results exist for
#   every state the descriptor lists in ui.scan_states (default closed, open, streaming, handoff,
#   error, viewport-320) and every UI entry point. Each scan is judged on its own; the system view
#   judges coverage. A scan dated after the evaluation date (a run pinned to an earlier date) is
#   not stale.
# custom:
#   id: WCAG-SCAN-01
#   severity: high
#   gate: deny
#   applies_to: [ui-scan, system]
#   frameworks:
#     wcag22: [scan validity]
#     en301549: ["9"]
#   remediation: >-
#     Scan with axe-core 4.x (./scripts/setup.sh installs it; --axe-source picks another copy) and
#     the default tags, and give every state in ui.scan_states a `scan:` step in
#     ui.entry_points[].states; run the scan as part of the gate (cxgov check with the descriptor)
#     rather than reusing old results.
package cxgov.wcag.wcag_scan_01

import rego.v1

import data.cxgov.lib.dates
import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.wcag.helpers

cfg := data.cxgov.config.a11y

# --- one scan ---

engine := object.get(input.axe, "testEngine", {})

deny contains result.of(concat("", ["scanned with ", engine_text("name", "an unknown engine"), " ", engine_text("version", "(no version)"), ": cxgov needs axe-core ", cfg.axe_min_version, " or newer"]), "axe.testEngine") if {
	helpers.is_scan
	not engine_ok
}

engine_text(key, fallback) := engine[key] if engine_says(key)

engine_text(key, fallback) := fallback if not engine_says(key)

engine_says(key) if is_string(engine[key])

engine_ok if {
	engine.name == "axe-core"
	version_number(engine.version) >= version_number(cfg.axe_min_version)
}

version_number(v) := ((to_number(p[0]) * 1000000) + (to_number(p[1]) * 1000)) + to_number(p[2]) if {
	p := split(v, ".")
	count(p) == 3
	regex.match(`^[0-9]+\.[0-9]+\.[0-9]+$`, v)
}

run_only := object.get(input.axe, ["toolOptions", "runOnly"], null)

missing_tags := [t | some t in helpers.scan_ref.required_run_tags; not t in object.get(run_only, "values", [])]

deny contains result.of(concat("", ["the scan ran only the tags ", concat(", ", object.get(run_only, "values", [])), ": it must include ", concat(", ", missing_tags)]), "axe.toolOptions.runOnly") if {
	helpers.is_scan
	is_object(run_only)
	object.get(run_only, "type", "tag") in {"tag", "tags"}
	count(missing_tags) > 0
}

deny contains result.of("the scan ran a list of rules, not the WCAG tags: it does not show A/AA conformance", "axe.toolOptions.runOnly") if {
	helpers.is_scan
	is_object(run_only)
	not object.get(run_only, "type", "tag") in {"tag", "tags"}
}

# %v for the age: a day count computed from the live scan's timestamp is a number the embedded engine's %d refuses
deny contains result.of(sprintf("the scan is %v days old (more than %d)", [dates.age_days(input.timestamp), cfg.scan_max_age_days]), "timestamp") if {
	helpers.is_scan
	timestamp_ok
	dates.age_days(input.timestamp) > cfg.scan_max_age_days
}

deny contains result.of("the scan has no valid timestamp", "timestamp") if {
	helpers.is_scan
	not timestamp_ok
}

# undefined as a whole when the timestamp is missing or not a date (dates.age_days would fail the
# run on a null or a non-date string under strict builtin errors)
timestamp_ok if {
	is_string(input.timestamp)
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}`, input.timestamp)
	dates.age_days(input.timestamp)
}

# --- coverage, in the system view ---

declared_states := object.get(helpers.ui, "scan_states", [])

required_states := declared_states if count(declared_states) > 0

required_states := helpers.scan_ref.default_states if count(declared_states) == 0

scans_ui if count(helpers.entry_points) + count(declared_states) > 0

missing_states := [s | some s in required_states; count([x | some x in helpers.scans; x.state == s]) == 0]

deny contains result.at(concat("", ["no UI scan results for the state(s) ", concat(", ", missing_states), ": the chat widget is not known to be accessible in them"]), "ui.scan_states", subject.loc("ui.scan_states")) if {
	scans_ui
	count(missing_states) > 0
}

deny contains result.at(concat("", ["UI entry point ", entry_name(e), " (", e.url, ") was not scanned"]), sprintf("ui.entry_points.%d", [i]), subject.loc(sprintf("ui.entry_points.%d", [i]))) if {
	some i, e in helpers.entry_points
	count([x | some x in helpers.scans; x.url == e.url]) == 0
}

deny contains result.at(concat("", ["the scan of ", s.url, "#", s.state, " (", substring(s.timestamp, 0, 10), ") predates the UI's last change (ui.last_change ", helpers.ui.last_change, ")"]), "ui.last_change", subject.loc("ui.last_change")) if {
	some s in helpers.scans
	dates.before(s.timestamp, helpers.ui.last_change)
}

entry_name(e) := e.name if is_string(e.name)

entry_name(e) := e.url if not is_string(object.get(e, "name", null))
