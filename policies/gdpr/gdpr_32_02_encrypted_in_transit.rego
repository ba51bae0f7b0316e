# METADATA
# title: Personal data is encrypted in transit (TLS 1.2 or higher)
# description: >-
#   GDPR Art 32(1)(a): data in transit must be encrypted with current protocols; SSL and TLS 1.0/1.1
#   are deprecated (RFC 8996). The same logic as SOC2-CC6.7-01 on the descriptor: network.tls_min_version
#   must be set and at least TLS 1.2, and so must every services[].endpoints[].tls_min_version that is
#   set (an endpoint without its own value inherits the network's). Versions are read through
#   data.cxgov.ref.security.tls_versions; an unknown spelling fails closed.
# custom:
#   id: GDPR-32-02
#   severity: critical
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.32(1)(a)]
#   remediation: >-
#     Set network.tls_min_version to TLS1.2 (or TLS1.3) and configure every listener, load balancer
#     and CDN to refuse SSL, TLS 1.0 and TLS 1.1; give each endpoint that differs its own
#     tls_min_version of at least TLS1.2.
package cxgov.gdpr.gdpr_32_02

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

versions := data.cxgov.ref.security.tls_versions

tls12 := versions["TLS1.2"]

# "TLSv1.2", "tls 1.2", "TLS1.2" and "1.2" all name the same version
level(v) := versions[v] if is_string(v)

level(v) := versions[spelled(v)] if {
	is_string(v)
	not versions[v]
	versions[spelled(v)]
}

# undefined as a whole when v is below TLS 1.2 or no version cxgov knows
tls12_or_higher(v) if level(v) >= tls12

spelled(v) := replace(replace(upper(trim_space(v)), " ", ""), "TLSV", "TLS")

deny contains result.at("network.tls_min_version is not set (TLS 1.2 or higher cannot be verified)", "network", subject.loc("network.tls_min_version")) if {
	is_object(input.descriptor)
	not is_string(object.get(object.get(d, "network", {}), "tls_min_version", null))
}

deny contains result.at(msg, "network", subject.loc("network.tls_min_version")) if {
	is_object(input.descriptor)
	v := d.network.tls_min_version
	is_string(v)
	not tls12_or_higher(v)
	msg := concat("", ["network.tls_min_version ", v, " ", below(v)])
}

deny contains result.at(msg, concat(" ", ["service", s.name]), subject.loc(path)) if {
	is_object(input.descriptor)
	some i, s in d.services
	some j, e in object.get(s, "endpoints", [])
	v := e.tls_min_version
	is_string(v)
	not tls12_or_higher(v)
	path := sprintf("services.%d.endpoints.%d.tls_min_version", [i, j])
	msg := concat("", ["service ", s.name, ": endpoint ", e.url, " tls_min_version ", v, " ", below(v)])
}

below(v) := "is below TLS 1.2" if level(v) < tls12

below(v) := "is not a TLS version cxgov knows (fail closed)" if not level(v)
