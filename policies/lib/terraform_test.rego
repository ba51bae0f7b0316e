package cxgov.lib.terraform

import rego.v1

change(address, after, unknown) := {
	"address": address, "mode": "managed", "type": split(address, ".")[0], "name": split(address, ".")[1],
	"provider_name": "registry.terraform.io/hashicorp/aws",
	"change": {"actions": ["create"], "after": after, "after_unknown": unknown},
}

cfg(address, key, expressions) := {"address": address, "mode": "managed", "type": split(address, ".")[0], "name": split(address, ".")[1], "provider_config_key": key, "expressions": expressions}

aws(region) := {"name": "aws", "expressions": {"region": {"constant_value": region}}}

plan(changes, providers, configs) := {"resource_changes": changes, "configuration": {"provider_config": providers, "root_module": {"resources": configs}}}

deleted := {"address": "aws_s3_bucket.old", "mode": "managed", "type": "aws_s3_bucket", "name": "old", "change": {"actions": ["delete"], "after": null}}

data_source := {"address": "data.aws_region.current", "mode": "data", "type": "aws_region", "name": "current", "change": {"actions": ["read"], "after": {}}}

sample := plan(
	[
		deleted,
		change("aws_s3_bucket.a", {"bucket": "a"}, {"arn": true}),
		data_source,
		change("aws_s3_bucket.b", {"bucket": "b"}, {}),
	],
	{"aws": aws("eu-west-1"), "aws.us": object.union(aws("us-east-1"), {"alias": "us"})},
	[cfg("aws_s3_bucket.b", "aws.us", {})],
)

by_address(rs) := {r.address: r | some r in rs}

test_resources_carry_their_path_and_provider_key if {
	rs := by_address(resources) with input as sample
	object.keys(rs) == {"aws_s3_bucket.a", "aws_s3_bucket.b"}
	rs["aws_s3_bucket.a"].path == "resource_changes.1"
	rs["aws_s3_bucket.a"].provider_key == "aws"
	rs["aws_s3_bucket.a"].unknown == {"arn": true}
	rs["aws_s3_bucket.a"].config == {}
	rs["aws_s3_bucket.b"].path == "resource_changes.3"
	rs["aws_s3_bucket.b"].provider_key == "aws.us"
	rs["aws_s3_bucket.b"].provider == "aws"
}

test_existing_helpers_keep_their_shape if {
	count(of_type("aws_s3_bucket")) == 2 with input as sample
	provider_regions == {{"provider": "aws", "region": "eu-west-1", "address": "provider.aws"}, {"provider": "aws", "region": "us-east-1", "address": "provider.aws.us"}} with input as sample
	some r in resources with input as sample
	{"address", "type", "name", "provider", "values"} & object.keys(r) == {"address", "type", "name", "provider", "values"}
}

test_provider_key_defaults if {
	provider_key({"type": "google_storage_bucket", "name": "x", "provider_name": "registry.terraform.io/hashicorp/google-beta"}) == "google-beta" with input as {}
	provider_key({"type": "azurerm_storage_account", "name": "x"}) == "azurerm" with input as {}
}

test_module_resource_config_and_provider if {
	rc := object.union(change("aws_s3_bucket.archive", {}, {}), {"address": "module.store[\"eu\"].module.inner.aws_s3_bucket.archive", "module_address": "module.store[\"eu\"].module.inner"})
	p := {"resource_changes": [rc], "configuration": {
		"provider_config": {"aws": aws("eu-west-1"), "aws.us": aws("us-east-2")},
		"root_module": {"module_calls": {"store": {"module": {"module_calls": {"inner": {"module": {"resources": [cfg("aws_s3_bucket.archive", "aws.us", {})]}}}}}}},
	}}
	some r in resources with input as p
	r.provider_key == "aws.us"
	placement(r) == {"region": "us-east-2", "from": "provider aws.us", "path": "resource_changes.0"} with input as p
}

place(after, unknown, key, exprs, providers) := p if {
	input_doc := plan([change("aws_s3_bucket.b", after, unknown)], providers, [cfg("aws_s3_bucket.b", key, exprs)])
	some r in resources with input as input_doc
	p := placement(r) with input as input_doc
}

test_placement_own_region_first if {
	place({"region": "eu-north-1"}, {}, "aws.us", {}, {"aws.us": aws("us-east-1")}) == {"region": "eu-north-1", "from": "its region", "path": "resource_changes.0.change.after.region"}
}

