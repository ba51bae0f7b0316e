# METADATA
# title: Terraform plan helpers
# description: >-
#   Resources as they will be after apply (deleted ones left out), with their addresses, their path
#   in the document (for findings' `_path`), the provider configuration they use and where their
#   region comes from. The same shape serves plan JSON and the plan-shaped documents cxgov makes of
#   `.tf` sources, where an expression is null in `after` and true in `after_unknown`.
package cxgov.lib.terraform

import rego.v1

settings := data.cxgov.ref.terraform_residency

# each entry: address, type, name, provider (aws, gcp, azure, other), values (change.after),
# unknown (change.after_unknown), path ("resource_changes.<i>"), provider_key (the provider
# configuration it uses, e.g. "aws.us"), module_address ("" at the root) and config (its
# configuration block with `expressions`, {} when the document has none)
resources contains {
	"address": rc.address,
	"type": rc.type,
	"name": rc.name,
	"provider": provider_of(rc),
	"values": rc.change.after,
	"unknown": unknown_of(rc),
	"path": sprintf("resource_changes.%d", [i]),
	"provider_key": provider_key(rc),
	"module_address": object.get(rc, "module_address", ""),
	"config": config_of(rc),
} if {
	some i, rc in input.resource_changes
	rc.mode == "managed"
	not "delete" in object.get(rc, ["change", "actions"], [])
	is_object(rc.change.after)
}

provider_of(rc) := "aws" if startswith(rc.type, "aws_")

provider_of(rc) := "gcp" if startswith(rc.type, "google_")

provider_of(rc) := "azure" if startswith(rc.type, "azurerm_")

provider_of(rc) := "other" if {
	not startswith(object.get(rc, "type", ""), "aws_")
	not startswith(object.get(rc, "type", ""), "google_")
	not startswith(object.get(rc, "type", ""), "azurerm_")
}

of_type(t) := {r | some r in resources; r.type == t}

unknown_of(rc) := u if {
	u := rc.change.after_unknown
	is_object(u)
} else := {}

# the configuration block of a resource change: root module, or the module calls its
# module_address names (module.a["x"].module.b -> module_calls.a.module.module_calls.b.module)
config_of(rc) := c if {
	object.get(rc, "module_address", "") == ""
	c := root_configs[concat(".", [rc.type, rc.name])]
} else := matches[0] if {
	object.get(rc, "module_address", "") != ""
	matches := [res |
		some res in object.get(input, config_path(rc), [])
		res.type == rc.type
		res.name == rc.name
		object.get(res, "mode", "managed") == "managed"
	]
	count(matches) > 0
} else := {}

# the root module's managed resources by type.name: one lookup per resource, not a scan
root_configs := {concat(".", [res.type, res.name]): res |
	some res in object.get(input, ["configuration", "root_module", "resources"], [])
	object.get(res, "mode", "managed") == "managed"
}

config_path(rc) := array.concat(
	array.concat(["configuration", "root_module"], [p | some m in module_names(rc); some p in ["module_calls", m, "module"]]),
	["resources"],
)

module_names(rc) := [m[1] | some m in regex.find_all_string_submatch_n(`module\.([^.\[]+)`, object.get(rc, "module_address", ""), -1)]

# the provider configuration a resource uses: its configuration's provider_config_key, else the
# provider's local name (the last part of provider_name: registry.terraform.io/hashicorp/aws -> aws)
provider_key(rc) := k if {
	k := config_of(rc).provider_config_key
	is_string(k)
} else := k if {
	is_string(rc.provider_name)
	parts := split(rc.provider_name, "/")
	k := parts[count(parts) - 1]
} else := split(rc.type, "_")[0]

# regions named by provider blocks (expressions.region.constant_value)
provider_regions contains {"provider": provider_name(name), "region": cfg.expressions.region.constant_value, "address": sprintf("provider.%s", [name])} if {
	some name, cfg in input.configuration.provider_config
	is_string(cfg.expressions.region.constant_value)
}

