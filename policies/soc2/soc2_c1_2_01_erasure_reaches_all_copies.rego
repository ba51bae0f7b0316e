# METADATA
# title: Erasure reaches everywhere the data lives
# description: >-
#   A deletion request (GDPR Art 17, SOC 2 C1.2/P4.3) must reach every copy of a customer's
#   conversation: transcript and vector-index stores, other stores and log sinks holding personal
#   data, and the LLM vendor unless it retains nothing (zero_data_retention). Each place missing
#   from dsr.erasure_propagates_to (matched by name) is a warning.
# custom:
#   id: SOC2-C1.2-01
#   severity: medium
#   gate: warn
#   applies_to: [system]
#   frameworks:
#     soc2: [C1.2, P4.3]
#     gdpr: [Art.17]
#   remediation: >-
#     Extend the deletion workflow to every store, index, log sink and vendor that holds the
#     customer's data (with the vendor's deletion API or a contractual deletion request), and list
#     their names in dsr.erasure_propagates_to.
package cxgov.soc2.soc2_c1_2_01

import rego.v1

import data.cxgov.lib.personal_data
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

erasure := object.get(object.get(d, "dsr", {}), "erasure_propagates_to", [])

store_kinds := {"transcript", "vector_index", "customer_record"}

# [descriptor path, what, names that count as covering it]
places contains [concat("", ["data_stores.", format_int(i, 10)]), concat("", ["data store ", s.name]), {s.name}] if {
	some i, s in object.get(d, "data_stores", [])
	personal_store(s)
}

places contains [concat("", ["log_sinks.", format_int(i, 10)]), concat("", ["log sink ", s.name]), {s.name}] if {
	some i, s in object.get(d, "log_sinks", [])
	personal_sink(s)
}

places contains [concat("", ["ai_providers.", format_int(i, 10)]), concat("", ["AI provider ", p.name]), {p.name, object.get(p, "vendor", p.name)}] if {
	some i, p in object.get(d, "ai_providers", [])
	not p.zero_data_retention == true
}

personal_store(s) if s.data_kind in store_kinds

personal_store(s) if personal_data.declared(s)

personal_sink(s) if s.contains_personal_data == true

personal_sink(s) if personal_data.carries_personal_kind(s)

warn contains result.at(msg, p[1], subject.loc(p[0])) if {
	some p in places
	names := p[2]
	not covered(names)
	msg := concat("", [p[1], ": not in dsr.erasure_propagates_to (erasure requests do not reach it)"])
}

covered(names) if {
	some n in names
	n in erasure
}
