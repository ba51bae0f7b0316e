# METADATA
# title: Which descriptor entries hold personal data
# description: >-
#   One reading of the personal-data fields of services, data stores and log sinks, and of the
#   retention and record-of-processing (RoPA) facts rules judge about them, for every rule that
#   judges only the entries holding personal data.
package cxgov.lib.personal_data

import rego.v1

import data.cxgov.lib.subject

# data kinds that are personal data whatever else an entry says
kinds := {"transcript", "ai_event", "pii", "customer_record"}

# the entry says it holds personal data
declared(x) if x.contains_personal_data == true

declared(x) if x.special_category == true

# one of its data_kinds is a personal kind
carries_personal_kind(x) if {
	some k in object.get(x, "data_kinds", [])
	k in kinds
}

# fail closed: an entry holds personal data unless it says it does not (contains_personal_data
# false, or data_kinds naming no personal kind)
holds(x) if declared(x)

holds(x) if carries_personal_kind(x)

holds(x) if {
	not x.contains_personal_data == false
	not declares_only_other_kinds(x)
}

declares_only_other_kinds(x) if {
	count(object.get(x, "data_kinds", [])) > 0
	not carries_personal_kind(x)
}

# the data stores and log sinks holding personal data: {path, what, item}
stores_and_sinks contains {"path": sprintf("data_stores.%d", [i]), "what": concat(" ", ["data store", s.name]), "item": s} if {
	some i, s in subject.descriptor.data_stores
	holds(s)
}

stores_and_sinks contains {"path": sprintf("log_sinks.%d", [i]), "what": concat(" ", ["log sink", s.name]), "item": s} if {
	some i, s in subject.descriptor.log_sinks
	holds(s)
}

# a retention period: retention_days a positive number (absent or 0 is kept forever)
finite_retention(x) if {
	is_number(x.retention_days)
	x.retention_days > 0
}

# the RoPA entries with this id
ropa_entries(id) := [e | some e in object.get(subject.descriptor, "ropa", []); e.id == id]
