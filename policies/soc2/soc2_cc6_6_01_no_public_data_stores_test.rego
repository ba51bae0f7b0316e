package cxgov.soc2.soc2_cc6_6_01

import rego.v1

import data.cxgov.lib.fixtures.plan
import data.cxgov.lib.fixtures.system_with_documents as system
import data.cxgov.lib.terraform

segmented := {"network": {"default_deny": true, "llm_egress_allowlist": ["*.openai.azure.com"]}, "ai_providers": [{"name": "aoai", "endpoint": "https://acme-eu.openai.azure.com/"}]}

blocked := {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}

k8s(kind, name, ns, spec) := {"id": name, "kind": "kubernetes", "file": concat("", ["k8s/", name, ".yaml"]), "line": 1, "document": {"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "namespace": ns}, "spec": spec}}

deployment(name, ns) := k8s("Deployment", name, ns, {"template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}})

deny_all(ns) := k8s("NetworkPolicy", "default-deny", ns, {"podSelector": {}, "policyTypes": ["Ingress"]})

test_soc2_cc6_6_01_pass_private_storage if {
	count(deny) == 0 with input as plan([
		["aws_s3_bucket", "t", {"bucket": "acme-t"}],
		["aws_s3_bucket_public_access_block", "t", object.union(blocked, {"bucket": "acme-t"})],
		["google_storage_bucket", "g", {"public_access_prevention": "enforced"}],
		["google_storage_bucket_iam_member", "m", {"role": "roles/storage.objectViewer", "member": "serviceAccount:bot@p.iam.gserviceaccount.com"}],
		["azurerm_storage_account", "a", {"public_network_access_enabled": false}],
		["aws_db_instance", "db", {"publicly_accessible": false}],
	])
}

test_soc2_cc6_6_01_pass_account_level_block if {
	count(deny) == 0 with input as plan([["aws_s3_bucket", "t", {"bucket": "acme-t"}], ["aws_s3_account_public_access_block", "acct", blocked]])
}

test_soc2_cc6_6_01_fail_bucket_without_block if {
	r := deny with input as plan([["aws_s3_bucket", "t", {"bucket": "acme-t"}]])
	some f in r
	f.resource == "aws_s3_bucket.t"
	contains(f.msg, "no aws_s3_bucket_public_access_block")
	f._path == "resource_changes.0"
}

test_soc2_cc6_6_01_fail_block_setting_false if {
	r := deny with input as plan([
		["aws_s3_bucket", "t", {"bucket": "acme-t"}],
		["aws_s3_bucket_public_access_block", "t", object.union(blocked, {"bucket": "acme-t", "restrict_public_buckets": false})],
	])
	count(r) == 1
	some f in r
	contains(f.msg, "restrict_public_buckets not true")
	f._path == "resource_changes.1.change.after.restrict_public_buckets"
}

test_soc2_cc6_6_01_fail_gcs_not_enforced if {
	r := deny with input as plan([["google_storage_bucket", "g", {"public_access_prevention": "inherited"}]])
	some f in r
	contains(f.msg, "public_access_prevention is inherited")
}

test_soc2_cc6_6_01_fail_gcs_all_users if {
	r := deny with input as plan([["google_storage_bucket_iam_binding", "b", {"role": "roles/storage.objectViewer", "members": ["group:a@acme.example", "allUsers"]}]])
	count(r) == 1
	some f in r
	f._path == "resource_changes.0.change.after.members.1"
	m := deny with input as plan([["google_storage_bucket_iam_member", "m", {"role": "roles/storage.objectViewer", "member": "allAuthenticatedUsers"}]])
	{f._path | some f in m} == {"resource_changes.0.change.after.member"}
}

test_soc2_cc6_6_01_fail_azure_public_network if {
	r := deny with input as plan([["azurerm_storage_account", "a", {"public_network_access_enabled": true}]])
	count(r) == 1
	{f._path | some f in r} == {"resource_changes.0.change.after.public_network_access_enabled"}
}

test_soc2_cc6_6_01_fail_public_database if {
	r := deny with input as plan([["aws_db_instance", "db", {"publicly_accessible": true}]])
	count(r) == 1
	{f._path | some f in r} == {"resource_changes.0.change.after.publicly_accessible"}
}

test_soc2_cc6_6_01_fail_networkpolicy_allows_all if {
	np := {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "open"}, "spec": {"podSelector": {}, "ingress": [{"from": [{"podSelector": {}}]}, {}]}}
	r := warn with input as np
	count(r) == 1
	{f._path | some f in r} == {"spec.ingress.1"}
}

test_soc2_cc6_6_01_pass_networkpolicy_scoped if {
	np := {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "api"}, "spec": {"podSelector": {}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "x"}}}]}]}}
	count(warn) == 0 with input as np
}

