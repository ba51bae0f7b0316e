# METADATA
# title: No publicly reachable data stores; network segmentation
# description: >-
#   Data stores are not reachable from the internet (S3 public access block with all four
#   settings, GCS public access prevention and no allUsers members, Azure storage without public
#   network access, no publicly accessible databases, no store declared public), and the network
#   is segmented: a default-deny NetworkPolicy in every namespace that runs workloads, and LLM
#   egress limited to an FQDN allow-list (warnings).
# custom:
#   id: SOC2-CC6.6-01
#   severity: critical
#   gate: deny
#   applies_to: [system, terraform-plan, kubernetes]
#   frameworks:
#     soc2: [CC6.6]
#   remediation: >-
#     Add an aws_s3_bucket_public_access_block with block_public_acls, block_public_policy,
#     ignore_public_acls and restrict_public_buckets all true for every bucket (or an account-level
#     block); set public_access_prevention = "enforced" on GCS buckets and remove allUsers /
#     allAuthenticatedUsers members; set public_network_access_enabled = false on Azure storage
#     accounts (use private endpoints); set publicly_accessible = false on databases. Add a
#     default-deny NetworkPolicy (podSelector {} with no ingress rules) per namespace and declare
#     network.default_deny and network.llm_egress_allowlist in the descriptor.
package cxgov.soc2.soc2_cc6_6_01

import rego.v1

import data.cxgov.lib.geo
import data.cxgov.lib.kubernetes
import data.cxgov.lib.messages
import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.lib.terraform

s3_block_settings := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

public_members := {"allUsers", "allAuthenticatedUsers"}

# --- Terraform plan ---
# a value known only at apply (terraform.unknown_at / unknown_in) is not judged: TF-001 reports it

all_blocked(values) if {
	every k in s3_block_settings {
		values[k] == true
	}
}

account_blocked if {
	some a in terraform.of_type("aws_s3_account_public_access_block")
	all_blocked(a.values)
}

deny contains result.at_path(msg, b.address, b.path) if {
	some b in terraform.of_type("aws_s3_bucket")
	not account_blocked
	not account_block_unknown
	not has_block(b)
	not unlinked_block
	msg := concat("", [b.address, ": no aws_s3_bucket_public_access_block for the bucket (and no account-level block)"])
}

deny contains result.at_path(msg, p.address, subject.tf_path(p, off[0])) if {
	some p in terraform.of_type("aws_s3_bucket_public_access_block")
	off := [k | some k in s3_block_settings; not p.values[k] == true; not terraform.unknown_at(p, k)]
	count(off) > 0
	msg := concat("", [p.address, ": ", concat(", ", off), " not true (all four settings must be)"])
}

# an account-level block whose settings are true or known only at apply (at least one): whether it
# blocks is not known, and TF-001 reports the unknown ones
account_block_unknown if {
	some a in terraform.of_type("aws_s3_account_public_access_block")
	every k in s3_block_settings {
		settled(a, k)
	}
	some k in s3_block_settings
	terraform.unknown_at(a, k)
}

settled(a, k) if a.values[k] == true

settled(a, k) if terraform.unknown_at(a, k)

# a block whose bucket is known only at apply (and names no aws_s3_bucket) may be any bucket's:
# buckets without one are not judged, TF-001 reports its bucket
unlinked_block if {
	some p in terraform.of_type("aws_s3_bucket_public_access_block")
	terraform.unknown_at(p, "bucket")
}

has_block(b) if {
	some p in terraform.of_type("aws_s3_bucket_public_access_block")
	terraform.same_bucket(p, b)
}

deny contains result.at_path(msg, b.address, subject.tf_path(b, "public_access_prevention")) if {
	some b in terraform.of_type("google_storage_bucket")
	not b.values.public_access_prevention == "enforced"
	not terraform.unknown_at(b, "public_access_prevention")
	msg := concat("", [b.address, ": public_access_prevention is ", messages.shown(b.values, "public_access_prevention"), " (must be \"enforced\")"])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, g[0])) if {
	some r in terraform.resources
	r.type in {"google_storage_bucket_iam_member", "google_storage_bucket_iam_binding"}
	some g in grants(r.values)
	m := g[1]
	m in public_members
	msg := concat("", [r.address, ": grants ", r.values.role, " to ", m])
}

# [attribute path, member] of an IAM member (member) or binding (members)
grants(values) := array.concat(
	[[["member"], values.member] | is_string(values.member)],
	[[["members", i], m] | some i, m in object.get(values, "members", [])],
)

deny contains result.at_path(msg, r.address, subject.tf_path(r, "entity")) if {
	some r in terraform.resources
	r.type in {"google_storage_bucket_access_control", "google_storage_default_object_access_control"}
	r.values.entity in public_members
	msg := concat("", [r.address, ": grants access to ", r.values.entity])
}

