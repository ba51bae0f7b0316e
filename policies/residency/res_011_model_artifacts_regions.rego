# METADATA
# title: Model artifacts and training data stay in allowed regions
# description: >-
#   GDPR Art 44-45 for the model registry: CX models are trained on customer conversations, so the
#   version's artifact location (tag artifact_region, or the region of an S3 URL) and each dataset
#   source whose URL names a region resolve to a country personal data may go to under the
#   residency profile. A region that resolves to no country fails. Locations that name no region
#   (s3:// bucket URIs, MLflow's own artifact store) cannot be resolved from the registry and are
#   not judged here; declare artifact_region for them.
# custom:
#   id: RES-011
#   severity: high
#   gate: deny
#   applies_to: [model-version]
#   frameworks:
#     gdpr: [Art.44, Art.45]
#   remediation: >-
#     Keep model artifacts and training and evaluation data in EEA (or, under eea_or_adequacy, adequate)
#     regions, and tag each version with artifact_region.
package cxgov.residency.res_011

import rego.v1

import data.cxgov.lib.geo
import data.cxgov.lib.model_version as mv
import data.cxgov.lib.result

url_region(uri) := m[0][1] if {
	is_string(uri)
	m := regex.find_all_string_submatch_n(mv.contract.s3_region_pattern, uri, 1)
	count(m) > 0
}

# each URL parsed once: the regex is the costly part of this rule
source_region := url_region(input.source)

locations contains ["artifact", input.tags.artifact_region] if mv.has_tag("artifact_region")

locations contains ["artifact", source_region] if source_region

locations contains [concat("", ["dataset ", object.get(d, "name", "?")]), r] if {
	some d in mv.inputs
	r := url_region(d.source)
}

# the countries of a located region: an exact cloud-region name first (cheap: a registry holds
# many versions), else geo's full resolution (spelling variants, multi-regions)
countries_of(region) := {c} if {
	c := geo.lookup("", region)
} else := geo.countries("", region)

# each region named (the artifact's and the datasets' are usually one) with the countries it
# resolves to, worked out once per version
regions := {region | some [_, region] in locations}

resolved contains [region, cs] if {
	some region in regions
	cs := countries_of(region)
	count(cs) > 0
}

resolved_regions := {region | some [region, _] in resolved}

outside contains [region, bad] if {
	some [region, cs] in resolved
	bad := {c | some c in cs; not geo.allowed_country(c)}
	count(bad) > 0
}

deny contains result.of(concat("", [mv.label, ": ", what, " region ", region, " does not resolve to a country"]), mv.label) if {
	some [what, region] in locations
	not region in resolved_regions
}

deny contains result.of(concat("", [mv.label, ": ", what, " is in ", region, " (", concat(", ", sort(bad)), "), outside the allowed countries"]), mv.label) if {
	some [what, region] in locations
	some [outside_region, bad] in outside
	outside_region == region
}