test_placement_own_region_expression_is_unresolved if {
	p := place({"region": null}, {"region": true}, "aws", {"region": {"references": ["var.region"]}}, {"aws": aws("eu-west-1")})
	p.unresolved == "aws_s3_bucket.b.region"
	p.why == "its value is an expression (var.region) known only at apply"
	p.path == "resource_changes.0.change.after.region"
}

test_placement_computed_region_falls_back_to_the_provider if {
	# an S3 bucket's region is computed in real plans: unknown, but not set in the configuration
	place({}, {"region": true}, "aws", {}, {"aws": aws("eu-west-1")}) == {"region": "eu-west-1", "from": "provider aws", "path": "resource_changes.0"}
}

test_placement_zone if {
	place({"availability_zone": "us-west-2b"}, {}, "aws", {}, {"aws": aws("eu-west-1")}).region == "us-west-2"
}

test_placement_alias_without_region_uses_the_default_provider if {
	place({}, {}, "aws.logs", {}, {"aws": aws("eu-west-1"), "aws.logs": {"name": "aws", "alias": "logs", "expressions": {}}}) == {"region": "eu-west-1", "from": "provider aws", "path": "resource_changes.0"}
}

test_placement_alias_with_an_expression_is_unresolved if {
	p := place({}, {}, "aws.us", {}, {"aws": aws("eu-west-1"), "aws.us": {"name": "aws", "alias": "us", "expressions": {"region": {"references": ["local.dr"]}}}})
	p.unresolved == "the region of aws_s3_bucket.b"
	p.why == "provider aws.us sets region to an expression (local.dr) known only at apply"
	p.fix == "set it to a literal or a variable so the plan records it"
}

test_placement_plan_variable_resolves if {
	doc := object.union(plan([change("aws_s3_bucket.b", {}, {})], {"aws": {"name": "aws", "expressions": {"region": {"references": ["var.region"]}}}}, []), {"variables": {"region": {"value": "eu-central-1"}}})
	some r in resources with input as doc
	placement(r) == {"region": "eu-central-1", "from": "provider aws (var.region)", "path": "resource_changes.0"} with input as doc
}

test_placement_module_key_and_parent_key if {
	providers := {"aws": aws("eu-west-1"), "child:aws": {"name": "aws", "parent_key": "aws"}}
	place({}, {}, "child:aws", {}, providers).region == "eu-west-1"
	place({}, {}, "other:aws.us", {}, {"aws.us": aws("us-east-1")}).from == "provider other:aws.us"
}

test_placement_nothing_names_a_region if {
	p := place({}, {}, "aws", {}, {})
	p.why == "neither it nor provider aws names a region"
	p.path == "resource_changes.0"
}

