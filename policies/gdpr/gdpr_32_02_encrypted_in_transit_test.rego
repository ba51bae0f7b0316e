package cxgov.gdpr.gdpr_32_02

import rego.v1

import data.cxgov.lib.fixtures.system

test_gdpr_32_02_pass_tls12 if {
	d := {"network": {"tls_min_version": "TLS1.2"}, "services": [{"name": "api", "endpoints": [{"url": "https://chat.example.com", "tls_min_version": "TLSv1.3"}, {"url": "https://x.example.com"}]}]}
	count(deny) == 0 with input as system(d)
}

test_gdpr_32_02_pass_numeric_spelling if {
	count(deny) == 0 with input as system({"network": {"tls_min_version": "1.3"}})
}

test_gdpr_32_02_fail_not_set if {
	r := deny with input as system({"services": [{"name": "api"}]})
	count(r) == 1
	some f in r
	contains(f.msg, "network.tls_min_version is not set")
}

test_gdpr_32_02_fail_network_tls11 if {
	r := deny with input as system({"network": {"tls_min_version": "TLS1.1"}})
	some f in r
	f.msg == "network.tls_min_version TLS1.1 is below TLS 1.2"
}

test_gdpr_32_02_fail_endpoint_tls10 if {
	d := {"network": {"tls_min_version": "TLS1.2"}, "services": [{"name": "api", "endpoints": [{"url": "https://legacy.example.com", "tls_min_version": "TLSv1.0"}]}]}
	r := deny with input as system(d)
	count(r) == 1
	some f in r
	f.msg == "service api: endpoint https://legacy.example.com tls_min_version TLSv1.0 is below TLS 1.2"
}

test_gdpr_32_02_fail_unknown_version if {
	r := deny with input as system({"network": {"tls_min_version": "modern"}})
	some f in r
	contains(f.msg, "is not a TLS version cxgov knows")
}
