# METADATA
# title: Processing locations (PL) of the system view
# description: >-
#   Every place personal data may be handled, from the descriptor (services, stores with their
#   replicas and backups, log sinks, AI providers' destinations and support access) and from the
#   system's Terraform plans and Kubernetes manifests. Each location names where it was declared
#   (path, for the finding's line) and whether personal data goes there. The transfer chain
#   (verdict) says, for one country and its recipient, which of RES-002..RES-005 owns the outcome.
package cxgov.lib.residency

import rego.v1

import data.cxgov.lib.dates
import data.cxgov.lib.evidence
import data.cxgov.lib.geo
import data.cxgov.lib.subject

d := subject.descriptor

config := data.cxgov.config

ref := data.cxgov.ref

# residency-specific reference data (policies/data/residency_transfers.json)
transfers := ref.residency_transfers

# total functions: an undefined value inside a location object would drop the whole location
personal(x) := true if x.contains_personal_data == true

personal(x) := true if x.special_category == true

personal(x) := false if {
	not x.contains_personal_data == true
	not x.special_category == true
}

# a data store holds personal data when it says so or when its data kind is a personal one
store_personal(s) := true if personal(s)

store_personal(s) := true if object.get(s, "data_kind", "") in personal_kinds

store_personal(s) := false if {
	not personal(s)
	not object.get(s, "data_kind", "") in personal_kinds
}

locations contains {"path": sprintf("services.%d", [i]), "resource": sprintf("service %s", [s.name]), "provider": object.get(s, "provider", ""), "region": s.region, "personal": personal(s)} if {
	some i, s in d.services
	is_string(s.region)
}

locations contains {"path": sprintf("data_stores.%d", [i]), "resource": sprintf("data store %s", [s.name]), "provider": object.get(s, "provider", ""), "region": r, "personal": store_personal(s)} if {
	some i, s in d.data_stores
	some r in array.concat(array.concat([s.region], object.get(s, "replica_regions", [])), object.get(object.get(s, "backup", {}), "regions", []))
	is_string(r)
}

locations contains {"path": sprintf("log_sinks.%d", [i]), "resource": sprintf("log sink %s", [s.name]), "provider": object.get(s, "provider", ""), "region": s.region, "personal": sink_personal(s)} if {
	some i, s in d.log_sinks
	is_string(s.region)
}

locations contains {"path": sprintf("ai_providers.%d", [i]), "resource": sprintf("AI provider %s", [p.name]), "provider": provider_cloud(p), "region": r, "personal": true} if {
	some i, p in d.ai_providers
	some r in array.concat([object.get(p, "region", null)], object.get(p, "destination_regions", []))
	is_string(r)
}

# Terraform and Kubernetes locations of the system's other documents
locations contains {"path": "", "resource": sprintf("%s (%s)", [loc.address, doc.file]), "provider": loc.provider, "region": loc.region, "personal": true, "file": doc.file, "line": doc.line} if {
	some doc in subject.documents("terraform-plan")
	some loc in tf_locations(doc.document)
}

locations contains {"path": "", "resource": sprintf("%s (%s)", [doc.id, doc.file]), "provider": "", "region": r, "personal": true, "file": doc.file, "line": doc.line} if {
	some doc in subject.documents("kubernetes")
	some r in k8s_regions(doc.document)
}

sink_personal(s) := true if personal(s)

sink_personal(s) := true if carries_personal_kind(s)

sink_personal(s) := false if {
	not personal(s)
	not carries_personal_kind(s)
}

carries_personal_kind(s) if {
	some k in object.get(s, "data_kinds", [])
	k in personal_kinds
}

personal_kinds := {"transcript", "ai_event", "pii", "customer_record"}

provider_cloud(p) := "azure" if p.service == "azure_openai"

provider_cloud(p) := "aws" if p.service == "bedrock"

provider_cloud(p) := "gcp" if p.service == "vertex_ai"

