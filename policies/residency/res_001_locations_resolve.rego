# METADATA
# title: Every processing location resolves to a country
# description: >-
#   GDPR Chapter V can only be applied to a place cxgov can name. A region that is not in the
#   reference data (a typo, a new region, a `global` or `us` style value) fails closed here rather
#   than passing every residency rule unnoticed.
# custom:
#   id: RES-001
#   severity: critical
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.44]
#   remediation: >-
#     Use a provider region name cxgov knows (see policies/data/regions.json), or add the region
#     with its country to the reference data through review.
package cxgov.residency.res_001

import rego.v1

import data.cxgov.lib.geo
import data.cxgov.lib.residency
import data.cxgov.lib.result

deny contains result.at(msg, l.resource, residency.loc(l)) if {
	some l in residency.locations
	not resolves(l)
	msg := sprintf("%s: region \"%s\" does not resolve to a country", [l.resource, l.region])
}

# a helper undefined as a whole when the location does not resolve (or names no region), so
# `not resolves(l)` holds then on every engine
resolves(l) if geo.known(l.provider, l.region)
