# METADATA
# title: People subject to high-risk AI decisions are told
# description: >-
#   Art 26(11): deployers of Annex III high-risk systems that make or help make decisions about
#   natural persons must inform those persons that a high-risk AI system is used.
# custom:
#   id: AIACT-26-11
#   severity: high
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.26(11)]
#   remediation: >-
#     Inform the people concerned (e.g. in the conversation and the privacy notice) that a
#     high-risk AI system is used in decisions about them, and set
#     ai_disclosure.highrisk_notice: true.
package cxgov.ai_act.aiact_26_11

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject

deny contains result.at("high-risk AI system: people concerned are not told it is used (ai_disclosure.highrisk_notice is not true)", "ai_disclosure.highrisk_notice", subject.loc("ai_disclosure.highrisk_notice")) if {
	subject.high_risk
	not subject.descriptor.ai_disclosure.highrisk_notice == true
}
