# METADATA
# title: PII is redacted before LLM calls and logging
# description: >-
#   GDPR Arts 32 and 25 (data protection by design): personal data sent to an LLM or written to logs
#   should be redacted or pseudonymised first. Each AI provider needs pii_redaction.enabled (or the
#   provider's own pii_redaction) and each log sink holding personal data (unless it says it holds
#   none) needs redaction_enabled. Advisory as a rule, but blocking when special-category data (Art 9)
#   is present: a data store with special_category true, or voice biometrics enabled.
# custom:
#   id: GDPR-32-03
#   severity: high
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.32, Art.25]
#   remediation: >-
#     Put a PII redaction or pseudonymisation step (e.g. entity detection and masking) in front of every
#     LLM call and log sink, and set pii_redaction.enabled and log_sinks[].redaction_enabled to true.
package cxgov.gdpr.gdpr_32_03

import rego.v1

import data.cxgov.lib.personal_data
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

# special-category data present, in words
special contains "voice biometrics are enabled" if d.voice_biometrics.enabled == true

special contains concat("", ["data store ", s.name, " holds special-category data"]) if {
	some s in d.data_stores
	s.special_category == true
}

redacted(p) if d.pii_redaction.enabled == true

redacted(p) if p.pii_redaction == true

first_loc(paths) := subject.loc(ps[0]) if {
	ps := [p | some p in paths; input.lines[p]]
	count(ps) > 0
}

first_loc(paths) := subject.loc(paths[count(paths) - 1]) if count([p | some p in paths; input.lines[p]]) == 0

violations contains result.at(msg, concat(" ", ["AI provider", p.name]), first_loc(["pii_redaction.enabled", path])) if {
	is_object(input.descriptor)
	some i, p in d.ai_providers
	not redacted(p)
	path := sprintf("ai_providers.%d", [i])
	msg := concat("", ["AI provider ", p.name, ": PII is not redacted before LLM calls (pii_redaction.enabled is not true)"])
}

violations contains result.at(msg, concat(" ", ["log sink", s.name]), first_loc([concat("", [path, ".redaction_enabled"]), path])) if {
	is_object(input.descriptor)
	some i, s in d.log_sinks
	personal_data.holds(s)
	not s.redaction_enabled == true
	path := sprintf("log_sinks.%d", [i])
	msg := concat("", ["log sink ", s.name, ": personal data is logged without redaction (redaction_enabled is not true)"])
}

deny contains result.at(msg, v.resource, v._loc) if {
	count(special) > 0
	some v in violations
	msg := concat("", [v.msg, "; special-category data is present (", concat(", ", sort([s | some s in special])), ")"])
}

warn contains v if {
	count(special) == 0
	some v in violations
}