provider_name(name) := "aws" if startswith(name, "aws")

provider_name(name) := "gcp" if startswith(name, "google")

provider_name(name) := "azure" if startswith(name, "azurerm")

provider_name(name) := name if {
	not startswith(name, "aws")
	not startswith(name, "google")
	not startswith(name, "azurerm")
}

# every location a resource names: region, location, zone (as region), replica and backup targets
locations contains {"provider": r.provider, "region": r.values[attr], "address": r.address, "attribute": attr} if {
	some r in resources
	some attr in {"region", "location"}
	is_string(r.values[attr])
	r.values[attr] != ""
}

locations contains {"provider": p.provider, "region": p.region, "address": p.address, "attribute": "region"} if {
	some p in provider_regions
}

# ---------------------------------------------------------------------------------------------
# Where a resource's region comes from. placement(r) is, first that applies:
#   its own region attribute (settings.region_attributes, per type first) -> {"region", "from", "path"}
#   the same attribute set to an expression -> {"unresolved": what, "why", "fix", "path"}
#   its own zone (eu-west-1a, europe-west4-b) as its region
#   the location the service uses when none is given (settings.service_default_locations)
#   the region of its provider configuration (an alias such as aws.us), else of the provider's
#     default configuration (aws); a provider region that is an expression is unresolved, unless it
#     is a plan variable whose value the plan records
#   nothing -> unresolved
# A provider-derived region points at the resource itself (`path`).
# ---------------------------------------------------------------------------------------------

placement(r) := p if {
	p := own_region(r)
} else := p if {
	p := own_expression(r)
} else := p if {
	p := own_zone(r)
} else := p if {
	region := settings.service_default_locations[r.type]
	p := {"region": region, "from": sprintf("the default location of %s", [r.type]), "path": r.path}
} else := p if {
	p := provider_placement(r, r.provider_key)
} else := p if {
	p := provider_placement(r, base_key(r.provider_key))
} else := {
	"unresolved": sprintf("the region of %s", [r.address]),
	"why": sprintf("neither it nor provider %s names a region", [r.provider_key]),
	"fix": "set region on the provider block or the resource",
	"path": r.path,
}

region_attributes(t) := array.concat(object.get(settings.type_region_attributes, t, []), settings.region_attributes)

attr_path(r, attr) := concat(".", [r.path, "change.after", attr])

own_region(r) := {"region": r.values[attr], "from": concat(" ", ["its", attr]), "path": attr_path(r, attr)} if {
	found := [a | some a in region_attributes(r.type); is_string(r.values[a]); r.values[a] != ""]
	count(found) > 0
	attr := found[0]
}

own_expression(r) := {"unresolved": concat(".", [r.address, attr]), "why": unknown_why(r, [attr]), "fix": instead, "path": attr_path(r, attr)} if {
	found := [a | some a in region_attributes(r.type); r.unknown[a] == true; configured(r, [a])]
	count(found) > 0
	attr := found[0]
}

own_zone(r) := {"region": region, "from": concat(" ", ["its", attr]), "path": attr_path(r, attr)} if {
	found := [[a, z] |
		some a in settings.zone_attributes
		is_string(r.values[a])
		z := zone_region(r.provider, r.values[a])
	]
	count(found) > 0
	[attr, region] := found[0]
}

# "europe-west4-a" -> "europe-west4" (Google), "eu-west-1a" -> "eu-west-1" (AWS)
zone_region("gcp", z) := regex.replace(z, `-[a-z]$`, "") if regex.match(`^[a-z]+-[a-z]+[0-9]+-[a-z]$`, z)

zone_region("aws", z) := regex.replace(z, `[a-z]$`, "") if regex.match(`^[a-z]+(-[a-z]+)+-[0-9]+[a-z]$`, z)