deny contains result.at_path(msg, a.address, subject.tf_path(a, "public_network_access_enabled")) if {
	some a in terraform.of_type("azurerm_storage_account")
	not a.values.public_network_access_enabled == false
	not terraform.unknown_at(a, "public_network_access_enabled")
	msg := concat("", [a.address, ": public_network_access_enabled is ", messages.shown(a.values, "public_network_access_enabled"), " (must be false)"])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, "publicly_accessible")) if {
	some r in terraform.resources
	r.type in {"aws_db_instance", "aws_rds_cluster_instance", "aws_redshift_cluster", "aws_dms_replication_instance"}
	r.values.publicly_accessible == true
	msg := concat("", [r.address, ": publicly_accessible is true"])
}

# --- Kubernetes: a policy that lets everything in undoes segmentation ---

warn contains result.at_path(msg, kubernetes.label, sprintf("spec.ingress.%d", [i])) if {
	input.kind == "NetworkPolicy"
	selects_all(input.spec)
	some i, rule in input.spec.ingress
	allows_all(rule)
	msg := concat("", [kubernetes.label, ": an ingress rule with no from/ports admits all traffic to every pod of the namespace"])
}

selects_all(spec) if count(object.get(spec, "podSelector", {})) == 0

selects_all(spec) if spec.podSelector == null

allows_all(rule) if count(object.get(rule, "from", [])) + count(object.get(rule, "ports", [])) == 0

# --- descriptor and the system's manifests ---

d := subject.descriptor

network := object.get(d, "network", {})

deny contains result.at(msg, res, subject.loc(sprintf("data_stores.%d.public_access", [i]))) if {
	some i, s in object.get(d, "data_stores", [])
	s.public_access == true
	res := concat("", ["data store ", s.name])
	msg := concat("", [res, ": public_access is true (a data store must not be publicly reachable)"])
}

warn contains result.at(msg, "network", subject.loc("network.default_deny")) if {
	is_object(d)
	not network.default_deny == true
	msg := concat("", ["network: default_deny is ", messages.shown(network, "default_deny"), " (no default-deny network policy declared)"])
}

warn contains result.at(msg, "network", subject.loc("network.llm_egress_allowlist")) if {
	count(object.get(d, "ai_providers", [])) > 0
	count(object.get(network, "llm_egress_allowlist", [])) == 0
	msg := "network: llm_egress_allowlist is empty (egress to LLM providers is not limited to an FQDN allow-list)"
}

warn contains result.at(msg, res, subject.loc(sprintf("ai_providers.%d.endpoint", [i]))) if {
	allowlist := object.get(network, "llm_egress_allowlist", [])
	count(allowlist) > 0
	some i, p in d.ai_providers
	is_string(p.endpoint)
	h := geo.host(p.endpoint)
	not allowed_host(h, allowlist)
	res := concat("", ["AI provider ", p.name])
	msg := concat("", [res, ": endpoint host ", h, " is not in network.llm_egress_allowlist"])
}

allowed_host(h, allowlist) if {
	some entry in allowlist
	lower(entry) == h
}

allowed_host(h, allowlist) if {
	some entry in allowlist
	startswith(entry, "*.")
	endswith(h, substring(lower(entry), 1, -1))
}

# Kubernetes namespaces of the system that run workloads but have no default-deny ingress policy
workload_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}

namespace(doc) := doc.metadata.namespace if is_string(doc.metadata.namespace)

namespace(doc) := "default" if not is_string(object.get(doc, ["metadata", "namespace"], null))

workload_namespaces contains namespace(doc.document) if {
	some doc in subject.documents("kubernetes")
	doc.document.kind in workload_kinds
}

default_deny_namespaces contains namespace(doc.document) if {
	some doc in subject.documents("kubernetes")
	doc.document.kind == "NetworkPolicy"
	default_deny(doc.document.spec)
}

# podSelector {} selects every pod; Ingress with no rules admits nothing
default_deny(spec) if {
	selects_all(spec)
	"Ingress" in object.get(spec, "policyTypes", ["Ingress"])
	count(object.get(spec, "ingress", [])) == 0
}

default_deny(spec) if {
	selects_all(spec)
	"Ingress" in object.get(spec, "policyTypes", ["Ingress"])
	spec.ingress == null
}

# points at the namespace of the first of those workloads (its metadata when it names none)
warn contains result.at(msg, concat("", ["namespace ", ns]), subject.doc_loc(doc, "metadata.namespace")) if {
	some ns in workload_namespaces
	not ns in default_deny_namespaces
	docs := [doc | some doc in subject.documents("kubernetes"); doc.document.kind in workload_kinds; namespace(doc.document) == ns]
	doc := docs[0]
	msg := concat("", ["namespace ", ns, ": runs ", sprintf("%d", [count(docs)]), " workload(s) but none of the system's manifests is a default-deny ingress NetworkPolicy for it"])
}
