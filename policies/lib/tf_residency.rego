# METADATA
# title: Where a Terraform document puts data
# description: >-
#   The regions a plan (or a `.tf` source) places each resource in, for residency judged without a
#   descriptor (RES-020, RES-021): a resource's own region, its provider alias's or default
#   provider's region, replicas and backup copies (ref.terraform_residency.replicas) and S3
#   replication destinations (the destination bucket's own placement). `unresolved` lists the
#   places that cannot be named before apply, which TF-001 reports: never a pass.
package cxgov.lib.tf_residency

import rego.v1

import data.cxgov.lib.geo
import data.cxgov.lib.messages
import data.cxgov.lib.terraform

settings := terraform.settings

holds_data(r) if r.type in settings.data_holding_types

data_flag(r) := true if {
	holds_data(r)
} else := false

# resources of the three clouds whose region says where they run (global services left out, and
# a bucket's settings resources, which are where their bucket is)
judged(r) if {
	r.provider in geo.providers
	not regionless(r)
}

regionless(r) if {
	some prefix in array.concat(settings.regionless_type_prefixes, settings.settings_type_prefixes)
	startswith(r.type, prefix)
}

# A location: {address, provider, region, from (where the region came from), path (the field
# that named it, or the resource for a provider region), data (the resource holds data)}

locations contains {"address": r.address, "provider": r.provider, "region": p.region, "from": p.from, "path": p.path, "data": data_flag(r)} if {
	some r in terraform.resources
	judged(r)
	p := terraform.placement(r)
	is_string(p.region)
}

# replicas and copies: each names a region (or an ARN that does)
locations contains {"address": r.address, "provider": r.provider, "region": region, "from": from, "path": terraform.doc_path(r, path), "data": true} if {
	some r in terraform.resources
	some spec in settings.replicas
	spec.type == r.type
	walk(r.values, [path, value])
	is_string(value)
	terraform.keys_of(path) == spec.path
	region := replica_region(spec, value)
	from := sprintf("its %s (%s)", [spec.what, messages.dotted(path)])
}

# S3 replication: the destination bucket's region, however that bucket is placed
locations contains {"address": r.address, "provider": "aws", "region": p.region, "from": from, "path": d.path, "data": true} if {
	some r in terraform.of_type("aws_s3_bucket_replication_configuration")
	some d in s3_destinations(r)
	some t in d.targets
	p := terraform.placement(t)
	is_string(p.region)
	from := sprintf("replication destination %s, %s", [t.address, p.from])
}

replica_region(spec, value) := value if not spec.arn == true

replica_region(spec, value) := region if {
	spec.arn == true
	region := arn_region(value)
}

# arn:aws:rds:us-east-1:123456789012:db:source -> us-east-1 (S3 bucket ARNs name none)
arn_region(arn) := parts[3] if {
	is_string(arn)
	startswith(arn, "arn:")
	parts := split(arn, ":")
	count(parts) > 4
	parts[3] != ""
}

# each destination of a replication configuration: {path, bucket (the value, null when it is an
# expression), rule, dest (indexes), targets (the aws_s3_bucket resources of the document it names:
# by bucket name in an ARN, or by reference in the configuration)}
s3_destinations(r) := {d |
	some j, rule in object.get(r.values, "rule", [])
	some k, dest in object.get(rule, "destination", [])
	bucket := object.get(dest, "bucket", null)
	at := ["rule", j, "destination", k, "bucket"]
	targets := by_name(bucket) | by_reference(r, at)
	d := {"path": terraform.doc_path(r, at), "bucket": bucket, "at": at, "targets": targets}
}

by_name(bucket) := {b |
	is_string(bucket)
	name := bucket_name(bucket)
	some b in terraform.of_type("aws_s3_bucket")
	b.values.bucket == name
}

by_reference(r, at) := {b |
	some ref in terraform.references(r, at)
	parts := split(ref, ".")
	parts[0] == "aws_s3_bucket"
	some b in terraform.of_type("aws_s3_bucket")
	b.name == parts[1]
	b.module_address == r.module_address
}

bucket_name(arn) := split(arn, ":::")[1] if startswith(arn, "arn:aws:s3:::")

bucket_name(arn) := arn if not startswith(arn, "arn:")

# ---------------------------------------------------------------------------------------------
# What cannot be placed before apply: {what, why, fix, path, resource}
# ---------------------------------------------------------------------------------------------

# a data-holding resource whose own or provider region is an expression, or that names none
unresolved contains object.union(p, {"resource": r.address}) if {
	some r in terraform.resources
	holds_data(r)
	p := terraform.placement(r)
	is_string(p.unresolved)
}

# a replication destination that names no bucket of the document and no region
unresolved contains {"unresolved": sprintf("%s.%s", [r.address, messages.dotted(d.at)]), "why": why, "fix": fix, "path": d.path, "resource": r.address} if {
	some r in terraform.of_type("aws_s3_bucket_replication_configuration")
	some d in s3_destinations(r)
	count(d.targets) == 0
	not arn_region(object.get(d, "bucket", ""))
	[why, fix] := destination_problem(r, d)
}

destination_problem(r, d) := [why, "give the destination bucket's region in the same plan, or use a plan JSON"] if {
	is_string(d.bucket)
	why := sprintf("bucket %s is not in this document and an S3 ARN names no region", [d.bucket])
}

destination_problem(r, d) := [terraform.unknown_why(r, d.at), terraform.instead] if not is_string(object.get(d, "bucket", null))

# a replica or copy whose region is an expression
unresolved contains {"unresolved": sprintf("%s.%s", [r.address, messages.dotted(path)]), "why": terraform.unknown_why(r, path), "fix": terraform.instead, "path": terraform.doc_path(r, path), "resource": r.address} if {
	some r in terraform.resources
	some spec in settings.replicas
	spec.type == r.type
	some path in terraform.unknown_paths(r)
	covers(terraform.keys_of(path), spec.path)
	terraform.configured(r, path)
}

# an unknown value at a path with these keys hides the value at `spec` (it or a block around it)
covers(keys, spec) if {
	count(keys) > 0
	count(keys) <= count(spec)
	array.slice(spec, 0, count(keys)) == keys
}

# ---------------------------------------------------------------------------------------------
# How a finding without a descriptor names a place and what to do
# ---------------------------------------------------------------------------------------------

profile := data.cxgov.config.residency_profile

allowed(l) if geo.allowed_region(l.provider, l.region)

# "us-east-1 (US)"; a region that resolves to no country says so
place(l) := sprintf("%s (%s)", [l.region, concat(", ", sort([c | some c in geo.countries(l.provider, l.region)]))]) if known(l)

place(l) := sprintf("%s, which resolves to no country", [l.region]) if not known(l)

known(l) if geo.known(l.provider, l.region)

advice := "no cxgov descriptor declares this system's regions; add one (cxgov init drafts it) to judge transfers against the system's own profile"