provider_placement(r, key) := p if {
	expr := provider_config(key).expressions.region
	p := region_expression(r, expr, sprintf("provider %s", [key]))
}

# aws.us -> aws; a module's key (child:aws.us) -> aws
base_key(key) := split(local_key(key), ".")[0]

local_key(key) := parts[count(parts) - 1] if parts := split(key, ":")

# a provider configuration by key; a module's own key (child:aws) falls back to the root one, and a
# configuration passed into a module (parent_key) to its parent
provider_config(key) := cfg if {
	cfg := input.configuration.provider_config[key]
	not cfg.parent_key
} else := cfg if {
	cfg := input.configuration.provider_config[input.configuration.provider_config[key].parent_key]
} else := input.configuration.provider_config[local_key(key)]

region_expression(r, expr, from) := {"region": expr.constant_value, "from": from, "path": r.path} if {
	is_string(expr.constant_value)
	expr.constant_value != ""
} else := {"region": value, "from": sprintf("%s (%s)", [from, expr.references[0]]), "path": r.path} if {
	value := plan_variable(expr)
} else := {
	"unresolved": sprintf("the region of %s", [r.address]),
	"why": sprintf("%s sets region to %s known only at apply", [from, shown_references(object.get(expr, "references", []))]),
	"fix": instead,
	"path": r.path,
} if {
	is_object(expr)
}

# the value a plan records for `var.x` (plan JSON's `variables`; a `.tf` source has none)
plan_variable(expr) := value if {
	count(expr.references) == 1
	startswith(expr.references[0], "var.")
	value := input.variables[substring(expr.references[0], 4, -1)].value
	is_string(value)
	value != ""
}

# ---------------------------------------------------------------------------------------------
# Values known only at apply: after_unknown marks them (`true` at the attribute, or inside nested
# blocks). An unknown attribute the configuration does not set is computed by the provider, not
# an expression of the author's; without a configuration that cannot be told, so it counts.
# ---------------------------------------------------------------------------------------------

# the paths (keys and list indexes) of the resource's values known only at apply
unknown_paths(r) := {p | walk(r.unknown, [p, v]); v == true}

configured(r, path) if count(r.config) == 0

configured(r, path) if object.get(object.get(r.config, "expressions", {}), path, null) != null

references(r, path) := refs if {
	refs := object.get(object.get(r.config, "expressions", {}), array.concat(path, ["references"]), [])
	is_array(refs)
} else := []

# "an expression (var.region)"; Terraform lists a reference and its parents (aws_kms_key.k.arn,
# aws_kms_key.k): the longest of each is shown
shown_references(refs) := "an expression" if count(refs) == 0

shown_references(refs) := sprintf("an expression (%s)", [concat(", ", shown)]) if {
	count(refs) > 0
	shown := [x | some x in refs; not has_longer(refs, x)]
}

has_longer(refs, x) if {
	some y in refs
	startswith(y, concat("", [x, "."]))
}

# why a value is unknown: "its value is an expression (var.region) known only at apply"
unknown_why(r, path) := "its value is known only at apply" if count(r.config) == 0

unknown_why(r, path) := sprintf("its value is %s known only at apply", [shown_references(references(r, path))]) if count(r.config) > 0

# the keys of a path, its list indexes dropped
keys_of(path) := [k | some k in path; is_string(k)]

# a dotted path into the document ("resource_changes.3.change.after.rule.0.destination")
doc_path(r, path) := concat(".", array.concat([r.path, "change.after"], [sprintf("%v", [p]) | some p in path]))

# what to give instead of an unknown value: a `.tf` source has no values, a plan lacks only
# those known at apply
instead := "give a plan JSON (terraform show -json) or a literal" if input.cxgov_source == "terraform-hcl"

instead := "set it to a literal or a variable so the plan records it" if not input.cxgov_source == "terraform-hcl"