provider_cloud(p) := "" if not object.get(p, "service", null) in {"azure_openai", "bedrock", "vertex_ai"}

# ---------------------------------------------------------------------------------------------
# Terraform: the locations a plan names. Each is {provider, region, address, attribute}:
#   resource region/location, Google zones and AWS availability zones (as their region),
#   provider blocks, S3 replication destinations (when the destination bucket is in the plan),
#   AWS Backup copy_action destination vaults, GCS custom_placement_config data_locations and the
#   secondary region of Azure geo-redundant storage (ref.regions.azure_pairs).
# ---------------------------------------------------------------------------------------------

tf_locations(plan) := ((((((resource_locs | zone_locs) | provider_locs) | replication_locs) | backup_locs) | placement_locs) | grs_locs) if {
	resource_locs := {loc |
		some rc in live_changes(plan)
		some attr in {"region", "location"}
		is_string(rc.change.after[attr])
		rc.change.after[attr] != ""
		loc := {"provider": provider_of(rc.type), "region": rc.change.after[attr], "address": rc.address, "attribute": attr}
	}
	zone_locs := {loc |
		some rc in live_changes(plan)
		some attr in {"zone", "availability_zone"}
		z := rc.change.after[attr]
		is_string(z)
		r := zone_region(provider_of(rc.type), z)
		loc := {"provider": provider_of(rc.type), "region": r, "address": rc.address, "attribute": attr}
	}
	provider_locs := {loc |
		some name
		cfg := plan.configuration.provider_config[name]
		is_string(cfg.expressions.region.constant_value)
		loc := {"provider": provider_of(name), "region": cfg.expressions.region.constant_value, "address": sprintf("provider.%s", [name]), "attribute": "provider region"}
	}
	replication_locs := {loc |
		some rc in live_changes(plan)
		rc.type == "aws_s3_bucket_replication_configuration"
		some target in replication_targets(plan, rc)
		some r in resource_regions(plan, target)
		loc := {"provider": "aws", "region": r, "address": rc.address, "attribute": sprintf("replication destination %s", [target])}
	}
	backup_locs := {loc |
		some rc in live_changes(plan)
		rc.type == "aws_backup_plan"
		some r in copy_regions(plan, rc)
		loc := {"provider": "aws", "region": r, "address": rc.address, "attribute": "copy_action destination vault"}
	}
	placement_locs := {loc |
		some rc in live_changes(plan)
		rc.type == "google_storage_bucket"
		some cfg in rc.change.after.custom_placement_config
		some dl in cfg.data_locations
		is_string(dl)
		loc := {"provider": "gcp", "region": geo.normalize(dl), "address": rc.address, "attribute": "custom_placement_config data_locations"}
	}
	grs_locs := {loc |
		some rc in live_changes(plan)
		geo_redundant(rc)
		pair := azure_pair(rc)
		loc := {"provider": "azure", "region": pair, "address": rc.address, "attribute": sprintf("geo-redundant secondary of %s", [rc.change.after.location])}
	}
}

# what a plan replicates to a place cxgov cannot name (RES-008 reports these)
tf_unresolved(plan) := {u |
	some rc in live_changes(plan)
	geo_redundant(rc)
	not azure_pair(rc)
	u := {"address": rc.address, "what": sprintf("%s replication from %v goes to a secondary region that ref.regions.azure_pairs does not name", [rc.change.after.account_replication_type, location_name(rc)])}
}

# the secondary region of an Azure geo-redundant account; undefined as a whole when the account
# names no location or ref.regions.azure_pairs has no pair for it, so `not azure_pair(rc)` holds
azure_pair(rc) := pair if {
	pair := ref.regions.azure_pairs[geo.normalize(rc.change.after.location)]
	is_string(pair)
}

location_name(rc) := rc.change.after.location if is_string(rc.change.after.location)

location_name(rc) := "(no location)" if not is_string(object.get(rc, ["change", "after", "location"], null))

