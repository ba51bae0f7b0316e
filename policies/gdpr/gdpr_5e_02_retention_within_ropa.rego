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

import data.cxgov.lib.messages
import data.cxgov.lib.personal_data
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

limit(x) := days if {
	days := personal_data.ropa_entries(x.ropa_ref)[0].erasure_limit_days
	is_number(days)
}

deny contains result.at(msg, it.what, subject.field_loc(it.path, "retention_days")) if {
	is_object(input.descriptor)
	some it in personal_data.stores_and_sinks
	personal_data.finite_retention(it.item)
	it.item.retention_days > limit(it.item)
	msg := concat("", [it.what, ": retention ", messages.num(it.item.retention_days), " days exceeds the erasure limit of ", messages.num(limit(it.item)), " days in RoPA entry ", it.item.ropa_ref])
}

deny contains result.at(msg, it.what, subject.field_loc(it.path, "retention_days")) if {
	is_object(input.descriptor)
	some it in personal_data.stores_and_sinks
	not personal_data.finite_retention(object.get(it, "item", null))
	limit(it.item)
	msg := concat("", [it.what, ": no retention period (kept forever) exceeds the erasure limit of ", messages.num(limit(it.item)), " days in RoPA entry ", it.item.ropa_ref])
}

deny contains result.at(msg, it.what, subject.loc(it.path)) if {
	is_object(input.descriptor)
	some it in personal_data.stores_and_sinks
	not is_string(object.get(it, ["item", "ropa_ref"], null))
	msg := concat("", [it.what, ": no ropa_ref, so its retention cannot be checked against a RoPA erasure limit"])
}

deny contains result.at(msg, it.what, subject.field_loc(it.path, "ropa_ref")) if {
	is_object(input.descriptor)
	some it in personal_data.stores_and_sinks
	is_string(it.item.ropa_ref)
	count(personal_data.ropa_entries(it.item.ropa_ref)) == 0
	msg := concat("", [it.what, ": ropa_ref ", it.item.ropa_ref, " names no entry of ropa[]"])
}

deny contains result.at(msg, it.what, subject.field_loc(it.path, "ropa_ref")) if {
	is_object(input.descriptor)
	some it in personal_data.stores_and_sinks
	is_string(it.item.ropa_ref)
	count(personal_data.ropa_entries(it.item.ropa_ref)) > 0
	not limit(object.get(it, "item", null))
	msg := concat("", [it.what, ": RoPA entry ", it.item.ropa_ref, " sets no erasure_limit_days"])
}