test_soc2_cc6_6_01_pass_segmented_system if {
	inp := system(segmented, [deployment("chat-api", "acme-cx"), deny_all("acme-cx")])
	count(deny) == 0 with input as inp
	count(warn) == 0 with input as inp
}

test_soc2_cc6_6_01_fail_public_store if {
	r := deny with input as system({"data_stores": [{"name": "faq", "public_access": true}]}, [])
	some f in r
	contains(f.msg, "data store faq: public_access is true")
	loc := deny with input as object.union(system({"data_stores": [{"name": "faq", "public_access": true}]}, []), {"lines": {"data_stores.0": 4, "data_stores.0.public_access": 6}})
	{g._loc.line | some g in loc} == {6}
}

test_soc2_cc6_6_01_fail_no_default_deny_manifest if {
	r := warn with input as system(segmented, [deployment("chat-api", "acme-cx"), deny_all("other")])
	count(r) == 1
	some f in r
	contains(f.msg, "namespace acme-cx: runs 1 workload(s)")
	f._loc == {"file": "k8s/chat-api.yaml", "line": 1, "path": "metadata.namespace"}
}

test_soc2_cc6_6_01_fail_default_deny_not_declared if {
	r := warn with input as system(object.union(segmented, {"network": {"default_deny": false}}), [])
	some f in r
	contains(f.msg, "default_deny is false")
}

test_soc2_cc6_6_01_fail_llm_egress_unrestricted if {
	r := warn with input as system({"network": {"default_deny": true}, "ai_providers": [{"name": "openai", "endpoint": "https://api.openai.com/v1"}]}, [])
	count(r) == 1
	some f in r
	contains(f.msg, "llm_egress_allowlist is empty")
}

test_soc2_cc6_6_01_fail_llm_host_not_allowed if {
	r := warn with input as system({"network": {"default_deny": true, "llm_egress_allowlist": ["*.openai.azure.com"]}, "ai_providers": [{"name": "openai", "endpoint": "https://api.openai.com/v1"}]}, [])
	some f in r
	contains(f.msg, "api.openai.com is not in")
}

test_soc2_cc6_6_01_fail_default_namespace_messages if {
	dep := {"id": "d", "kind": "kubernetes", "file": "k8s/d.yaml", "line": 3, "document": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {}}}
	r := warn with input as system(segmented, [dep])
	r == {{"msg": "namespace default: runs 1 workload(s) but none of the system's manifests is a default-deny ingress NetworkPolicy for it", "resource": "namespace default", "_loc": {"file": "k8s/d.yaml", "line": 3, "path": "metadata.namespace"}}}
}

test_soc2_cc6_6_01_fail_exact_messages if {
	r := deny with input as plan([
		["aws_s3_bucket_public_access_block", "t", {"block_public_acls": true, "ignore_public_acls": true}],
		["google_storage_bucket", "g", {}],
	])
	r == {
		{"msg": "aws_s3_bucket_public_access_block.t: block_public_policy, restrict_public_buckets not true (all four settings must be)", "resource": "aws_s3_bucket_public_access_block.t", "_path": "resource_changes.0"},
		{"msg": "google_storage_bucket.g: public_access_prevention is not set (must be \"enforced\")", "resource": "google_storage_bucket.g", "_path": "resource_changes.1"},
	}
	w := warn with input as system({"network": {"default_deny": true, "llm_egress_allowlist": ["x.example"]}, "ai_providers": [{"name": "openai", "endpoint": "https://API.openai.com/v1"}]}, [])
	w == {{"msg": "AI provider openai: endpoint host api.openai.com is not in network.llm_egress_allowlist", "resource": "AI provider openai", "_loc": {"file": "cxgov.yaml", "line": 1}}}
}

test_soc2_cc6_6_01_fail_gcs_public_acl if {
	r := deny with input as plan([["google_storage_bucket_access_control", "a", {"entity": "allUsers", "role": "READER"}]])
	r == {{"msg": "google_storage_bucket_access_control.a: grants access to allUsers", "resource": "google_storage_bucket_access_control.a", "_path": "resource_changes.0.change.after.entity"}}
}

# --- a value known only at apply is TF-001's (could not check), not judged here ---

