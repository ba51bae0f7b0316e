# METADATA
# title: Voice biometrics have explicit consent
# description: >-
#   GDPR Art 9(1) makes biometric data used to identify a person special-category data; for a caller
#   verification service the only practical Art 9(2) condition is explicit consent (Art 9(2)(a)), given
#   by an opt-in with a non-biometric alternative. voice_biometrics.consent_mode must be
#   explicit_opt_in whenever voice_biometrics.enabled is true.
# custom:
#   id: GDPR-09-01
#   severity: high
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.9(2)(a)]
#   remediation: >-
#     Enrol callers in voice verification only after an explicit opt-in (recorded, withdrawable, with a
#     PIN or other non-biometric alternative), and set voice_biometrics.consent_mode to explicit_opt_in;
#     otherwise turn voice biometrics off.
package cxgov.gdpr.gdpr_09_01

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject

vb := object.get(subject.descriptor, "voice_biometrics", {})

mode(v) := concat("", ["consent_mode is ", v.consent_mode]) if is_string(v.consent_mode)

mode(v) := "consent_mode is not set" if not is_string(object.get(v, "consent_mode", null))

deny contains result.at(msg, "voice_biometrics", subject.field_loc("voice_biometrics", "consent_mode")) if {
	is_object(input.descriptor)
	vb.enabled == true
	not vb.consent_mode == "explicit_opt_in"
	msg := concat("", ["voice biometrics are enabled but ", mode(vb), " (explicit_opt_in required: Art 9(2)(a))"])
}
