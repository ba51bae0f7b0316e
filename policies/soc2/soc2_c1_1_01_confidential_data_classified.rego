# METADATA
# title: Confidential information is identified
# description: >-
#   In production, every data store and log sink carries a classification (public, internal,
#   confidential, restricted), so that confidential data can be found and protected. A
#   descriptor that does not declare system.environment is treated as production (fail closed).
# custom:
#   id: SOC2-C1.1-01
#   severity: medium
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     soc2: [C1.1]
#   remediation: >-
#     Set classification on every data store and log sink (conversation transcripts and AI event
#     logs are usually confidential or restricted), and declare system.environment.
package cxgov.soc2.soc2_c1_1_01

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

environment := d.system.environment

in_scope if environment == "production"

in_scope if {
	is_object(d)
	not declared_environment
}

# undefined as a whole when system.environment is missing
declared_environment if is_string(environment)

note := " (system.environment is not declared: treated as production)" if not declared_environment

note := "" if declared_environment

holders contains [sprintf("data_stores.%d", [i]), concat("", ["data store ", s.name]), s] if {
	some i, s in object.get(d, "data_stores", [])
}

holders contains [sprintf("log_sinks.%d", [i]), concat("", ["log sink ", s.name]), s] if {
	some i, s in object.get(d, "log_sinks", [])
}

deny contains result.at(msg, h[1], subject.loc(concat(".", [h[0], "classification"]))) if {
	in_scope
	some h in holders
	holder := h[2]
	not is_string(object.get(holder, "classification", null))
	msg := concat("", [h[1], ": no classification", note])
}