test_soc2_cc6_6_01_unknown_settings_are_tf_001s if {
	doc := terraform.source_doc([
		terraform.literal_row("aws_s3_bucket", "b", {"bucket": "acme-b"}),
		terraform.expression_row("aws_s3_bucket_public_access_block", "b", object.remove(object.union(blocked, {"bucket": "acme-b"}), ["block_public_policy"]), {"block_public_policy": "block_policy"}),
		terraform.expression_row("google_storage_bucket", "g", {"name": "g"}, {"public_access_prevention": "prevention"}),
		terraform.expression_row("azurerm_storage_account", "s", {"name": "s"}, {"public_network_access_enabled": "public"}),
	])
	count(deny) == 0 with input as doc
	reported := terraform.tf_001_paths(doc)
	["aws_s3_bucket_public_access_block.b", "resource_changes.1.change.after.block_public_policy"] in reported
	["google_storage_bucket.g", "resource_changes.2.change.after.public_access_prevention"] in reported
	["azurerm_storage_account.s", "resource_changes.3.change.after.public_network_access_enabled"] in reported
	r := deny with input as terraform.source_doc([
		terraform.literal_row("aws_s3_bucket", "b", {"bucket": "acme-b"}),
		terraform.literal_row("aws_s3_bucket_public_access_block", "b", object.union(blocked, {"bucket": "acme-b", "block_public_policy": false})),
		terraform.literal_row("google_storage_bucket", "g", {"name": "g", "public_access_prevention": false}),
		terraform.literal_row("azurerm_storage_account", "s", {"name": "s", "public_network_access_enabled": true}),
	])
	{f.msg | some f in r} == {
		"aws_s3_bucket_public_access_block.b: block_public_policy not true (all four settings must be)",
		"google_storage_bucket.g: public_access_prevention is false (must be \"enforced\")",
		"azurerm_storage_account.s: public_network_access_enabled is true (must be false)",
	}
}

test_soc2_cc6_6_01_unknown_block_of_a_bucket_is_tf_001s if {
	# an account block with an unknown setting, or a bucket block whose bucket is an expression:
	# whether the bucket is blocked is not known
	account := terraform.source_doc([
		terraform.literal_row("aws_s3_bucket", "b", {"bucket": "acme-b"}),
		terraform.expression_row("aws_s3_account_public_access_block", "all", object.remove(blocked, ["ignore_public_acls"]), {"ignore_public_acls": "ignore"}),
	])
	count(deny) == 0 with input as account
	["aws_s3_account_public_access_block.all", "resource_changes.1.change.after.ignore_public_acls"] in terraform.tf_001_paths(account)
	unlinked := terraform.source_doc([
		terraform.literal_row("aws_s3_bucket", "b", {"bucket": "acme-b"}),
		terraform.expression_row("aws_s3_bucket_public_access_block", "p", blocked, {"bucket": "bucket_name"}),
	])
	count(deny) == 0 with input as unlinked
	["aws_s3_bucket_public_access_block.p", "resource_changes.1.change.after.bucket"] in terraform.tf_001_paths(unlinked)
	# literals: an account block with a setting off, a bucket block for another bucket
	r := deny with input as terraform.source_doc([
		terraform.literal_row("aws_s3_bucket", "b", {"bucket": "acme-b"}),
		terraform.literal_row("aws_s3_account_public_access_block", "all", object.union(blocked, {"ignore_public_acls": false})),
		terraform.literal_row("aws_s3_bucket_public_access_block", "p", object.union(blocked, {"bucket": "other"})),
	])
	"aws_s3_bucket.b: no aws_s3_bucket_public_access_block for the bucket (and no account-level block)" in {f.msg | some f in r}
}

test_soc2_cc6_6_01_bucket_block_by_reference_is_judged if {
	# a block whose bucket names an aws_s3_bucket belongs to that one: not TF-001's, others judged
	rows := [
		terraform.literal_row("aws_s3_bucket", "b", {"bucket": "acme-b"}),
		terraform.literal_row("aws_s3_bucket", "c", {"bucket": "acme-c"}),
		["aws_s3_bucket_public_access_block", "b", object.union(blocked, {"bucket": null}), {"bucket": true}, {"bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}}],
	]
	r := deny with input as terraform.source_doc(rows)
	{f.resource | some f in r} == {"aws_s3_bucket.c"}
	not "resource_changes.2.change.after.bucket" in {p[1] | some p in terraform.tf_001_paths(terraform.source_doc(rows))}
}
