# METADATA
# title: Every store of personal data has a retention period
# description: >-
#   GDPR Art 5(1)(e) (storage limitation): personal data may be kept no longer than necessary, so every
#   data store, log sink and backup holding it needs a finite retention period, and the infrastructure
#   (Terraform) must enforce the period the descriptor declares. A store or sink counts as holding
#   personal data unless it says otherwise (contains_personal_data false, or data_kinds with no personal
#   kind). On a Terraform plan: aws_cloudwatch_log_group and azurerm_log_analytics_workspace need
#   retention_in_days > 0; every aws_s3_bucket needs an enabled lifecycle expiration (an
#   aws_s3_bucket_lifecycle_configuration that refers to it, or an inline lifecycle_rule); every
#   google_storage_bucket needs a lifecycle_rule with a Delete action and an age condition. A resource
#   tagged (labelled on Google Cloud) contains_personal_data = "false" is left out. In the system view,
#   a descriptor store or sink and a Terraform resource of the same name (name, bucket, identifier or
#   resource name) must state the same number of days.
# custom:
#   id: GDPR-5E-01
#   severity: high
#   gate: deny
#   applies_to: [system, terraform-plan]
#   frameworks:
#     gdpr: [Art.5(1)(e)]
#   remediation: >-
#     Set retention_days (> 0) on every data store and log sink holding personal data, and
#     backup.retention_days on every backup. In Terraform, set retention_in_days > 0 on log groups and
#     Log Analytics workspaces, give every S3 bucket a lifecycle rule with an expiration in days, and
#     every GCS bucket a lifecycle_rule with action Delete and condition age; make the Terraform number
#     equal to the descriptor's. Tag resources that hold no personal data contains_personal_data = "false".
package cxgov.gdpr.gdpr_5e_01

import rego.v1

import data.cxgov.lib.subject

d := subject.descriptor

personal_kinds := {"transcript", "ai_event", "pii", "customer_record"}

# ---------------------------------------------------------------- descriptor side (system)

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

finite(x) if {
	is_number(x.retention_days)
	x.retention_days > 0
}

# why a retention_days value is no period (total over the values that are not finite)
retention_problem(x) := "retention_days not set (kept forever)" if not is_number(object.get(x, "retention_days", null))

retention_problem(x) := "retention_days is 0 (kept forever)" if x.retention_days == 0

retention_problem(x) := concat("", ["retention_days ", num(x.retention_days), " is not a period"]) if {
	is_number(x.retention_days)
	x.retention_days < 0
}

# the line of a field when the descriptor has it, else the line of its item
field_loc(path, field) := subject.loc(p) if {
	p := concat(".", [path, field])
	input.lines[p]
}

field_loc(path, field) := subject.loc(path) if not input.lines[concat(".", [path, field])]

deny contains {"msg": msg, "resource": it.what, "_loc": field_loc(it.path, "retention_days")} if {
	is_object(input.descriptor)
	some it in items
	not finite(object.get(it, "item", null))
	msg := concat(": ", [it.what, retention_problem(it.item)])
}

deny contains {"msg": msg, "resource": concat(" ", ["data store", s.name]), "_loc": subject.loc(concat(".", [path, "backup.retention_days"]))} if {
	is_object(input.descriptor)
	some i, s in d.data_stores
	personal(s)
	s.backup.enabled == true
	not finite(object.get(s, "backup", null))
	path := sprintf("data_stores.%d", [i])
	msg := concat("", ["data store ", s.name, ": backup ", retention_problem(s.backup)])
}

# every retention-bearing resource of the system's plans, computed once per evaluation (a rule,
# not a function call inside the loop below)
plan_retention contains {"file": doc.file, "e": e} if {
	is_object(input.descriptor)
	some doc in subject.documents("terraform-plan")
	some e in retained(doc.document)
}

