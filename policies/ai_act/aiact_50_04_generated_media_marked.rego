# METADATA
# title: Generated audio, images and video are marked as AI-generated
# description: >-
#   Art 50(2) requires providers of generative systems to mark synthetic audio, image and video
#   output in a machine-readable, detectable way. Systems placed on the market before the general
#   application date have until the legacy date (config dates.ai_act_art50_2_legacy), and until
#   then this is a warning. Marking of generated text is EVID only and not checked here.
# custom:
#   id: AIACT-50-04
#   severity: medium
#   gate: deny
#   effective_from: ai_act_general
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.50(2)]
#   remediation: >-
#     Mark every generated audio, image and video output in machine-readable form (e.g. C2PA
#     content credentials, watermark or metadata) and declare it in genai.outputs[].marking.
package cxgov.ai_act.aiact_50_04

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.dates
import data.cxgov.lib.result
import data.cxgov.lib.subject

cfg_dates := data.cxgov.config.dates

violations contains result.at(sprintf("generated %s output is not marked as AI-generated (marking: %s)", [o.modality, marking(o)]), sprintf("genai output %s", [o.modality]), subject.loc(sprintf("genai.outputs.%d.marking", [i]))) if {
	subject.provider_role
	some i, o in helpers.arr(["genai", "outputs"])
	o.modality in helpers.ref.marked_output_modalities
	unmarked(o)
}

unmarked(o) if not is_string(object.get(o, "marking", null))

unmarked(o) if o.marking in helpers.ref.unmarked_values

marking(o) := o.marking if is_string(o.marking)

marking(o) := "not declared" if not is_string(object.get(o, "marking", null))

# placed on the market before general application, and the legacy deadline has not come
legacy_grace if {
	dates.before(helpers.ai_act.placed_on_market, cfg_dates.ai_act_general)
	dates.before(dates.today, cfg_dates.ai_act_art50_2_legacy)
}

deny contains v if {
	some v in violations
	not legacy_grace
}

warn contains object.union(v, {"msg": sprintf("%s (system placed on the market before %s: enforced from %s)", [v.msg, cfg_dates.ai_act_general, cfg_dates.ai_act_art50_2_legacy])}) if {
	some v in violations
	legacy_grace
}
