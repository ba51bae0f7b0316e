# METADATA
# title: Shared readings of the descriptor for the EU AI Act pack
# description: >-
#   The ai_act section, evidence age, emotion-recognition scope, AI event-log sinks and Annex III
#   points, so each rule of the pack reads them the same way.
package cxgov.ai_act.helpers

import rego.v1

import data.cxgov.lib.subject

d := subject.descriptor

ref := data.cxgov.ref.ai_act_controls

annex := data.cxgov.ref.annex_iii_map

# system.ai_act, or {} when the descriptor has none
ai_act := object.get(d, ["system", "ai_act"], {})

# evidence approval age where CONTROLS gives none (and for its 365-day EVIDs)
evidence_max_days := data.cxgov.config.thresholds.evidence_max_days

# a list field of the descriptor, [] when absent
arr(path) := v if {
	v := object.get(d, path, [])
	is_array(v)
}

arr(path) := [] if not is_array(object.get(d, path, []))

# emotion recognition is on: enabled, or described without being switched off
er := object.get(d, "emotion_recognition", {})

er_active if er.enabled == true

er_active if {
	not is_boolean(object.get(er, "enabled", null))
	count(arr(["emotion_recognition", "subjects"])) > 0
}

er_subject(s) if s in arr(["emotion_recognition", "subjects"])

# modalities that make emotion recognition biometric (Art 3(39)); text sentiment is not
er_biometric_modalities := {m | some m in arr(["emotion_recognition", "modality"]); m in ref.biometric_modalities}

er_modality_undeclared if count(arr(["emotion_recognition", "modality"])) == 0

# AI event-log sinks (log_sinks[type=ai_event]) with their index
ai_event_sinks contains [i, s] if {
	some i, s in arr(["log_sinks"])
	s.type == "ai_event"
}

# Annex III points: those declared, and those the use cases map to
use_case_points contains [u, p] if {
	some u in arr(["system", "use_cases"])
	p := annex.use_cases[u]
}

annex_iii_points := {p | some p in object.get(ai_act, "annex_iii", [])} | {p | some x in use_case_points; p := x[1]}