# ---------------------------------------------------------------------------------------------
# For the rules that judge attribute values: a value known only at apply is not judged, since
# TF-001 reports it (could not check). Only what TF-001 reports counts: a value the configuration
# sets (or any, without a configuration) that is no judged reference; a computed value's absence
# stays the rules' to judge. A path a rule skips must be one TF-001 reads for that resource type
# (ref.terraform_checked_attributes, or derived from the reference data), else skipping passes it.
# ---------------------------------------------------------------------------------------------

# the value at `attr` (a key, or keys and list indexes below it) is known only at apply: it or a
# block around it
unknown_at(r, attr) if {
	path := as_path(attr)
	top := path[0]
	some n in numbers.range(1, count(path))
	prefix := array.slice(path, 0, n)
	object.get(r.unknown, prefix, null) == true
	configured(r, prefix)
	not judged_reference(r, top)
}

# some value under these keys (a path of keys; every block of a list) is known only at apply
unknown_in(r, keys) if {
	some path in unknown_paths(r)
	top := path[0]
	k := keys_of(path)
	count(k) > 0
	count(k) <= count(keys)
	array.slice(keys, 0, count(k)) == k
	configured(r, path)
	not judged_reference(r, top)
}

as_path(attr) := [attr] if is_string(attr)

as_path(attr) := attr if is_array(attr)

# an attribute whose expression names only resources of the document the rules judge themselves
# (ref.terraform_checked_attributes judged_references: a policy_arn naming an aws_iam_policy, a
# bucket naming an aws_s3_bucket); TF-001 does not report it, any other expression it does
judged_reference(r, attr) if {
	prefixes := data.cxgov.ref.terraform_checked_attributes.judged_references[attr]
	refs := references(r, [attr])
	count(refs) > 0
	every ref in refs {
		some prefix in prefixes
		startswith(ref, prefix)
	}
}

# a resource its tags (labels on Google Cloud) mark as holding no personal data
# (contains_personal_data = "false")
tagged_no_personal_data(r) if {
	some k in ["tags", "tags_all", "labels"]
	r.values[k].contains_personal_data == "false"
}

# an address without its instance keys (aws_s3_bucket.b["x"] -> aws_s3_bucket.b), as the
# configuration names the resource
base_address(address) := regex.replace(address, `\[[^\]]*\]`, "")

# a reference names the resource at `address`, or an attribute of it
refers_to(ref, address) if ref == address

refers_to(ref, address) if startswith(ref, concat("", [address, "."]))

# a bucket-scoped resource c belongs to bucket b by name, or by reference in the configuration
same_bucket(c, b) if {
	is_string(b.values.bucket)
	c.values.bucket == b.values.bucket
}

same_bucket(c, b) if {
	some reference in bucket_references[c.address]
	reference in {b.address, concat("", [b.address, ".id"]), concat("", [b.address, ".bucket"])}
}

# the references of each root-module resource's `bucket` expression, by address: computed once, so
# matching settings to buckets stays quadratic on large plans
bucket_references := {res.address: refs |
	some res in object.get(input, ["configuration", "root_module", "resources"], [])
	refs := object.get(res, ["expressions", "bucket", "references"], [])
}

# the same references in the root module and in modules one level down (module-relative addresses
# made absolute) of any plan, not only the input: rules judging another plan of the system view call
# it once per plan (functions are not memoised)
bucket_references_in(plan) := object.union(root, nested) if {
	module := object.get(plan, ["configuration", "root_module"], {})
	root := {cr.address: prefixed_bucket_references(cr, "") |
		some cr in object.get(module, "resources", [])
	}
	nested := {concat("", [prefix, cr.address]): prefixed_bucket_references(cr, prefix) |
		some m, call in object.get(module, "module_calls", {})
		prefix := concat("", ["module.", m, "."])
		some cr in object.get(call, ["module", "resources"], [])
	}
}

prefixed_bucket_references(cr, prefix) := [concat("", [prefix, ref]) | some ref in object.get(cr, ["expressions", "bucket", "references"], [])]
