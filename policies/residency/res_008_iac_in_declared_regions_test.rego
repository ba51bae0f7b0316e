package cxgov.residency.res_008

import rego.v1

import data.cxgov.lib.fixtures.system_with_documents as system

descriptor := {
	"services": [{"name": "api", "provider": "aws", "region": "eu-west-1"}],
	"data_stores": [
		{"name": "transcripts", "provider": "aws", "region": "eu-west-1", "replica_regions": ["eu-central-1"], "backup": {"regions": ["eu-north-1"]}},
		{"name": "archive", "provider": "gcp", "region": "eur4"},
		{"name": "blobs", "provider": "azure", "region": "westeurope", "replica_regions": ["northeurope"]},
	],
}

plan_doc(plan) := {"id": "tf/plan.json", "kind": "terraform-plan", "file": "tf/plan.json", "line": 1, "document": plan}

k8s_doc(manifest) := {"id": "Deployment/bot", "kind": "kubernetes", "file": "k8s/bot.yaml", "line": 7, "document": manifest}

change(address, type, after) := {"address": address, "type": type, "name": split(address, ".")[1], "mode": "managed", "change": {"actions": ["create"], "after": after}}

plan(changes, providers, resources) := {"format_version": "1.2", "resource_changes": changes, "configuration": {"provider_config": providers, "root_module": {"resources": resources}}}

aws_provider(region) := {"name": "aws", "expressions": {"region": {"constant_value": region}}}

replication(dest_bucket) := change("aws_s3_bucket_replication_configuration.r", "aws_s3_bucket_replication_configuration", {"rule": [{"id": "all", "destination": [{"bucket": dest_bucket}]}]})

deployment(affinity, selector) := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "bot"}, "spec": {"template": {"spec": {"nodeSelector": selector, "affinity": affinity, "containers": [{"name": "app"}]}}}}

region_affinity(regions) := {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "topology.kubernetes.io/region", "operator": "In", "values": regions}]}]}}}

test_res_008_pass_declared_locations if {
	p := plan(
		[
			change("aws_s3_bucket.t", "aws_s3_bucket", {"bucket": "t", "region": "eu-west-1"}),
			change("aws_s3_bucket.replica", "aws_s3_bucket", {"bucket": "t-replica", "region": "eu-central-1"}),
			replication("arn:aws:s3:::t-replica"),
			change("aws_backup_plan.p", "aws_backup_plan", {"rule": [{"copy_action": [{"destination_vault_arn": "arn:aws:backup:eu-north-1:123456789012:backup-vault:dr"}]}]}),
			change("google_storage_bucket.a", "google_storage_bucket", {"location": "EUR4", "custom_placement_config": []}),
			change("google_compute_instance.vm", "google_compute_instance", {"zone": "europe-west4-a"}),
			change("azurerm_storage_account.s", "azurerm_storage_account", {"location": "West Europe", "account_replication_type": "GRS"}),
			change("aws_instance.i", "aws_instance", {"availability_zone": "eu-west-1b"}),
		],
		{"aws": aws_provider("eu-west-1")},
		[],
	)
	count(deny) == 0 with input as system(descriptor, [plan_doc(p), k8s_doc(deployment(region_affinity(["eu-west-1"]), {}))])
}

test_res_008_pass_member_of_declared_multi_region if {
	p := plan([change("google_storage_bucket.a", "google_storage_bucket", {"location": "EUROPE-NORTH1"})], {}, [])
	count(deny) == 0 with input as system(descriptor, [plan_doc(p)])
}

test_res_008_pass_deleted_resources_ignored if {
	c := {"address": "aws_s3_bucket.old", "type": "aws_s3_bucket", "name": "old", "mode": "managed", "change": {"actions": ["delete"], "after": null}}
	count(deny) == 0 with input as system(descriptor, [plan_doc(plan([c], {}, []))])
}

test_res_008_fail_undeclared_resource_region if {
	p := plan([change("aws_s3_bucket.t", "aws_s3_bucket", {"bucket": "t", "region": "us-east-1"})], {}, [])
	r := deny with input as system(descriptor, [plan_doc(p)])
	count(r) == 1
	some f in r
	f.msg == "tf/plan.json: aws_s3_bucket.t (region) is in us-east-1, which the descriptor does not declare"
	f._loc == {"file": "tf/plan.json", "line": 1, "path": "resource_changes.0.change.after.region"}
	f.resource == "aws_s3_bucket.t"
}

