# METADATA
# title: Terraform plan helpers
# description: Resources as they will be after apply (deleted ones left out), with their addresses.
package cxgov.lib.terraform

import rego.v1

resources contains {"address": rc.address, "type": rc.type, "name": rc.name, "provider": provider_of(rc), "values": rc.change.after} if {
	some rc in input.resource_changes
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
