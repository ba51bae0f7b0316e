# METADATA
# title: No emotion recognition of workers
# description: >-
#   Art 5(1)(f) prohibits inferring the emotions of natural persons in the workplace (contact-centre
#   agents) from biometric data (voice, video, face), except for medical or safety reasons. Text
#   sentiment analysis is not biometric and is not caught.
# custom:
#   id: AIACT-05-01
#   severity: critical
#   gate: deny
#   effective_from: ai_act_prohibitions
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.5(1)(f)]
#   remediation: >-
#     Switch off emotion recognition for employees (remove employees from
#     emotion_recognition.subjects), or restrict it to text sentiment (modality: [text]). Only a
#     medical or safety purpose, documented in emotion_recognition.purpose, is exempt.
package cxgov.ai_act.aiact_05_01

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.result
import data.cxgov.lib.subject

in_scope if {
	helpers.er_active
	helpers.er_subject("employees")
	not object.get(helpers.er, "purpose", "") in helpers.ref.workplace_er_exempt_purposes
}

deny contains result.at(msg, "emotion_recognition", subject.loc("emotion_recognition.modality")) if {
	in_scope
	count(helpers.er_biometric_modalities) > 0
	# concat, not sprintf: the embedded engine quotes a builtin's string result inside sprintf %s
	msg := concat("", ["emotion recognition of employees from biometric data (", concat(", ", sort(helpers.er_biometric_modalities)), ") is prohibited in the workplace"])
}

deny contains result.at("emotion recognition of employees is enabled without a declared modality: it cannot be shown to be non-biometric", "emotion_recognition", subject.loc("emotion_recognition.modality")) if {
	in_scope
	helpers.er_modality_undeclared
}

deny contains result.at("emotion recognition is enabled without declared subjects: it cannot be shown not to cover employees", "emotion_recognition", subject.loc("emotion_recognition.subjects")) if {
	helpers.er.enabled == true
	count(helpers.arr(["emotion_recognition", "subjects"])) == 0
}