test_res_008_fail_undeclared_provider_region if {
	p := plan([], {"aws.certs": aws_provider("us-east-1")}, [])
	r := deny with input as system(descriptor, [plan_doc(p)])
	some f in r
	contains(f.msg, "provider.aws.certs (provider region) is in us-east-1")
	f._loc.path == "configuration.provider_config"
	q := plan([], {"aws": aws_provider("us-east-1")}, [])
	{g._loc.path | some g in deny} == {"configuration.provider_config.aws.expressions.region"} with input as system(descriptor, [plan_doc(q)])
}

# a .tf file's provider borrowed from a sibling file (providers.tf) is judged in that file, not again here
test_res_008_pass_provider_borrowed_from_a_sibling_tf_file if {
	borrowed := object.union(aws_provider("us-east-1"), {"alias": "us", "cxgov_declared_in": "providers.tf"})
	count(deny) == 0 with input as system(descriptor, [plan_doc(plan([], {"aws.us": borrowed}, []))])
	count(deny) == 1 with input as system(descriptor, [plan_doc(plan([], {"aws.us": aws_provider("us-east-1")}, []))])
}

test_res_008_fail_replication_to_undeclared_region_by_arn if {
	p := plan([
		change("aws_s3_bucket.replica", "aws_s3_bucket", {"bucket": "t-replica"}),
		replication("arn:aws:s3:::t-replica"),
	], {"aws": aws_provider("eu-west-1"), "aws.dr": aws_provider("us-west-2")}, [{"address": "aws_s3_bucket.replica", "provider_config_key": "aws.dr"}])
	r := deny with input as system(descriptor, [plan_doc(p)])
	some f in r
	contains(f.msg, "aws_s3_bucket_replication_configuration.r (replication destination aws_s3_bucket.replica) is in us-west-2")
	f._loc.path == "resource_changes.1.change.after.rule.0.destination.0.bucket"
}

test_res_008_fail_replication_to_undeclared_region_by_reference if {
	p := plan(
		[
			change("aws_s3_bucket.replica", "aws_s3_bucket", {"region": "ap-south-1"}),
			change("aws_s3_bucket_replication_configuration.r", "aws_s3_bucket_replication_configuration", {"rule": [{"id": "all", "destination": [{}]}]}),
		],
		{},
		[{"address": "aws_s3_bucket_replication_configuration.r", "provider_config_key": "aws", "expressions": {"rule": [{"destination": [{"bucket": {"references": ["aws_s3_bucket.replica.arn", "aws_s3_bucket.replica"]}}]}]}}],
	)
	r := deny with input as system(descriptor, [plan_doc(p)])
	some f in r
	contains(f.msg, "(replication destination aws_s3_bucket.replica) is in ap-south-1")
}

test_res_008_fail_backup_copy_to_undeclared_region if {
	p := plan([change("aws_backup_plan.p", "aws_backup_plan", {"rule": [{"copy_action": [{"destination_vault_arn": "arn:aws:backup:eu-central-2:123456789012:backup-vault:dr"}]}]})], {}, [])
	r := deny with input as system(descriptor, [plan_doc(p)])
	count(r) == 1
	some f in r
	contains(f.msg, "aws_backup_plan.p (copy_action destination vault) is in eu-central-2")
	f._loc.path == "resource_changes.0.change.after.rule.0.copy_action.0.destination_vault_arn"
}

test_res_008_fail_backup_copy_by_vault_reference if {
	p := plan(
		[
			change("aws_backup_vault.dr", "aws_backup_vault", {"name": "dr", "region": "us-east-2"}),
			change("aws_backup_plan.p", "aws_backup_plan", {"rule": [{"copy_action": [{}]}]}),
		],
		{},
		[{"address": "aws_backup_plan.p", "expressions": {"rule": [{"copy_action": [{"destination_vault_arn": {"references": ["aws_backup_vault.dr.arn", "aws_backup_vault.dr"]}}]}]}}],
	)
	r := deny with input as system(descriptor, [plan_doc(p)])
	some f in r
	contains(f.msg, "aws_backup_plan.p (copy_action destination vault) is in us-east-2")
}

test_res_008_fail_gcs_data_locations if {
	p := plan([change("google_storage_bucket.a", "google_storage_bucket", {"location": "EU", "custom_placement_config": [{"data_locations": ["EUROPE-WEST1", "EUROPE-WEST2"]}]})], {}, [])
	r := deny with input as system({"data_stores": [{"name": "a", "provider": "gcp", "region": "EU"}]}, [plan_doc(p)])
	count(r) == 1
	some f in r
	contains(f.msg, "google_storage_bucket.a (custom_placement_config data_locations) is in europe-west2")
	f._loc.path == "resource_changes.0.change.after.custom_placement_config.0.data_locations.1"
}

