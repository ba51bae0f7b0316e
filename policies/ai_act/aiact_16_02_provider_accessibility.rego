# METADATA
# title: A high-risk system's provider meets the accessibility requirements (EAA)
# description: >-
#   Art 16(l): providers of high-risk AI systems ensure the system complies with the accessibility
#   requirements of Directives (EU) 2016/2102 and 2019/882. cxgov reads that through the UI scans:
#   for a high-risk system whose operator is a provider, any critical or serious WCAG A/AA failure
#   in a scanned page and state (what WCAG-A-AA-01 reports) fails this control too.
# custom:
#   id: AIACT-16-02
#   severity: high
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.16(l)]
#     eaa: [Annex I]
#   remediation: >-
#     Fix the critical and serious WCAG A/AA failures WCAG-A-AA-01 lists for the system's UI and
#     scan again; keep the scans in the evidence bundle.
package cxgov.ai_act.aiact_16_02

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.wcag.helpers

failing contains concat("", [s.url, "#", s.state, " ", v.id]) if {
	some s in helpers.scans
	some v in s.axe.violations
	helpers.a_aa(v)
	helpers.blocking(v)
}

deny contains result.at(concat("", ["high-risk system with critical or serious WCAG A/AA failures in its UI: ", concat(", ", sort(failing))]), "ui", subject.loc("ui")) if {
	subject.high_risk
	subject.provider_role
	count(failing) > 0
}
