# METADATA
# title: Chat messages and status changes are announced to screen readers
# description: >-
#   WCAG 2.2 SC 4.1.3 (status messages): new bot messages, typing indicators, hand-off status and
#   errors must reach screen-reader users without moving focus. Machine-checked in every scanned
#   state by cxgov's live-announcements check: what appears after a message is sent must be inside
#   a live region that was on the page before the change and is not aria-hidden (deny), chat
#   messages must be polite, and a streamed reply must not be re-announced at every token (warn).
#   Whether a screen reader actually speaks them stays a person's test: a recent test with NVDA,
#   JAWS or VoiceOver is still required as evidence (EVID, at most 180 days old).
# custom:
#   id: WCAG-413-01
#   severity: high
#   gate: deny
#   applies_to: [system, ui-scan]
#   frameworks:
#     wcag22: ["4.1.3"]
#     en301549: ["9.4.1.3"]
#   remediation: >-
#     Keep a polite live region (role=log for the transcript, role=status for the typing indicator
#     and hand-off, role=alert for errors) on the page, empty, from the start, and put new content
#     inside it; mark a streaming reply's region aria-busy until the reply is complete. Test the
#     widget with a screen reader (NVDA, JAWS, VoiceOver) and record the test as
#     accessibility.at_test_ref with its sha256, approver and approval date, at least every 180 days.
package cxgov.wcag.wcag_413_01

import rego.v1

import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.wcag.helpers

# --- machine-checked, in each scanned state ---

deny contains helpers.violation_finding(v) if {
	helpers.is_scan
	some v in helpers.own_violations("WCAG-413-01")
	helpers.blocking(v)
}

warn contains helpers.violation_finding(v) if {
	helpers.is_scan
	some v in helpers.own_violations("WCAG-413-01")
	not helpers.blocking(v)
}

# --- what stays manual: the screen reader's speech itself ---

deny contains result.at(sprintf("screen-reader test of status messages (accessibility.at_test_ref): %s", [p]), "accessibility.at_test_ref", subject.loc("accessibility")) if {
	not helpers.is_scan
	helpers.has_ui
	p := evidence.problem(object.get(helpers.accessibility, "at_test_ref", null), helpers.ref.at_test_max_days)
}
