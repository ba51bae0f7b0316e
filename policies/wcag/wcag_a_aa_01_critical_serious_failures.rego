# METADATA
# title: No critical or serious WCAG 2.2 A/AA failures in the agent UI
# description: >-
#   WCAG 2.2 levels A and AA (EN 301 549 clause 9, the EAA's presumption of conformity): a
#   violation axe-core or cxgov's behavioural checks (focus moved into and back out of the widget,
#   Escape, keyboard traps, target size, reflow at 320 px) report with a WCAG A/AA tag and critical
#   or serious impact fails the scan; the live-announcement and focus-obscured checks have rules of
#   their own (WCAG-413-01, WCAG-22-01). Violations only of the obsolete SC 4.1.1 (wcag2a-obsolete)
#   are ignored. Each finding names the success criteria and EN 301 549 clauses from the tags and the
#   failing elements' selectors. A clean scan never proves conformance: no engine finds every failure.
# custom:
#   id: WCAG-A-AA-01
#   severity: high
#   gate: deny
#   effective_from: eaa
#   applies_to: [ui-scan]
#   frameworks:
#     wcag22: [A/AA]
#     en301549: ["9"]
#     eaa: [Annex I]
#   remediation: >-
#     Fix each failing element the finding lists (the help URL explains the rule; cx-* rules are
#     cxgov's behavioural checks, whose failure summary says what happened), then scan again; do
#     not waive critical or serious failures of a customer-service channel.
package cxgov.wcag.wcag_a_aa_01

import rego.v1

import data.cxgov.wcag.helpers

deny contains helpers.violation_finding(v) if {
	some v in helpers.impact_judged
	helpers.a_aa(v)
	helpers.blocking(v)
}