# cross-source: the descriptor and a Terraform resource of the same name disagree
deny contains {"msg": msg, "resource": it.what, "_loc": field_loc(it.path, "retention_days")} if {
	is_object(input.descriptor)
	some it in items
	finite(it.item)
	some pr in plan_retention
	e := pr.e
	doc := {"file": pr.file}
	it.item.name in e.names
	e.days != it.item.retention_days
	msg := concat("", [it.what, ": retention ", num(it.item.retention_days), " days in the descriptor, but Terraform ", e.address, " (", doc.file, ") ", keeps(e)])
}

# a number as message text
num(n) := sprintf("%v", [n])

bucket_name(r) := r.values.bucket if is_string(r.values.bucket)

bucket_name(r) := "(unknown until apply)" if not is_string(object.get(r, ["values", "bucket"], null))

keeps(e) := concat("", ["keeps ", num(e.days), " days"]) if e.days > 0

keeps(e) := concat("", ["keeps data forever: ", e.why]) if e.days == 0

# ---------------------------------------------------------------- Terraform side (terraform-plan)

deny contains {"msg": msg, "resource": e.address, "_path": e.path} if {
	is_array(input.resource_changes)
	some e in retained(input)
	e.days == 0
	not e.opt_out
	msg := concat(": ", [e.address, e.why])
}

# a lifecycle configuration for a bucket outside this plan that expires nothing
deny contains {"msg": msg, "resource": lc.address, "_path": subject.tf_path(lc, "rule")} if {
	is_array(input.resource_changes)
	some lc in resources(input)
	lc.type == "aws_s3_bucket_lifecycle_configuration"
	not linked_to_planned_bucket(input, lc)
	count(expiring_days(object.get(lc.values, "rule", []))) == 0
	msg := concat("", [lc.address, ": no enabled rule expires objects of bucket ", bucket_name(lc), " (kept forever)"])
}

linked_to_planned_bucket(plan, lc) if {
	some b in resources(plan)
	b.type == "aws_s3_bucket"
	lifecycle_applies(plan, lc, b)
}

# resources as they will be after apply, from any plan document
resources(plan) := {r |
	some i, rc in plan.resource_changes
	rc.mode == "managed"
	not "delete" in object.get(rc, ["change", "actions"], [])
	is_object(rc.change.after)
	r := {"address": rc.address, "type": rc.type, "name": rc.name, "values": rc.change.after, "path": sprintf("resource_changes.%d", [i])}
}

# every retention-bearing resource of a plan: {address, type, names, days (0 = forever), why, opt_out,
# path (where a finding points)}
retained(plan) := log_groups(plan) | buckets(plan) | gcs_buckets(plan)

log_groups(plan) := {e |
	some r in resources(plan)
	r.type in {"aws_cloudwatch_log_group", "azurerm_log_analytics_workspace"}
	e := {"address": r.address, "type": r.type, "names": names(r), "days": positive(object.get(r.values, "retention_in_days", null)), "why": attr_why(r.values, "retention_in_days"), "opt_out": opted_out(r), "path": subject.tf_path(r, "retention_in_days")}
}

buckets(plan) := {e |
	some b in resources(plan)
	b.type == "aws_s3_bucket"
	ds := s3_days(plan, b)
	e := {"address": b.address, "type": b.type, "names": names(b), "days": largest(ds), "why": s3_why(plan, b), "opt_out": opted_out(b), "path": b.path}
}

gcs_buckets(plan) := {e |
	some b in resources(plan)
	b.type == "google_storage_bucket"
	ds := [a |
		some lr in object.get(b.values, "lifecycle_rule", [])
		some act in object.get(lr, "action", [])
		act.type == "Delete"
		some c in object.get(lr, "condition", [])
		a := c.age
		is_number(a)
		a > 0
	]
	e := {"address": b.address, "type": b.type, "names": names(b), "days": largest(ds), "why": "no lifecycle_rule deletes objects (action Delete with an age condition)", "opt_out": opted_out(b), "path": subject.tf_path(b, "lifecycle_rule")}
}

