# METADATA
# title: WCAG 2.2 criteria new in 2.2 are machine-checked or checked by a person
# description: >-
#   Five success criteria new in WCAG 2.2 are beyond axe-core: 2.4.11 focus not obscured, 2.5.7
#   dragging movements, 3.2.6 consistent help, 3.3.7 redundant entry, 3.3.8 accessible
#   authentication. 2.4.11 is machine-checked by cxgov's focus-obscured check in every scanned state
#   (a focused element entirely hidden by the launcher or other content denies the scan); once a
#   scan of the system ran it, 2.4.11 needs no manual entry. Every other criterion (the list is
#   reference data, wcag_manual.manual_criteria and automated_criteria) must be recorded as passed in
#   the manual checklist (EVID: the judgement is the tester's), and a person's recorded failure
#   stands even where the machine found none.
# custom:
#   id: WCAG-22-01
#   severity: medium
#   gate: warn
#   applies_to: [system, ui-scan]
#   frameworks:
#     wcag22: ["2.4.11", "2.5.7", "3.2.6", "3.3.7", "3.3.8"]
#     en301549: ["9"]
#   remediation: >-
#     Leave room for the floating launcher (scroll-padding, page padding) so a focused element is
#     never hidden under it; test the other criteria by hand on the chat widget and record the
#     outcome in accessibility.manual_checklist (criterion -> pass); fix any failure first.
package cxgov.wcag.wcag_22_01

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.wcag.helpers

# --- machine-checked, in each scanned state ---

# METADATA
# custom:
#   gate: deny
#   severity: high
deny contains helpers.violation_finding(v) if {
	helpers.is_scan
	some v in helpers.own_violations("WCAG-22-01")
}

# --- the system: the manual checklist for what no scan decided ---

checklist := object.get(helpers.accessibility, "manual_checklist", {})

# criteria a behavioural check decided in at least one scan of the system
machine_checked contains c if {
	some c, checks in helpers.ref.automated_criteria
	some s in helpers.scans
	some name in checks
	object.get(s, ["behaviour", "checks", name, "status"], "") in {"passed", "failed"}
}

warn contains result.at(sprintf("WCAG 2.2 SC %s has no manual check recorded (accessibility.manual_checklist)", [c]), sprintf("WCAG %s", [c]), subject.loc("accessibility.manual_checklist")) if {
	not helpers.is_scan
	helpers.has_ui
	some c in helpers.ref.manual_criteria
	not machine_checked[c]
	not is_string(object.get(checklist, c, null))
}

warn contains result.at(sprintf("WCAG 2.2 SC %s manual check is %s, not pass", [c, checklist[c]]), sprintf("WCAG %s", [c]), subject.loc(sprintf("accessibility.manual_checklist.%s", [c]))) if {
	not helpers.is_scan
	helpers.has_ui
	some c in helpers.ref.manual_criteria
	outcome := checklist[c]
	is_string(outcome)
	not outcome in helpers.ref.accepted_outcomes
}
