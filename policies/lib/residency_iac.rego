# METADATA
# title: Processing locations named by the system's Terraform and Kubernetes documents
# description: >-
#   Part of cxgov.lib.residency (same package): the regions a plan or manifest of the system
#   names, each with the path of the field that names it (`path`, for the finding's line).
package cxgov.lib.residency

import rego.v1

import data.cxgov.lib.geo
# ---------------------------------------------------------------------------------------------
# Terraform: the locations a plan names. Each is {provider, region, address, attribute, path}:
#   resource region/location, Google zones and AWS availability zones (as their region),
#   provider blocks, S3 replication destinations (when the destination bucket is in the plan),
#   AWS Backup copy_action destination vaults, GCS custom_placement_config data_locations and the
#   secondary region of Azure geo-redundant storage (ref.regions.azure_pairs). `path` is the
#   field of the plan document that names the region.
# ---------------------------------------------------------------------------------------------

tf_locations(plan) := ((((((resource_locs | zone_locs) | provider_locs) | replication_locs) | backup_locs) | placement_locs) | grs_locs) if {
	resource_locs := {loc |
		some i, rc in plan.resource_changes
		live(rc)
		some attr in {"region", "location"}
		is_string(rc.change.after[attr])
		rc.change.after[attr] != ""
		loc := {"provider": provider_of(rc.type), "region": rc.change.after[attr], "address": rc.address, "attribute": attr, "path": after_path(i, attr)}
	}
	zone_locs := {loc |
		some i, rc in plan.resource_changes
		live(rc)
		some attr in {"zone", "availability_zone"}
		z := rc.change.after[attr]
		is_string(z)
		r := zone_region(provider_of(rc.type), z)
		loc := {"provider": provider_of(rc.type), "region": r, "address": rc.address, "attribute": attr, "path": after_path(i, attr)}
	}
	provider_locs := {loc |
		some name
		cfg := plan.configuration.provider_config[name]
		not cfg.cxgov_declared_in # a .tf file's provider borrowed from a sibling file: judged there, once
		is_string(cfg.expressions.region.constant_value)
		loc := {"provider": provider_of(name), "region": cfg.expressions.region.constant_value, "address": sprintf("provider.%s", [name]), "attribute": "provider region", "path": provider_path(plan, name)}
	}
	replication_locs := {loc |
		some i, rc in plan.resource_changes
		live(rc)
		rc.type == "aws_s3_bucket_replication_configuration"
		some j, rule in rc.change.after.rule
		some k, dest in rule.destination
		some target in replication_targets(plan, rc, j, k, dest)
		some r in resource_regions(plan, target)
		loc := {"provider": "aws", "region": r, "address": rc.address, "attribute": sprintf("replication destination %s", [target]), "path": after_path(i, sprintf("rule.%d.destination.%d.bucket", [j, k]))}
	}
	backup_locs := {loc |
		some i, rc in plan.resource_changes
		live(rc)
		rc.type == "aws_backup_plan"
		some j, rule in rc.change.after.rule
		some k, action in rule.copy_action
		some r in copy_regions(plan, rc, j, k, action)
		loc := {"provider": "aws", "region": r, "address": rc.address, "attribute": "copy_action destination vault", "path": after_path(i, sprintf("rule.%d.copy_action.%d.destination_vault_arn", [j, k]))}
	}
	placement_locs := {loc |
		some i, rc in plan.resource_changes
		live(rc)
		rc.type == "google_storage_bucket"
		some j, cfg in rc.change.after.custom_placement_config
		some k, dl in cfg.data_locations
		is_string(dl)
		loc := {"provider": "gcp", "region": geo.normalize(dl), "address": rc.address, "attribute": "custom_placement_config data_locations", "path": after_path(i, sprintf("custom_placement_config.%d.data_locations.%d", [j, k]))}
	}
	grs_locs := {loc |
		some i, rc in plan.resource_changes
		live(rc)
		geo_redundant(rc)
		pair := azure_pair(rc)
		loc := {"provider": "azure", "region": pair, "address": rc.address, "attribute": sprintf("geo-redundant secondary of %s", [rc.change.after.location]), "path": after_path(i, "account_replication_type")}
	}
}