positive(v) := v if {
	is_number(v)
	v > 0
}

positive(v) := 0 if not is_positive(v)

is_positive(v) if {
	is_number(v)
	v > 0
}

# the largest number
largest(ds) := m if {
	some m in ds
	every d in ds {
		m >= d
	}
}

largest(ds) := 0 if count(ds) == 0

attr_why(values, attr) := concat("", [attr, " not set (kept forever)"]) if not is_number(object.get(values, attr, null))

attr_why(values, attr) := concat("", [attr, " = ", num(values[attr]), " (kept forever)"]) if is_number(values[attr])

# expiration days of an S3 bucket: its lifecycle configurations' rules and any inline lifecycle_rule
s3_days(plan, b) := array.concat(configured, inline) if {
	configured := [n |
		some lc in lifecycle_configs(plan, b)
		some n in expiring_days(object.get(lc.values, "rule", []))
	]
	inline := [n |
		some lr in object.get(b.values, "lifecycle_rule", [])
		lr.enabled == true
		some ex in object.get(lr, "expiration", [])
		n := ex.days
		is_number(n)
		n > 0
	]
}

expiring_days(rules) := [n |
	some rule in rules
	rule.status == "Enabled"
	some ex in object.get(rule, "expiration", [])
	n := ex.days
	is_number(n)
	n > 0
]

lifecycle_configs(plan, b) := [lc |
	some lc in resources(plan)
	lc.type == "aws_s3_bucket_lifecycle_configuration"
	lifecycle_applies(plan, lc, b)
]

s3_why(plan, b) := "no lifecycle configuration expires its objects (kept forever)" if count(lifecycle_configs(plan, b)) == 0

s3_why(plan, b) := "its lifecycle configuration has no enabled expiration rule (kept forever)" if count(lifecycle_configs(plan, b)) > 0

# a bucket settings resource (lifecycle, encryption, ...) applies to bucket b: same bucket name
# after apply, or its configuration refers to b
lifecycle_applies(_, r, b) if {
	is_string(r.values.bucket)
	r.values.bucket == b.values.bucket
}

lifecycle_applies(plan, r, b) if {
	some cr in config_resources(plan)
	cr.address == base(r.address)
	some ref in cr.refs
	points_to(ref, base(b.address))
}

points_to(ref, address) if ref == address

points_to(ref, address) if startswith(ref, concat("", [address, "."]))

base(address) := regex.replace(address, `\[[^\]]*\]`, "")

# configuration resources of the root module and of modules one level down, with the references of
# their `bucket` expression (module-relative addresses made absolute)
config_resources(plan) := root | nested if {
	root := {c |
		some cr in object.get(object.get(object.get(plan, "configuration", {}), "root_module", {}), "resources", [])
		c := {"address": cr.address, "refs": object.get(object.get(object.get(cr, "expressions", {}), "bucket", {}), "references", [])}
	}
	calls := object.get(object.get(object.get(plan, "configuration", {}), "root_module", {}), "module_calls", {})
	nested := {c |
		some m
		call := calls[m]
		prefix := concat("", ["module.", m, "."])
		some cr in object.get(object.get(call, "module", {}), "resources", [])
		refs := [concat("", [prefix, ref]) | some ref in object.get(object.get(object.get(cr, "expressions", {}), "bucket", {}), "references", [])]
		c := {"address": concat("", [prefix, cr.address]), "refs": refs}
	}
}

names(r) := {n |
	some k in ["name", "bucket", "identifier", "cluster_identifier"]
	n := r.values[k]
	is_string(n)
} | {r.name}

opted_out(r) := true if tagged_out(r)

opted_out(r) := false if not tagged_out(r)

tagged_out(r) if {
	some k in ["tags", "tags_all", "labels"]
	r.values[k].contains_personal_data == "false"
}
