# METADATA
# title: Accessibility information is published for the service
# description: >-
#   Under the European Accessibility Act (Art 13, Annex V) service providers in scope publish how
#   their service meets the accessibility requirements (an accessibility statement). Microenterprises
#   providing services are exempt (Art 4(5)). Whether the service is in scope must be declared.
# custom:
#   id: EAA-01
#   severity: medium
#   gate: deny
#   effective_from: eaa
#   applies_to: [system]
#   frameworks:
#     eaa: [Art.13, Annex V]
#   remediation: >-
#     Declare accessibility.eaa_in_scope (and microenterprise where it applies); when in scope,
#     publish an accessibility statement for the service, including the chat or voice bot, and set
#     accessibility.statement_url.
package cxgov.wcag.eaa_01

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.wcag.helpers

a := helpers.accessibility

deny contains result.at("accessibility.eaa_in_scope is not declared: cannot tell whether the European Accessibility Act applies", "accessibility.eaa_in_scope", subject.loc("accessibility.eaa_in_scope")) if {
	not is_boolean(object.get(a, "eaa_in_scope", null))
}

deny contains result.at("the service is in scope of the European Accessibility Act but publishes no accessibility statement (accessibility.statement_url)", "accessibility.statement_url", subject.loc("accessibility.statement_url")) if {
	a.eaa_in_scope == true
	not a.microenterprise == true
	not published
}

published if {
	is_string(a.statement_url)
	trim_space(a.statement_url) != ""
}
