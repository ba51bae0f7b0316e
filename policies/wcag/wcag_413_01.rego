# METADATA
# title: Chat messages and status changes are announced to screen readers (assistive-technology test)
# description: >-
#   WCAG 2.2 SC 4.1.3 (status messages): new bot messages, typing indicators and hand-off status must
#   reach screen-reader users without moving focus. axe-core cannot test this, so a recent manual
#   test with NVDA, JAWS or VoiceOver is required as evidence (EVID, at most 180 days old).
# custom:
#   id: WCAG-413-01
#   severity: high
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     wcag22: ["4.1.3"]
#     en301549: ["9.4.1.3"]
#   remediation: >-
#     Test the chat widget with a screen reader (NVDA, JAWS, VoiceOver): new messages, typing
#     indicator, hand-off and errors announced through live regions; record the test as
#     accessibility.at_test_ref with its sha256, approver and approval date, and repeat it at least
#     every 180 days.
package cxgov.wcag.wcag_413_01

import rego.v1

import data.cxgov.lib.evidence
import data.cxgov.lib.subject
import data.cxgov.wcag.helpers

deny contains {"msg": sprintf("screen-reader test of status messages (accessibility.at_test_ref): %s", [p]), "resource": "accessibility.at_test_ref", "_loc": subject.loc("accessibility")} if {
	helpers.has_ui
	p := evidence.problem(object.get(helpers.accessibility, "at_test_ref", null), helpers.ref.at_test_max_days)
}
