# METADATA
# title: Retention does not exceed the RoPA erasure limit
# description: >-
#   GDPR Art 5(1)(e) and Art 30(1)(f): the record of processing (RoPA) states when each category of
#   data is erased, and no store or log sink may keep personal data longer than its RoPA entry allows.
#   Each store or sink holding personal data (unless it says it holds none) must name a RoPA entry
#   (ropa_ref -> ropa[].id) with an erasure_limit_days, and its retention_days must not exceed it; a
#   limit that cannot be resolved fails closed.
# custom:
#   id: GDPR-5E-02
#   severity: high
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.5(1)(e), Art.30(1)(f)]
#   remediation: >-
#     Give every data store and log sink holding personal data a ropa_ref naming an entry of ropa[] that
#     sets erasure_limit_days, and set its retention_days (> 0) to no more than that limit; if the
#     longer period is needed, update the RoPA entry (and its justification) first.
package cxgov.gdpr.gdpr_5e_02

import rego.v1

import data.cxgov.lib.subject

d := subject.descriptor

personal_kinds := {"transcript", "ai_event", "pii", "customer_record"}

# fail closed: a store or sink holds personal data unless it says it does not
personal(x) if x.contains_personal_data == true

personal(x) if x.special_category == true

personal(x) if carries_personal_kind(x)

personal(x) if {
	not x.contains_personal_data == false
	not declares_only_other_kinds(x)
}

carries_personal_kind(x) if {
	some k in object.get(x, "data_kinds", [])
	k in personal_kinds
}

declares_only_other_kinds(x) if {
	count(object.get(x, "data_kinds", [])) > 0
	not carries_personal_kind(x)
}

items contains {"path": sprintf("data_stores.%d", [i]), "what": concat(" ", ["data store", s.name]), "item": s} if {
	some i, s in d.data_stores
	personal(s)
}

items contains {"path": sprintf("log_sinks.%d", [i]), "what": concat(" ", ["log sink", s.name]), "item": s} if {
	some i, s in d.log_sinks
	personal(s)
}

# a number as message text
num(n) := sprintf("%v", [n])

entries(id) := [e | some e in object.get(d, "ropa", []); e.id == id]

limit(x) := entries(x.ropa_ref)[0].erasure_limit_days if is_number(entries(x.ropa_ref)[0].erasure_limit_days)

finite(x) if {
	is_number(x.retention_days)
	x.retention_days > 0
}

field_loc(path, field) := subject.loc(p) if {
	p := concat(".", [path, field])
	input.lines[p]
}

field_loc(path, field) := subject.loc(path) if not input.lines[concat(".", [path, field])]

deny contains {"msg": msg, "resource": it.what, "_loc": field_loc(it.path, "retention_days")} if {
	is_object(input.descriptor)
	some it in items
	finite(it.item)
	it.item.retention_days > limit(it.item)
	msg := concat("", [it.what, ": retention ", num(it.item.retention_days), " days exceeds the erasure limit of ", num(limit(it.item)), " days in RoPA entry ", it.item.ropa_ref])
}

deny contains {"msg": msg, "resource": it.what, "_loc": field_loc(it.path, "retention_days")} if {
	is_object(input.descriptor)
	some it in items
	not finite(object.get(it, "item", null))
	limit(it.item)
	msg := concat("", [it.what, ": no retention period (kept forever) exceeds the erasure limit of ", num(limit(it.item)), " days in RoPA entry ", it.item.ropa_ref])
}

deny contains {"msg": msg, "resource": it.what, "_loc": subject.loc(it.path)} if {
	is_object(input.descriptor)
	some it in items
	not is_string(object.get(it, ["item", "ropa_ref"], null))
	msg := concat("", [it.what, ": no ropa_ref, so its retention cannot be checked against a RoPA erasure limit"])
}

deny contains {"msg": msg, "resource": it.what, "_loc": field_loc(it.path, "ropa_ref")} if {
	is_object(input.descriptor)
	some it in items
	is_string(it.item.ropa_ref)
	count(entries(it.item.ropa_ref)) == 0
	msg := concat("", [it.what, ": ropa_ref ", it.item.ropa_ref, " names no entry of ropa[]"])
}

deny contains {"msg": msg, "resource": it.what, "_loc": field_loc(it.path, "ropa_ref")} if {
	is_object(input.descriptor)
	some it in items
	is_string(it.item.ropa_ref)
	count(entries(it.item.ropa_ref)) > 0
	not limit(object.get(it, "item", null))
	msg := concat("", [it.what, ": RoPA entry ", it.item.ropa_ref, " sets no erasure_limit_days"])
}
