# METADATA
# title: Chat widget text has enough contrast
# description: A team rule over axe-core scans, used by the evidence tests.
# custom:
#   id: TEAM-UI-01
#   severity: high
#   applies_to: [ui-scan]
#   frameworks:
#     wcag22: [1.4.3]
#     en301549: [9.1.4.3]
#   remediation: Raise the contrast of the widget's text to 4.5:1.
package evidence_team.contrast

import rego.v1

deny contains msg if {
	some v in input.axe.violations
	v.id == "color-contrast"
	msg := concat("", ["colour contrast fails in state ", input.state, " of ", input.url])
}