test_res_008_fail_azure_grs_pair if {
	p := plan([change("azurerm_storage_account.s", "azurerm_storage_account", {"location": "uksouth", "account_replication_type": "RAGRS"})], {}, [])
	r := deny with input as system({"data_stores": [{"name": "s", "provider": "azure", "region": "uksouth"}]}, [plan_doc(p)])
	count(r) == 1
	some f in r
	contains(f.msg, "azurerm_storage_account.s (geo-redundant secondary of uksouth) is in ukwest")
}

test_res_008_fail_azure_grs_without_pair if {
	p := plan([change("azurerm_storage_account.s", "azurerm_storage_account", {"location": "polandcentral", "account_replication_type": "GZRS"})], {}, [])
	r := deny with input as system({"data_stores": [{"name": "s", "provider": "azure", "region": "polandcentral"}]}, [plan_doc(p)])
	count(r) == 1
	some f in r
	contains(f.msg, "GZRS replication from polandcentral goes to a secondary region that ref.regions.azure_pairs does not name")
}

test_res_008_fail_zone_in_undeclared_region if {
	p := plan([change("google_compute_instance.vm", "google_compute_instance", {"zone": "us-central1-a"})], {}, [])
	r := deny with input as system(descriptor, [plan_doc(p)])
	some f in r
	contains(f.msg, "google_compute_instance.vm (zone) is in us-central1")
}

test_res_008_fail_k8s_affinity if {
	r := deny with input as system(descriptor, [k8s_doc(deployment(region_affinity(["eu-west-1", "us-east-1"]), {}))])
	count(r) == 1
	some f in r
	f.msg == "k8s/bot.yaml: Deployment/bot is scheduled in region us-east-1, which the descriptor does not declare"
	f._loc == {"file": "k8s/bot.yaml", "line": 7, "path": "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.0.matchExpressions.0.values.1"}
}

test_res_008_fail_k8s_node_selector if {
	r := deny with input as system(descriptor, [k8s_doc(deployment({}, {"topology.kubernetes.io/region": "ap-northeast-1"}))])
	count(r) == 1
	{f._loc.path | some f in r} == {"spec.template.spec.nodeSelector"}
}

test_res_008_fail_k8s_preferred_affinity if {
	aff := {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "preference": {"matchExpressions": [{"key": "failure-domain.beta.kubernetes.io/region", "operator": "In", "values": ["sa-east-1"]}]}}]}}
	r := deny with input as system(descriptor, [k8s_doc(deployment(aff, {}))])
	some f in r
	contains(f.msg, "region sa-east-1")
}

test_res_008_pass_dual_region_with_all_members_declared if {
	p := plan([change("google_storage_bucket.a", "google_storage_bucket", {"location": "EUR4"})], {}, [])
	d := {"data_stores": [{"name": "a", "provider": "gcp", "region": "europe-north1", "replica_regions": ["europe-west4"]}]}
	count(deny) == 0 with input as system(d, [plan_doc(p)])
}

test_res_008_fail_dual_region_with_a_member_missing if {
	p := plan([change("google_storage_bucket.a", "google_storage_bucket", {"location": "EUR4"})], {}, [])
	d := {"data_stores": [{"name": "a", "provider": "gcp", "region": "europe-north1"}]}
	r := deny with input as system(d, [plan_doc(p)])
	some f in r
	contains(f.msg, "google_storage_bucket.a (location) is in EUR4")
}

test_res_008_fail_azure_grs_without_location if {
	p := plan([change("azurerm_storage_account.s", "azurerm_storage_account", {"account_replication_type": "GRS"})], {}, [])
	r := deny with input as system(descriptor, [plan_doc(p)])
	count(r) == 1
	some f in r
	contains(f.msg, "azurerm_storage_account.s: GRS replication from (no location) goes to a secondary region that ref.regions.azure_pairs does not name")
}

test_res_008_fail_change_without_actions if {
	# a change that does not list its actions is not a deletion: its location is judged
	c := {"address": "aws_s3_bucket.t", "type": "aws_s3_bucket", "name": "t", "mode": "managed", "change": {"after": {"bucket": "t", "region": "us-east-1"}}}
	r := deny with input as system(descriptor, [plan_doc(plan([c], {}, []))])
	count(r) == 1
	some f in r
	contains(f.msg, "aws_s3_bucket.t (region) is in us-east-1")
}

test_res_008_fail_k8s_manifest_without_kind if {
	manifest := object.remove(deployment(region_affinity(["us-east-1"]), {}), ["kind"])
	r := deny with input as system(descriptor, [k8s_doc(manifest)])
	count(r) == 1
	some f in r
	f.msg == "k8s/bot.yaml: Deployment/bot is scheduled in region us-east-1, which the descriptor does not declare"
}
