# METADATA
# title: Technical documentation is bound to the model version
# description: >-
#   Art 11 and Annex IV, high-risk systems: the version references its Annex IV documentation
#   (tag annex_iv_ref) with the document's sha256 (annex_iv_sha256), the documentation names this
#   very version (annex_iv_model_version) and covers Annex IV sections 1-9 (annex_iv_sections).
#   The registry cannot show the document itself: its content and approval are evidence held with
#   the descriptor (system.ai_act.doc_ref).
# custom:
#   id: AIACT-11-01
#   severity: high
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [model-version]
#   frameworks:
#     eu-ai-act: [Art.11, Annex IV]
#   remediation: >-
#     When registering the version, tag it with annex_iv_ref, annex_iv_sha256 (of the document),
#     annex_iv_model_version (this version's number) and annex_iv_sections ("1,2,...,9"), after
#     updating the documentation for this version.
package cxgov.ai_act.aiact_11_01

import rego.v1

import data.cxgov.lib.model_version as mv
import data.cxgov.lib.result

contract := mv.contract

violations contains concat("", [mv.label, " has no Annex IV documentation reference (tag annex_iv_ref)"]) if not mv.has_tag("annex_iv_ref")

violations contains concat("", [mv.label, ": annex_iv_sha256 is missing or not a sha256"]) if not sha256_ok

sha256_ok if regex.match(contract.sha256_pattern, object.get(input.tags, "annex_iv_sha256", ""))

violations contains concat("", [mv.label, ": the Annex IV documentation is bound to version ", input.tags.annex_iv_model_version, ", not ", input.version]) if {
	input.tags.annex_iv_model_version != input.version
}

violations contains concat("", [mv.label, " does not say which version its Annex IV documentation describes (tag annex_iv_model_version)"]) if {
	not input.tags.annex_iv_model_version
}

sections := mv.list_tag("annex_iv_sections")

missing_sections := [s | some s in contract.annex_iv_sections; not s in sections]

violations contains concat("", [mv.label, ": Annex IV sections ", concat(", ", missing_sections), " are missing"]) if {
	count(missing_sections) > 0
}

deny contains result.of(m, mv.label) if {
	mv.high_risk
	some m in violations
}