live_changes(plan) := [rc |
	some rc in plan.resource_changes
	is_object(rc.change.after)
	not "delete" in object.get(rc, ["change", "actions"], [])
]

geo_redundant(rc) if {
	rc.type == "azurerm_storage_account"
	upper(rc.change.after.account_replication_type) in {upper(t) | some t in transfers.grs_replication_types}
}

# "europe-west4-a" -> "europe-west4" (Google), "eu-west-1a" -> "eu-west-1" (AWS)
zone_region("gcp", z) := r if {
	regex.match(`^[a-z]+-[a-z]+[0-9]+-[a-z]$`, z)
	r := clean(regex.replace(z, `-[a-z]$`, ""))
}

zone_region("aws", z) := r if {
	regex.match(`^[a-z]+(-[a-z]+)+-[0-9]+[a-z]$`, z)
	r := clean(regex.replace(z, `[a-z]$`, ""))
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

# the aws_s3_bucket addresses a replication configuration copies to: by a constant ARN naming a
# bucket of the plan, or by reference in the configuration
replication_targets(plan, rc) := by_arn | by_reference if {
	by_arn := {caddr |
		some rule in rc.change.after.rule
		some dest in rule.destination
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
		some rule in res.expressions.rule
		some dest in rule.destination
		some target in dest.bucket.references
		startswith(target, "aws_s3_bucket.")
		count(split(target, ".")) == 2
	}
}

bucket_name(arn) := name if {
	startswith(arn, "arn:")
	name := split(arn, ":::")[1]
}

bucket_name(arn) := arn if not startswith(arn, "arn:")

# destination regions of an aws_backup_plan's copy actions: from the vault ARN
# (arn:aws:backup:<region>:...) or the referenced aws_backup_vault's region
copy_regions(plan, rc) := by_arn | by_reference if {
	by_arn := {r |
		some rule in rc.change.after.rule
		some ca in rule.copy_action
		is_string(ca.destination_vault_arn)
		parts := split(ca.destination_vault_arn, ":")
		count(parts) > 3
		r := parts[3]
		r != ""
	}
	by_reference := {r |
		some res in config_resources(plan)
		res.address == config_address(rc)
		some rule in res.expressions.rule
		some ca in rule.copy_action
		some target in ca.destination_vault_arn.references
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

k8s_regions(doc) := (required | preferred) | selector if {
	spec := pod_spec_of(doc)
	required := {r |
		some term in spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms
		some expr in term.matchExpressions
		expr.key in region_keys
		expr.operator == "In"
		some r in expr.values
	}
	preferred := {r |
		some pref in spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution
		some expr in pref.preference.matchExpressions
		expr.key in region_keys
		expr.operator == "In"
		some r in expr.values
	}
	selector := {r | some key in region_keys; r := spec.nodeSelector[key]}
}

k8s_regions(doc) := set() if not pod_spec_of(doc)

# the line of a field of a descriptor entry ("ai_providers.0", "model_id"), else of the entry
field_loc(path, field) := subject.loc(concat(".", [path, field]))

# where a location's finding points: the descriptor field, or the other document
loc(l) := {"file": l.file, "line": l.line} if l.file

loc(l) := subject.loc(l.path) if not l.file

# ---------------------------------------------------------------------------------------------
# The transfer chain (RES-002 .. RES-005) over the descriptor's personal-data places.
#
# A place is {path, resource, where, missing, countries, kinds, recipients, party}: a descriptor
# location holding personal data (a region, or a vendor's country), the countries it resolves to
# (empty when it does not resolve or was not declared: `missing`), the data kinds it holds, and
# the recipients whose transfer fields (transfer_mechanism, dpf_*, scc_module, tia_ref, role)
# cover it: an AI provider or vendor itself; for a service, data store or log sink, the vendors[]
# entry named by its `vendor` (log sinks) or `provider`, or listing its name under `services`.
# Terraform and Kubernetes locations are not places: RES-008 requires each to be declared in the
# descriptor, and the declaration is what the chain judges.
# ---------------------------------------------------------------------------------------------

# The embedded engine's tests cannot replace data (`with data.x as`), so unit tests set the
# residency profile and the DPF switch through input.test_overrides; cxgov builds the system
# view itself and never sets that key, so in a real run the values come from data.
overrides := object.get(input, "test_overrides", {})

profile := object.get(overrides, "residency_profile", object.get(config, "residency_profile", "eea_or_adequacy"))

mechanisms := {"scc", "bcr"}

places contains pl if {
	some l in locations
	not l.file
	l.personal == true
	pl := place(l.path, sprintf("region %s", [l.region]), false, geo_countries(l.provider, l.region))
}

places contains pl if {
	some i, v in d.vendors
	is_string(v.country)
	pl := place(sprintf("vendors.%d", [i]), sprintf("country %s", [v.country]), false, country_codes(v.country))
}

# personal data with no location at all: fail closed
places contains pl if {
	some i, v in d.vendors
	not is_string(object.get(v, "country", null))
	pl := place(sprintf("vendors.%d", [i]), clean("no country declared"), true, set())
}

places contains pl if {
	some i, s in d.services
	personal(s)
	not is_string(object.get(s, "region", null))
	pl := place(sprintf("services.%d", [i]), clean("no region declared"), true, set())
}

places contains pl if {
	some i, s in d.data_stores
	store_personal(s)
	not is_string(object.get(s, "region", null))
	pl := place(sprintf("data_stores.%d", [i]), clean("no region declared"), true, set())
}

places contains pl if {
	some i, s in d.log_sinks
	sink_personal(s)
	not is_string(object.get(s, "region", null))
	not geo.saas_country(object.get(s, "endpoint", ""))
	pl := place(sprintf("log_sinks.%d", [i]), clean("no region declared and no known endpoint host"), true, set())
}

places contains pl if {
	some i, p in d.ai_providers
	not is_string(object.get(p, "region", null))
	count([r | some r in object.get(p, "destination_regions", []); is_string(r)]) == 0
	pl := place(sprintf("ai_providers.%d", [i]), clean("no region or destination_regions declared"), true, set())
}

place(path, where, missing, countries) := {
	"path": path,
	"resource": resource_label(section(path), entry(path)),
	"where": where,
	"missing": missing,
	"countries": countries,
	"kinds": kinds(section(path), entry(path)),
	"recipients": recipients(section(path), entry(path)),
	"party": party_name(section(path), entry(path)),
}

section(path) := split(path, ".")[0]

entry(path) := d[section(path)][to_number(split(path, ".")[1])]

resource_label("services", x) := sprintf("service %s", [x.name])

resource_label("data_stores", x) := sprintf("data store %s", [x.name])

resource_label("log_sinks", x) := sprintf("log sink %s", [x.name])

resource_label("ai_providers", x) := sprintf("AI provider %s", [x.name])

resource_label("vendors", x) := sprintf("vendor %s", [x.name])

geo_countries(provider, region) := cs if cs := geo.countries(provider, region)

geo_countries(provider, region) := set() if not geo.countries(provider, region)

# an ISO 3166 alpha-2 code in any letter case ("NO" is Norway, not a YAML false)
country_codes(c) := {clean(upper(c))} if {
	is_string(c)
	regex.match(`^[A-Za-z]{2}$`, c)
}

country_codes(c) := set() if not is_string(c)

country_codes(c) := set() if {
	is_string(c)
	not regex.match(`^[A-Za-z]{2}$`, c)
}

kinds("data_stores", x) := [x.data_kind] if is_string(x.data_kind)

kinds("data_stores", x) := [] if not is_string(object.get(x, "data_kind", null))

kinds("log_sinks", x) := object.get(x, "data_kinds", [])

kinds(sec, _) := [] if not sec in {"data_stores", "log_sinks"}

# the parties whose transfer fields cover a descriptor entry
recipients(sec, x) := [x] if sec in {"ai_providers", "vendors"}

recipients(sec, x) := [v | some v in object.get(d, "vendors", []); serves(v, x)] if {
	not sec in {"ai_providers", "vendors"}
}

serves(v, x) if lower(v.name) == lower(party(x))

serves(v, x) if x.name in object.get(v, "services", [])

# who runs a service, store or sink: a log sink's vendor, else the hosting provider
party(x) := x.vendor if is_string(x.vendor)

party(x) := x.provider if {
	not is_string(object.get(x, "vendor", null))
	is_string(x.provider)
}

party_name(sec, x) := x.name if sec in {"ai_providers", "vendors"}

party_name(sec, x) := p if {
	not sec in {"ai_providers", "vendors"}
	p := party(x)
}

party_name(sec, x) := "" if {
	not sec in {"ai_providers", "vendors"}
	not party(x)
}

# how a finding names a place and one of its countries
at(p, c) := p.where if startswith(p.where, "country ")

at(p, c) := sprintf("%s (%s)", [p.where, c]) if not startswith(object.get(p, "where", ""), "country ")

# the recipient objects of log sink i (for rules judging a sink's endpoint)
sink_recipients(s) := recipients("log_sinks", s)

# ---------------------------------------------------------------------------------------------
# The verdict for one country of a place: {"rule": "pass" | "RES-002" | "RES-003" | "RES-004" |
# "RES-005", "why": reason}. Exactly one rule owns each failure:
#   EEA                                   -> pass
#   any other country under eea_only      -> RES-002
#   adequate country, decision's scope met -> pass; scope not met -> RES-002 (or RES-004 when
#                                            the profile allows mechanisms and one is declared)
#   US (requires_dpf)                     -> pass with a valid DPF certification; otherwise
#                                            RES-003 (or RES-004 when ref.adequacy.dpf_valid is
#                                            off, or the profile allows mechanisms and one is
#                                            declared)
#   any other third country               -> RES-004 (an Art 46 safeguard, only under
#                                            mechanisms_allowed); an Art 49 derogation there is
#                                            RES-005's
# ---------------------------------------------------------------------------------------------

verdict(p, c) := {"rule": "pass", "why": ""} if passes(p, c)

verdict(p, c) := judge(c, first(p.recipients), p.kinds, p.party) if not passes(p, c)

passes(p, c) if {
	some x in p.recipients
	judge(c, x, p.kinds, p.party).rule == "pass"
}

# the verdict for a country and a single recipient (null when none is declared)
country_verdict(c, x, party) := judge(c, x, [], party)

# RES-005 reports Art 49 derogations itself; for other rules they are not a residency failure
allowed(v) if v.rule in {"pass", "RES-005"}

first(xs) := xs[0] if count(xs) > 0

first(xs) := null if count(xs) == 0

judge(c, _, _, _) := {"rule": "pass", "why": ""} if geo.eea(c)

judge(c, _, _, _) := {"rule": "RES-002", "why": sprintf("%s is outside the EEA and the residency profile is eea_only", [c])} if {
	not geo.eea(c)
	profile == "eea_only"
}

judge(c, x, kinds, party) := third_country(c, x, kinds, party) if {
	not geo.eea(c)
	profile != "eea_only"
}

# adequate country (not one whose adequacy depends on DPF certification)
third_country(c, x, kinds, party) := {"rule": "pass", "why": ""} if {
	geo.adequate(c)
	not requires_dpf(c)
	count(scope_problems(c, x, kinds, party)) == 0
}

third_country(c, x, kinds, party) := art46(c, x, party, why) if {
	geo.adequate(c)
	not requires_dpf(c)
	problems := scope_problems(c, x, kinds, party)
	count(problems) > 0
	mechanism_route(x)
	why := joined(problems)
}

third_country(c, x, kinds, party) := {"rule": "RES-002", "why": joined(problems)} if {
	geo.adequate(c)
	not requires_dpf(c)
	problems := scope_problems(c, x, kinds, party)
	count(problems) > 0
	not mechanism_route(x)
}

# the US: adequate only for organisations certified under the EU-US Data Privacy Framework
third_country(c, x, _, party) := {"rule": "pass", "why": ""} if {
	requires_dpf(c)
	dpf_valid
	count(dpf_problems(x, party)) == 0
}

third_country(c, x, _, party) := art46(c, x, party, sprintf("%s adequacy depends on the DPF, which ref.adequacy.dpf_valid marks invalid", [c])) if {
	requires_dpf(c)
	not dpf_valid
}

third_country(c, x, _, party) := art46(c, x, party, joined(problems)) if {
	requires_dpf(c)
	dpf_valid
	problems := dpf_problems(x, party)
	count(problems) > 0
	mechanism_route(x)
}

third_country(c, x, _, party) := {"rule": "RES-003", "why": joined(problems)} if {
	requires_dpf(c)
	dpf_valid
	problems := dpf_problems(x, party)
	count(problems) > 0
	not mechanism_route(x)
}

# no adequacy decision
third_country(c, x, _, party) := art46(c, x, party, sprintf("%s has no adequacy decision", [c])) if {
	not geo.adequate(c)
}

requires_dpf(c) if ref.adequacy.countries[c].requires_dpf == true

dpf_valid if object.get(overrides, "dpf_valid", object.get(ref.adequacy, "dpf_valid", false)) == true

# the recipient declares a mechanism the profile lets RES-004/RES-005 judge instead
mechanism_route(x) if {
	profile == "mechanisms_allowed"
	x.transfer_mechanism in (mechanisms | {"art49"})
}

as_object(x) := x if is_object(x)

as_object(x) := {} if not is_object(x)

mechanism(x) := m if {
	m := x.transfer_mechanism
	is_string(m)
}

mechanism(x) := "not declared" if not is_string(object.get(x, "transfer_mechanism", null))

no_recipient(party) := sprintf("no vendors[] entry names %s", [party]) if party != ""

no_recipient("") := "the location names no provider or vendor to hold a transfer safeguard"

# why the adequacy decision does not cover this place (empty when it does)
scope_problems(c, x, kinds, party) := (expired | required) | excluded if {
	entry := object.get(ref.adequacy.countries, c, {})
	xo := as_object(x)
	lacks := lacks_scope(x, party)
	declared := object.get(xo, "adequacy_scope", [])
	excludes := object.get(entry, "excludes", [])
	expired := {m |
		vu := entry.valid_until
		dates.before(vu, dates.today)
		m := sprintf("the %s adequacy decision expired on %s", [c, vu])
	}
	required := {m |
		req := entry.scope_required
		not req in declared
		m := sprintf("the %s adequacy decision covers only %s, and %s adequacy_scope %s", [c, scope_text(entry, req), lacks, req])
	}
	excluded := {m |
		some k in kinds
		k in excludes
		m := sprintf("the %s adequacy decision excludes %s data", [c, k])
	}
}

scope_text(entry, _) := entry.scope if is_string(entry.scope)

scope_text(entry, req) := req if not is_string(object.get(entry, "scope", null))

# "<recipient> does not declare", or why no recipient can
lacks_scope(x, _) := sprintf("%s does not declare", [x.name]) if is_object(x)

lacks_scope(x, party) := sprintf("%s to declare", [no_recipient(party)]) if not is_object(x)

# why a US recipient is not covered by the DPF (empty when it is)
dpf_problems(x, party) := {no_recipient(party)} if not is_object(x)

dpf_problems(x, _) := (((certified | scope) | checked) | stale) | future if {
	is_object(x)
	name := x.name
	max_age := config.thresholds.dpf_check_max_days
	wanted := transfers.dpf_required_scope
	dpf_scope := object.get(x, "dpf_scope", [])
	checked_at := object.get(x, "dpf_checked_at", null)
	certified := {m | not x.dpf_certified == true; m := sprintf("%s is not DPF certified (dpf_certified)", [name])}
	scope := {m | not wanted in dpf_scope; m := sprintf("%s's DPF scope does not include %s (dpf_scope)", [name, wanted])}
	checked := {m | not is_string(checked_at); m := sprintf("%s's DPF listing was never checked (dpf_checked_at)", [name])}
	stale := {m |
		is_string(checked_at)
		age := dates.age_days(checked_at)
		age > max_age
		m := sprintf("%s's DPF listing was checked %v days ago (at most %v)", [name, age, max_age])
	}
	future := {m |
		is_string(checked_at)
		dates.age_days(checked_at) < 0
		m := sprintf("%s's dpf_checked_at %s is after the evaluation date", [name, checked_at])
	}
}

# Art 46 safeguards (RES-004); an Art 49 derogation is RES-005's
art46(_, _, _, why) := {"rule": "RES-004", "why": sprintf("%s; an Art 46 safeguard would be needed and the residency profile %s allows none", [why, profile])} if {
	profile != "mechanisms_allowed"
}

art46(_, x, party, why) := {"rule": "RES-004", "why": sprintf("%s; %s", [why, no_recipient(party)])} if {
	profile == "mechanisms_allowed"
	not is_object(x)
}

art46(_, x, _, why) := {"rule": "RES-005", "why": sprintf("%s; %s relies on an Art 49 derogation", [why, x.name])} if {
	profile == "mechanisms_allowed"
	is_object(x)
	x.transfer_mechanism == "art49"
}

art46(_, x, _, why) := {"rule": "RES-004", "why": sprintf("%s; %s's transfer_mechanism is %s (needs scc or bcr)", [why, x.name, mechanism(x)])} if {
	profile == "mechanisms_allowed"
	is_object(x)
	not object.get(x, "transfer_mechanism", null) in (mechanisms | {"art49"})
}

art46(_, x, _, why) := {"rule": "RES-004", "why": sprintf("%s; %s uses %s but %s", [why, x.name, x.transfer_mechanism, joined(problems)])} if {
	profile == "mechanisms_allowed"
	is_object(x)
	x.transfer_mechanism in mechanisms
	problems := safeguard_problems(x)
	count(problems) > 0
}

art46(_, x, _, _) := {"rule": "pass", "why": ""} if {
	profile == "mechanisms_allowed"
	is_object(x)
	x.transfer_mechanism in mechanisms
	count(safeguard_problems(x)) == 0
}

# TIA evidence, and for SCCs the module that fits the recipient's role (the system owner is
# taken to be the controller: a processor recipient needs module 2, a sub-processor module 3,
# a controller module 1)
safeguard_problems(x) := tia | module if {
	tia_ref := object.get(x, "tia_ref", null)
	max_age := config.thresholds.tia_max_days
	scc := object.get(x, "transfer_mechanism", "") == "scc"
	wrong_module := module_problems(x)
	tia := {m |
		pr := evidence.problem(tia_ref, max_age)
		m := sprintf("the transfer impact assessment (tia_ref) is %s", [pr])
	}
	module := {m |
		scc
		some m in wrong_module
	}
}

module_problems(x) := (no_role | no_module) | wrong if {
	name := x.name
	role := object.get(x, "role", "")
	modules := transfers.scc_module_for_role
	module := object.get(x, "scc_module", null)
	no_role := {m | not modules[role]; m := sprintf("%s has no role, so the SCC module cannot be checked", [name])}
	no_module := {m | modules[role]; not is_number(module); m := sprintf("%s has no scc_module", [name])}
	wrong := {m |
		want := modules[role]
		is_number(module)
		module != want
		m := sprintf("SCC module %v does not fit %s as %s (module %v)", [module, name, role, want])
	}
}

sort_strings(s) := sort([x | some x in s])

# the identity: a leftover of the previous engine, which quoted some strings in sprintf; its callers
# can drop it
clean(s) := trim(s, "")

joined(problems) := clean(concat("; ", sort_strings(problems)))