after_path(i, attr) := sprintf("resource_changes.%d.change.after.%s", [i, attr])

# a provider block's region; an alias key (aws.us) holds a dot, which a dotted path into JSON
# cannot spell, so there the path stops at provider_config (a `.tf` source maps the dotted key)
provider_path(plan, name) := sprintf("configuration.provider_config.%s.expressions.region", [name]) if {
	not contains(name, ".")
} else := sprintf("configuration.provider_config.%s", [name]) if {
	plan.cxgov_source == "terraform-hcl"
} else := "configuration.provider_config"

# what a plan replicates to a place cxgov cannot name (RES-008 reports these)
tf_unresolved(plan) := {u |
	some i, rc in plan.resource_changes
	live(rc)
	geo_redundant(rc)
	not azure_pair(rc)
	u := {"address": rc.address, "path": after_path(i, "account_replication_type"), "what": sprintf("%s replication from %v goes to a secondary region that ref.regions.azure_pairs does not name", [rc.change.after.account_replication_type, location_name(rc)])}
}

# the secondary region of an Azure geo-redundant account; undefined as a whole when the account
# names no location or ref.regions.azure_pairs has no pair for it, so `not azure_pair(rc)` holds
azure_pair(rc) := pair if {
	pair := ref.regions.azure_pairs[geo.normalize(rc.change.after.location)]
	is_string(pair)
}

location_name(rc) := rc.change.after.location if is_string(rc.change.after.location)

location_name(rc) := "(no location)" if not is_string(object.get(rc, ["change", "after", "location"], null))

live_changes(plan) := [rc | some rc in plan.resource_changes; live(rc)]

live(rc) if {
	is_object(rc.change.after)
	not "delete" in object.get(rc, ["change", "actions"], [])
}

geo_redundant(rc) if {
	rc.type == "azurerm_storage_account"
	upper(rc.change.after.account_replication_type) in {upper(t) | some t in transfers.grs_replication_types}
}

# "europe-west4-a" -> "europe-west4" (Google), "eu-west-1a" -> "eu-west-1" (AWS)
zone_region("gcp", z) := r if {
	regex.match(`^[a-z]+-[a-z]+[0-9]+-[a-z]$`, z)
	r := regex.replace(z, `-[a-z]$`, "")
}

zone_region("aws", z) := r if {
	regex.match(`^[a-z]+(-[a-z]+)+-[0-9]+[a-z]$`, z)
	r := regex.replace(z, `[a-z]$`, "")
}

provider_of(name) := "aws" if startswith(name, "aws")

provider_of(name) := "gcp" if startswith(name, "google")

provider_of(name) := "azure" if startswith(name, "azurerm")

provider_of(name) := "" if {
	not startswith(name, "aws")
	not startswith(name, "google")
	not startswith(name, "azurerm")
}

# the configuration address of a resource change (type.name, with its module when it has one)
config_address(rc) := sprintf("%s.%s", [rc.type, rc.name]) if not rc.module_address

config_address(rc) := sprintf("%s.%s.%s", [rc.module_address, rc.type, rc.name]) if rc.module_address

config_resources(plan) := object.get(object.get(object.get(plan, "configuration", {}), "root_module", {}), "resources", [])

after_regions(plan, caddr) := {r |
	some rc in live_changes(plan)
	config_address(rc) == caddr
	r := rc.change.after.region
	is_string(r)
	r != ""
}

# the regions of the resource at a configuration address: its own `region` (AWS provider v6),
# else the region of the provider configuration it uses
resource_regions(plan, caddr) := after_regions(plan, caddr) if count(after_regions(plan, caddr)) > 0

resource_regions(plan, caddr) := {r |
	some res in config_resources(plan)
	res.address == caddr
	r := plan.configuration.provider_config[object.get(res, "provider_config_key", "")].expressions.region.constant_value
	is_string(r)
} if count(after_regions(plan, caddr)) == 0

