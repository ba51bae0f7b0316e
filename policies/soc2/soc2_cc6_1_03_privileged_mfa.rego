# METADATA
# title: MFA for every privileged human access
# description: >-
#   Multi-factor authentication is enforced, and required for every privileged role of a CX AI
#   system (admin, console, model registry, agent console: data.cxgov.ref.security.privileged_roles).
#   Admins should use phishing-resistant MFA (FIDO2/WebAuthn).
# custom:
#   id: SOC2-CC6.1-03
#   severity: critical
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     soc2: [CC6.1, CC6.6]
#   remediation: >-
#     Enforce MFA in the identity provider for the system's users (identity.mfa_enforced: true) and
#     list every privileged role in identity.mfa_required_roles; move administrators to
#     phishing-resistant factors (security keys or passkeys) and set
#     identity.phishing_resistant_admin_mfa: true.
package cxgov.soc2.soc2_cc6_1_03

import rego.v1

import data.cxgov.lib.messages
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

identity := object.get(d, "identity", {})

deny contains result.at(msg, "identity", subject.loc("identity.mfa_enforced")) if {
	is_object(d)
	not identity.mfa_enforced == true
	msg := concat("", ["identity: mfa_enforced is ", messages.shown(identity, "mfa_enforced"), " (MFA must be enforced)"])
}

deny contains result.at(msg, concat("", ["role ", role]), subject.loc("identity.mfa_required_roles")) if {
	is_object(d)
	some role in data.cxgov.ref.security.privileged_roles
	not role in object.get(identity, "mfa_required_roles", [])
	msg := concat("", ["identity: privileged role ", role, " is not in mfa_required_roles"])
}

warn contains result.at(msg, "identity", subject.loc("identity.phishing_resistant_admin_mfa")) if {
	is_object(d)
	not identity.phishing_resistant_admin_mfa == true
	msg := concat("", ["identity: phishing_resistant_admin_mfa is ", messages.shown(identity, "phishing_resistant_admin_mfa"), " (admins should use FIDO2/WebAuthn factors)"])
}
