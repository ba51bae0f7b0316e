# METADATA
# title: WCAG 2.2 criteria that cannot be automated are checked by a person
# description: >-
#   Five success criteria new in WCAG 2.2 (2.4.11 focus not obscured, 2.5.7 dragging movements,
#   3.2.6 consistent help, 3.3.7 redundant entry, 3.3.8 accessible authentication) cannot be tested
#   by axe-core. Each must be recorded as passed in the manual checklist (EVID: the judgement is the
#   tester's); the list of criteria is reference data (wcag_manual.manual_criteria).
# custom:
#   id: WCAG-22-01
#   severity: medium
#   gate: warn
#   applies_to: [system]
#   frameworks:
#     wcag22: ["2.4.11", "2.5.7", "3.2.6", "3.3.7", "3.3.8"]
#     en301549: ["9"]
#   remediation: >-
#     Test each criterion by hand on the chat widget and record the outcome in
#     accessibility.manual_checklist (criterion -> pass); fix any failure first.
package cxgov.wcag.wcag_22_01

import rego.v1

import data.cxgov.lib.subject
import data.cxgov.wcag.helpers

checklist := object.get(helpers.accessibility, "manual_checklist", {})

warn contains {"msg": sprintf("WCAG 2.2 SC %s has no manual check recorded (accessibility.manual_checklist)", [c]), "resource": sprintf("WCAG %s", [c]), "_loc": subject.loc("accessibility.manual_checklist")} if {
	helpers.has_ui
	some c in helpers.ref.manual_criteria
	not is_string(object.get(checklist, c, null))
}

warn contains {"msg": sprintf("WCAG 2.2 SC %s manual check is %s, not pass", [c, checklist[c]]), "resource": sprintf("WCAG %s", [c]), "_loc": subject.loc(sprintf("accessibility.manual_checklist.%s", [c]))} if {
	helpers.has_ui
	some c in helpers.ref.manual_criteria
	outcome := checklist[c]
	is_string(outcome)
	not outcome in helpers.ref.accepted_outcomes
}