test_unknown_paths_and_references if {
	doc := plan([change("aws_s3_bucket.b", {}, {"a": true, "rule": [{"x": true, "y": false}]})], {}, [cfg("aws_s3_bucket.b", "aws", {"a": {"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]}})])
	some r in resources with input as doc
	unknown_paths(r) == {["a"], ["rule", 0, "x"]}
	configured(r, ["a"])
	not configured(r, ["rule", 0, "x"])
	unknown_why(r, ["a"]) == "its value is an expression (aws_kms_key.k.arn) known only at apply"
	doc_path(r, ["rule", 0, "x"]) == "resource_changes.0.change.after.rule.0.x"
}

test_instead_names_what_to_give if {
	instead == "give a plan JSON (terraform show -json) or a literal" with input as {"cxgov_source": "terraform-hcl"}
	instead == "set it to a literal or a variable so the plan records it" with input as {"resource_changes": []}
}

# --- values known only at apply, for the rules that judge attributes ---------------------------

# a `.tf` source as cxgov reads it, from [type, name, after, after_unknown, expressions] rows (the
# aws provider in eu-west-1); the rule packs' tests build their inputs with it
source_doc(rows) := {
	"cxgov_source": "terraform-hcl",
	"resource_changes": [change(concat(".", [r[0], r[1]]), r[2], r[3]) | some r in rows],
	"configuration": {"provider_config": {"aws": aws("eu-west-1")}, "root_module": {"resources": [cfg(concat(".", [r[0], r[1]]), "aws", r[4]) | some r in rows]}},
}

# a row whose attributes are all literals
literal_row(type, name, after) := [type, name, after, {}, {k: {"constant_value": v} | some k, v in after}]

# a row whose attributes in `vars` ({attribute: variable name}) are `var.<name>` expressions
expression_row(type, name, after, vars) := [
	type, name,
	object.union(after, {k: null | some k, _ in vars}),
	{k: true | some k, _ in vars},
	object.union({k: {"constant_value": v} | some k, v in after}, {k: var_ref(v) | some k, v in vars}),
]

var_ref(name) := {"references": [concat("", ["var.", name])]}

# what TF-001 reports on a document: [resource, _path] pairs
tf_001_paths(doc) := {[f.resource, f._path] | some f in fs} if {
	fs := data.cxgov.residency.tf_001.deny with input as doc
}

test_unknown_at_the_attribute_or_a_block_around_it if {
	doc := source_doc([
		expression_row("aws_db_instance", "a", {"engine": "postgres"}, {"storage_encrypted": "encrypted"}),
		["aws_opensearch_domain", "s", {"encrypt_at_rest": null}, {"encrypt_at_rest": true}, {"encrypt_at_rest": var_ref("blocks")}],
	])
	rs := by_address(resources) with input as doc
	db := rs["aws_db_instance.a"]
	unknown_at(db, "storage_encrypted")
	not unknown_at(db, "engine")
	unknown_at(rs["aws_opensearch_domain.s"], ["encrypt_at_rest", 0, "enabled"])
	unknown_in(rs["aws_opensearch_domain.s"], ["encrypt_at_rest", "enabled"])
}

test_unknown_in_any_block_but_only_on_the_way if {
	after := {"default_action": [{"type": "forward", "target_group_arn": null}, {"type": null}]}
	unknown := {"default_action": [{"target_group_arn": true}, {"type": true}]}
	exprs := {"default_action": [{"type": {"constant_value": "forward"}, "target_group_arn": {"references": ["aws_lb_target_group.t.arn"]}}, {"type": var_ref("t")}]}
	doc := source_doc([["aws_lb_listener", "l", after, unknown, exprs]])
	some r in resources with input as doc
	unknown_in(r, ["default_action", "type"])
	unknown_at(r, ["default_action", 1, "type"])
	not unknown_at(r, ["default_action", 0, "type"])
	not unknown_in(r, ["default_action", "redirect", "protocol"])
}

test_unknown_leaves_out_computed_values_and_judged_references if {
	# a plan: computed (not configured) values and a bucket naming an aws_s3_bucket are not unknown
	doc := plan(
		[change("aws_s3_bucket_public_access_block.p", {"block_public_acls": true}, {"bucket": true, "id": true})],
		{"aws": aws("eu-west-1")},
		[cfg("aws_s3_bucket_public_access_block.p", "aws", {"bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}})],
	)
	some r in resources with input as doc
	not unknown_at(r, "id")
	not unknown_at(r, "bucket")
	judged_reference(r, "bucket")
	other := source_doc([expression_row("aws_s3_bucket_public_access_block", "p", {}, {"bucket": "bucket_name"})])
	some o in resources with input as other
	unknown_at(o, "bucket")
}

# the bucket references of a plan's configuration, root module and one level of modules; a module's
# references made absolute, and a resource with no `bucket` expression has none
test_bucket_references_in_root_and_modules if {
	p := {"configuration": {"root_module": {
		"resources": [
			{"address": "aws_s3_bucket_lifecycle_configuration.l", "expressions": {"bucket": {"references": ["aws_s3_bucket.a.id", "aws_s3_bucket.a"]}}},
			{"address": "aws_s3_bucket.a", "expressions": {"bucket": {"constant_value": "a"}}},
		],
		"module_calls": {"logs": {"module": {"resources": [
			{"address": "aws_s3_bucket_server_side_encryption_configuration.s", "expressions": {"bucket": {"references": ["aws_s3_bucket.b.id"]}}},
		]}}},
	}}}
	bucket_references_in(p) == {
		"aws_s3_bucket_lifecycle_configuration.l": ["aws_s3_bucket.a.id", "aws_s3_bucket.a"],
		"aws_s3_bucket.a": [],
		"module.logs.aws_s3_bucket_server_side_encryption_configuration.s": ["module.logs.aws_s3_bucket.b.id"],
	}
	bucket_references_in({}) == {}
}
