# METADATA
# title: Upstream general-purpose AI model documentation is held
# description: >-
#   Art 53(1)(b) and Annex XII oblige GPAI model providers to give downstream providers the
#   documentation they need. A CX system built on a third-party LLM should hold it (or the
#   provider's GPAI Code of Practice commitment) for each AI provider (EVID).
# custom:
#   id: AIACT-GPAI-01
#   severity: low
#   gate: warn
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.53(1)(b), Annex XII]
#   remediation: >-
#     Obtain the model provider's downstream documentation (Annex XII model documentation, or its
#     signature of the GPAI Code of Practice with the documentation it publishes) and record it as
#     ai_providers[].gpai_docs_ref with its sha256, approver and approval date.
package cxgov.ai_act.aiact_gpai_01

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject

warn contains result.at(sprintf("AI provider %s: GPAI model documentation (gpai_docs_ref) %s", [p.name, problem]), sprintf("AI provider %s", [p.name]), subject.loc(sprintf("ai_providers.%d.gpai_docs_ref", [i]))) if {
	some i, p in helpers.arr(["ai_providers"])
	problem := evidence.problem(object.get(p, "gpai_docs_ref", null), helpers.evidence_max_days)
}
