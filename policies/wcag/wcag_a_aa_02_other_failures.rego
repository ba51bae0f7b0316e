# METADATA
# title: No other WCAG 2.2 A/AA failures in the agent UI
# description: >-
#   Any A/AA violation (axe-core's, or a behavioural check's without a rule of its own) means the
#   page does not conform, whatever its impact rating: moderate
#   and minor ones (and those without an impact) are reported as warnings, or deny when the
#   configuration sets a11y.strict. Findings name the success criteria, EN 301 549 clauses and the
#   failing elements' selectors.
# custom:
#   id: WCAG-A-AA-02
#   severity: medium
#   gate: warn
#   applies_to: [ui-scan]
#   frameworks:
#     wcag22: [A/AA]
#     en301549: ["9"]
#     eaa: [Annex I]
#   remediation: >-
#     Fix each failing element the finding lists (axe's help URL explains the rule) and scan again;
#     set a11y.strict to true (cxgov -d) to make these block the deployment.
package cxgov.wcag.wcag_a_aa_02

import rego.v1

import data.cxgov.wcag.helpers

strict if data.cxgov.config.a11y.strict == true

warn contains helpers.violation_finding(v) if {
	not strict
	some v in other_violations
}

# METADATA
# custom:
#   gate: deny
deny contains helpers.violation_finding(v) if {
	strict
	some v in other_violations
}

other_violations contains v if {
	some v in helpers.impact_judged
	helpers.a_aa(v)
	not helpers.blocking(v)
}