# the aws_s3_bucket addresses destination k of rule j of a replication configuration copies to: by
# a constant ARN naming a bucket of the plan, or by reference in the configuration
replication_targets(plan, rc, j, k, dest) := by_arn | by_reference if {
	by_arn := {caddr |
		is_string(dest.bucket)
		name := bucket_name(dest.bucket)
		some b in live_changes(plan)
		b.type == "aws_s3_bucket"
		b.change.after.bucket == name
		caddr := config_address(b)
	}
	by_reference := {target |
		some res in config_resources(plan)
		res.address == config_address(rc)
		some target in res.expressions.rule[j].destination[k].bucket.references
		startswith(target, "aws_s3_bucket.")
		count(split(target, ".")) == 2
	}
}

bucket_name(arn) := name if {
	startswith(arn, "arn:")
	name := split(arn, ":::")[1]
}

bucket_name(arn) := arn if not startswith(arn, "arn:")

# destination regions of copy action k of rule j of an aws_backup_plan: from the vault ARN
# (arn:aws:backup:<region>:...) or the referenced aws_backup_vault's region
copy_regions(plan, rc, j, k, action) := by_arn | by_reference if {
	by_arn := {r |
		is_string(action.destination_vault_arn)
		parts := split(action.destination_vault_arn, ":")
		count(parts) > 3
		r := parts[3]
		r != ""
	}
	by_reference := {r |
		some res in config_resources(plan)
		res.address == config_address(rc)
		some target in res.expressions.rule[j].copy_action[k].destination_vault_arn.references
		startswith(target, "aws_backup_vault.")
		count(split(target, ".")) == 2
		some r in resource_regions(plan, target)
	}
}

# ---------------------------------------------------------------------------------------------
# Kubernetes: regions a workload is pinned to or prefers (node affinity, node selector)
# ---------------------------------------------------------------------------------------------

region_keys := {"topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"}

pod_spec_of(doc) := doc.spec.jobTemplate.spec.template.spec if doc.kind == "CronJob"

pod_spec_of(doc) := doc.spec if doc.kind == "Pod"

pod_spec_of(doc) := doc.spec.template.spec if not object.get(doc, "kind", null) in {"CronJob", "Pod"}

# the regions a workload's pod spec pins it to or prefers, each with the path of the field that
# names it ({"region", "path"}); a node selector's key holds dots, so its path stops at nodeSelector
k8s_placements(doc) := (required | preferred) | selector if {
	spec := pod_spec_of(doc)
	at := pod_spec_path(doc)
	affinity := sprintf("%s.affinity.nodeAffinity", [at])
	required := {{"region": r, "path": sprintf("%s.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.%d.matchExpressions.%d.values.%d", [affinity, t, e, v])} |
		some t, term in spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms
		some e, expr in term.matchExpressions
		expr.key in region_keys
		expr.operator == "In"
		some v, r in expr.values
	}
	preferred := {{"region": r, "path": sprintf("%s.preferredDuringSchedulingIgnoredDuringExecution.%d.preference.matchExpressions.%d.values.%d", [affinity, p, e, v])} |
		some p, pref in spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution
		some e, expr in pref.preference.matchExpressions
		expr.key in region_keys
		expr.operator == "In"
		some v, r in expr.values
	}
	selector := {{"region": r, "path": sprintf("%s.nodeSelector", [at])} | some key in region_keys; r := spec.nodeSelector[key]}
}

k8s_placements(doc) := set() if not pod_spec_of(doc)

k8s_regions(doc) := {p.region | some p in k8s_placements(doc)}

pod_spec_path(doc) := "spec.jobTemplate.spec.template.spec" if doc.kind == "CronJob"

pod_spec_path(doc) := "spec" if doc.kind == "Pod"

pod_spec_path(doc) := "spec.template.spec" if not object.get(doc, "kind", null) in {"CronJob", "Pod"}
