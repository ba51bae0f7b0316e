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

import data.cxgov.lib.messages
import data.cxgov.lib.personal_data
import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.lib.terraform

d := subject.descriptor

# ---------------------------------------------------------------- descriptor side (system)

# why a retention_days value is no period (total over the values that are not finite)
retention_problem(x) := "retention_days not set (kept forever)" if not is_number(object.get(x, "retention_days", null))

retention_problem(x) := "retention_days is 0 (kept forever)" if x.retention_days == 0

retention_problem(x) := concat("", ["retention_days ", messages.num(x.retention_days), " is not a period"]) if {
	is_number(x.retention_days)
	x.retention_days < 0
}

deny contains result.at(msg, it.what, subject.field_loc(it.path, "retention_days")) if {
	is_object(input.descriptor)
	some it in personal_data.stores_and_sinks
	not personal_data.finite_retention(object.get(it, "item", null))
	msg := concat(": ", [it.what, retention_problem(it.item)])
}

deny contains result.at(msg, concat(" ", ["data store", s.name]), subject.loc(concat(".", [path, "backup.retention_days"]))) if {
	is_object(input.descriptor)
	some i, s in d.data_stores
	personal_data.holds(s)
	s.backup.enabled == true
	not personal_data.finite_retention(object.get(s, "backup", null))
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
deny contains result.at(msg, it.what, subject.field_loc(it.path, "retention_days")) if {
	is_object(input.descriptor)
	some it in personal_data.stores_and_sinks
	personal_data.finite_retention(it.item)
	some pr in plan_retention
	e := pr.e
	not e.unknown
	doc := {"file": pr.file}
	it.item.name in e.names
	e.days != it.item.retention_days
	msg := concat("", [it.what, ": retention ", messages.num(it.item.retention_days), " days in the descriptor, but Terraform ", e.address, " (", doc.file, ") ", keeps(e)])
}

bucket_name(r) := r.values.bucket if is_string(r.values.bucket)

bucket_name(r) := "(unknown until apply)" if not is_string(object.get(r, ["values", "bucket"], null))

keeps(e) := concat("", ["keeps ", messages.num(e.days), " days"]) if e.days > 0

keeps(e) := concat("", ["keeps data forever: ", e.why]) if e.days == 0

# ---------------------------------------------------------------- Terraform side (terraform-plan)
# a value known only at apply (terraform.unknown_at / unknown_in) is not judged: TF-001 reports it

deny contains result.at_path(msg, e.address, e.path) if {
	is_array(input.resource_changes)
	some e in retained(input)
	e.days == 0
	not e.unknown
	not e.opt_out
	msg := concat(": ", [e.address, e.why])
}

# a lifecycle configuration for a bucket outside this plan that expires nothing
deny contains result.at_path(msg, lc.address, subject.tf_path(lc, "rule")) if {
	is_array(input.resource_changes)
	some l in index(input).lifecycles
	count(l.buckets) == 0
	lc := l.lc
	count(expiring_days(object.get(lc.values, "rule", []))) == 0
	not unknown_rules(lc)
	msg := concat("", [lc.address, ": no enabled rule expires objects of bucket ", bucket_name(lc), " (kept forever)"])
}

# resources as they will be after apply, from any plan document
resources(plan) := rs if {
	configs := {c.address: c |
		some c in object.get(plan, ["configuration", "root_module", "resources"], [])
		object.get(c, "mode", "managed") == "managed"
	}
	rs := {r |
		some i, rc in plan.resource_changes
		rc.mode == "managed"
		not "delete" in object.get(rc, ["change", "actions"], [])
		is_object(rc.change.after)
		r := {
			"address": rc.address, "type": rc.type, "name": rc.name, "values": rc.change.after, "path": sprintf("resource_changes.%d", [i]),
			"unknown": terraform.unknown_of(rc), "config": config_in(configs, rc),
		}
	}
}

# a resource's configuration block: the plan's own root module (another plan of the system), else
# as the Terraform helpers find it in the input
config_in(configs, rc) := configs[terraform.base_address(rc.address)] if {
	object.get(rc, "module_address", "") == ""
} else := terraform.config_of(rc)

# every retention-bearing resource of a plan: {address, type, names, days (0 = forever), why, opt_out,
# unknown (a value it is judged by is known only at apply: not judged, TF-001 reports it), path
# (where a finding points)}
retained(plan) := (log_groups(idx) | buckets(idx)) | gcs_buckets(idx) if idx := index(plan)

# a plan's resources, its S3 lifecycle configurations with the addresses of the planned buckets each
# applies to, and whether one's bucket is known only at apply: computed once per plan (functions are
# not memoised)
index(plan) := {"resources": rs, "lifecycles": lifecycles, "unlinked": count(unlinked) > 0} if {
	rs := resources(plan)
	refs := terraform.bucket_references_in(plan)
	planned := [{"address": b.address, "base": terraform.base_address(b.address), "bucket": object.get(b.values, "bucket", null)} |
		some b in rs
		b.type == "aws_s3_bucket"
	]
	lifecycles := [{"lc": lc, "buckets": {b.address | some b in planned; lifecycle_applies(link, b)}} |
		some lc in rs
		lc.type == "aws_s3_bucket_lifecycle_configuration"
		link := {"bucket": object.get(lc.values, "bucket", null), "refs": object.get(refs, terraform.base_address(lc.address), [])}
	]
	# lifecycle configurations whose bucket is known only at apply: they may be any bucket's
	unlinked := [l | some l in lifecycles; terraform.unknown_at(l.lc, "bucket")]
}

log_groups(idx) := {e |
	some r in idx.resources
	r.type in {"aws_cloudwatch_log_group", "azurerm_log_analytics_workspace"}
	e := {"address": r.address, "type": r.type, "names": names(r), "days": positive(object.get(r.values, "retention_in_days", null)), "why": attr_why(r.values, "retention_in_days"), "opt_out": opted_out(r), "unknown": unknown_any(r, [["retention_in_days"]]), "path": subject.tf_path(r, "retention_in_days")}
}

buckets(idx) := {e |
	some b in idx.resources
	b.type == "aws_s3_bucket"
	configs := [l.lc | some l in idx.lifecycles; b.address in l.buckets]
	ds := s3_days(configs, b)
	e := {"address": b.address, "type": b.type, "names": names(b), "days": largest(ds), "why": s3_why(configs), "opt_out": opted_out(b), "unknown": s3_unknown(idx, configs, b), "path": b.path}
}

gcs_buckets(idx) := {e |
	some b in idx.resources
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
	e := {"address": b.address, "type": b.type, "names": names(b), "days": largest(ds), "why": "no lifecycle_rule deletes objects (action Delete with an age condition)", "opt_out": opted_out(b), "unknown": unknown_any(b, [["lifecycle_rule", "action", "type"], ["lifecycle_rule", "condition", "age"]]), "path": subject.tf_path(b, "lifecycle_rule")}
}

# true when a value under one of these key paths is known only at apply
unknown_any(r, paths) := true if {
	some keys in paths
	terraform.unknown_in(r, keys)
} else := false

# an S3 bucket's expiration is unknown when its inline rules' or its lifecycle configurations' are,
# or when a lifecycle configuration's bucket is (it may be this bucket's)
s3_unknown(idx, configs, b) := true if {
	unknown_any(b, [["lifecycle_rule", "enabled"], ["lifecycle_rule", "expiration", "days"]])
} else := true if {
	some lc in configs
	unknown_rules(lc)
} else := true if {
	idx.unlinked
} else := false

unknown_rules(lc) if unknown_any(lc, [["rule", "status"], ["rule", "expiration", "days"]])

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

attr_why(values, attr) := concat("", [attr, " = ", messages.num(values[attr]), " (kept forever)"]) if is_number(values[attr])

# expiration days of an S3 bucket: its lifecycle configurations' rules and any inline lifecycle_rule
s3_days(configs, b) := array.concat(configured, inline) if {
	configured := [n |
		some lc in configs
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

s3_why(configs) := "no lifecycle configuration expires its objects (kept forever)" if count(configs) == 0

s3_why(configs) := "its lifecycle configuration has no enabled expiration rule (kept forever)" if count(configs) > 0

# a lifecycle configuration ({bucket, refs}: its bucket after apply, the references of its bucket
# expression) applies to a planned bucket ({address, base, bucket}): same bucket name, or it refers to it
lifecycle_applies(link, b) if {
	is_string(link.bucket)
	link.bucket == b.bucket
}

lifecycle_applies(link, b) if {
	some ref in link.refs
	terraform.refers_to(ref, b.base)
}

names(r) := {n |
	some k in ["name", "bucket", "identifier", "cluster_identifier"]
	n := r.values[k]
	is_string(n)
} | {r.name}

opted_out(r) := true if terraform.tagged_no_personal_data(r)

opted_out(r) := false if not terraform.tagged_no_personal_data(r)
