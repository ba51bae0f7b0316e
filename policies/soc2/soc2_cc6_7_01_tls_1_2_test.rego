package cxgov.soc2.soc2_cc6_7_01

import rego.v1

import data.cxgov.lib.fixtures.plan
import data.cxgov.lib.fixtures.system
import data.cxgov.lib.terraform

good := {"network": {"tls_min_version": "TLS1.2", "tls13_enabled": true}, "services": [{"name": "api", "endpoints": [{"url": "https://chat.acme.example", "tls_min_version": "TLS1.3"}]}]}

test_soc2_cc6_7_01_pass_descriptor if {
	count(deny) == 0 with input as system(good)
	count(warn) == 0 with input as system(good)
}

test_soc2_cc6_7_01_fail_floor_not_declared if {
	r := deny with input as system({"network": {"tls13_enabled": true}})
	r == {{"msg": "network: tls_min_version is not set (declare the system's TLS floor)", "resource": "network", "_loc": {"file": "cxgov.yaml", "line": 1}}}
}

test_soc2_cc6_7_01_fail_floor_tls10 if {
	r := deny with input as system({"network": {"tls_min_version": "TLS1.0", "tls13_enabled": true}})
	some f in r
	f.msg == "network: tls_min_version TLS1.0 is below TLS 1.2"
}

test_soc2_cc6_7_01_fail_unknown_version if {
	r := deny with input as system({"network": {"tls_min_version": "modern", "tls13_enabled": true}})
	some f in r
	f.msg == "network: tls_min_version modern is an unknown TLS version"
}

# the security reference's versions come first (SSLv3 is 0, a version, not "unknown"); a
# provider's spelling only the aliases know resolves through them
test_soc2_cc6_7_01_version_lookup_reference_then_aliases if {
	tls_num("SSLv3") == 0
	tls_num("TLS1.2") == 12
	tls_num("Tls11") == 11
	tls_num("TLSEnforcementDisabled") == 0
	not tls_num("modern")
	version_problem("SSLv3") == "below TLS 1.2"
	version_problem("Tls11") == "below TLS 1.2"
	not version_problem("Tls12")
}

test_soc2_cc6_7_01_fail_endpoint_tls11 if {
	r := deny with input as system({"network": {"tls_min_version": "TLS1.2", "tls13_enabled": true}, "services": [{"name": "legacy", "endpoints": [{"url": "https://old.acme.example", "tls_min_version": "1.1"}]}]})
	some f in r
	f.msg == "service legacy: endpoint https://old.acme.example allows 1.1 (below TLS 1.2)"
	loc := deny with input as object.union(system({"network": {"tls_min_version": "TLS1.2", "tls13_enabled": true}, "services": [{"name": "legacy", "endpoints": [{"url": "https://old.acme.example", "tls_min_version": "1.1"}]}]}), {"lines": {"services.0.endpoints.0": 20, "services.0.endpoints.0.tls_min_version": 22}})
	{g._loc.line | some g in loc} == {22}
}

test_soc2_cc6_7_01_fail_tls13_off_warns if {
	r := warn with input as system({"network": {"tls_min_version": "TLS1.2", "tls13_enabled": false}})
	count(r) == 1
}

test_soc2_cc6_7_01_pass_plan if {
	inp := plan([
		["aws_lb_listener", "https", {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}],
		["aws_lb_listener", "http", {"protocol": "HTTP"}],
		["aws_cloudfront_distribution", "cdn", {"viewer_certificate": [{"cloudfront_default_certificate": false, "minimum_protocol_version": "TLSv1.2_2021"}]}],
		["azurerm_storage_account", "sa", {"min_tls_version": "TLS1_2"}],
		["azurerm_cosmosdb_account", "db", {"minimal_tls_version": "Tls12"}],
		["azurerm_mssql_server", "sql", {"minimum_tls_version": "1.2"}],
		["azurerm_linux_web_app", "app", {"site_config": [{"minimum_tls_version": "1.3"}]}],
		["google_compute_ssl_policy", "p", {"min_tls_version": "TLS_1_2"}],
		["aws_api_gateway_domain_name", "api", {"security_policy": "TLS_1_2"}],
		["aws_opensearch_domain", "search", {"domain_endpoint_options": [{"tls_security_policy": "Policy-Min-TLS-1-2-2019-07"}]}],
	])
	count(deny) == 0 with input as inp
	count(warn) == 0 with input as inp
}

test_soc2_cc6_7_01_fail_alb_old_policy if {
	r := deny with input as plan([["aws_lb_listener", "https", {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-2016-08"}]])
	some f in r
	f.resource == "aws_lb_listener.https"
	contains(f.msg, "ELBSecurityPolicy-2016-08")
	f._path == "resource_changes.0.change.after.ssl_policy"
}

test_soc2_cc6_7_01_fail_alb_no_tls13_warns if {
	inp := plan([["aws_lb_listener", "https", {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS-1-2-2017-01"}]])
	count(deny) == 0 with input as inp
	count(warn) == 1 with input as inp
}

test_soc2_cc6_7_01_fail_cloudfront_default_cert if {
	r := deny with input as plan([["aws_cloudfront_distribution", "cdn", {"viewer_certificate": [{"cloudfront_default_certificate": true, "minimum_protocol_version": "TLSv1"}]}]])
	count(r) == 1
	{f._path | some f in r} == {"resource_changes.0.change.after.viewer_certificate.0.cloudfront_default_certificate"}
}

test_soc2_cc6_7_01_fail_cloudfront_tls1 if {
	r := deny with input as plan([["aws_cloudfront_distribution", "cdn", {"viewer_certificate": [{"acm_certificate_arn": "arn", "minimum_protocol_version": "TLSv1_2016"}]}]])
	some f in r
	contains(f.msg, "TLSv1_2016 is below TLSv1.2")
}

test_soc2_cc6_7_01_fail_cloudfront_version_not_set if {
	r := deny with input as plan([["aws_cloudfront_distribution", "cdn", {"viewer_certificate": [{"acm_certificate_arn": "arn"}]}]])
	r == {{"msg": "aws_cloudfront_distribution.cdn: viewer_certificate.minimum_protocol_version not set is below TLSv1.2", "resource": "aws_cloudfront_distribution.cdn", "_path": "resource_changes.0.change.after.viewer_certificate.0.minimum_protocol_version"}}
}

test_soc2_cc6_7_01_fail_azure_storage_tls10 if {
	r := deny with input as plan([["azurerm_storage_account", "sa", {"min_tls_version": "TLS1_0"}]])
	r == {{"msg": "azurerm_storage_account.sa: min_tls_version TLS1_0 is below TLS 1.2", "resource": "azurerm_storage_account.sa", "_path": "resource_changes.0.change.after.min_tls_version"}}
}

test_soc2_cc6_7_01_fail_azure_site_config if {
	r := deny with input as plan([["azurerm_windows_web_app", "app", {"site_config": [{"minimum_tls_version": "1.0"}]}]])
	count(r) == 1
	{f._path | some f in r} == {"resource_changes.0.change.after.site_config.0.minimum_tls_version"}
}

test_soc2_cc6_7_01_fail_gcp_ssl_policy if {
	count(deny) == 1 with input as plan([["google_compute_ssl_policy", "p", {"min_tls_version": "TLS_1_0"}]])
}

test_soc2_cc6_7_01_fail_opensearch_policy if {
	r := deny with input as plan([["aws_opensearch_domain", "s", {"domain_endpoint_options": [{"tls_security_policy": "Policy-Min-TLS-1-0-2019-07"}]}]])
	count(r) == 1
	{f._path | some f in r} == {"resource_changes.0.change.after.domain_endpoint_options.0.tls_security_policy"}
}

test_soc2_cc6_7_01_fail_api_gateway_tls10 if {
	r := deny with input as plan([["aws_api_gateway_domain_name", "api", {"security_policy": "TLS_1_0"}]])
	r == {{"msg": "aws_api_gateway_domain_name.api: security_policy TLS_1_0 is below TLS 1.2", "resource": "aws_api_gateway_domain_name.api", "_path": "resource_changes.0.change.after.security_policy"}}
}

test_soc2_cc6_7_01_fail_listener_without_policy if {
	r := deny with input as plan([["aws_lb_listener", "tls", {"protocol": "TLS"}]])
	some f in r
	f.msg == "aws_lb_listener.tls: ssl_policy is not set (not a TLS 1.2+ policy of data.cxgov.ref.security.tls12plus_policies)"
	f._path == "resource_changes.0"
}

# --- a value known only at apply is TF-001's (could not check), not judged here ---

test_soc2_cc6_7_01_unknown_tls_settings_are_tf_001s if {
	doc := terraform.source_doc([
		terraform.expression_row("aws_lb_listener", "https", {"protocol": "HTTPS", "port": 443}, {"ssl_policy": "ssl_policy"}),
		["aws_cloudfront_distribution", "cdn", {"viewer_certificate": [{"minimum_protocol_version": null}]}, {"viewer_certificate": [{"minimum_protocol_version": true}]}, {"viewer_certificate": [{"minimum_protocol_version": terraform.var_ref("tls")}]}],
		["aws_cloudfront_distribution", "cert", {"viewer_certificate": [{"cloudfront_default_certificate": null}]}, {"viewer_certificate": [{"cloudfront_default_certificate": true}]}, {"viewer_certificate": [{"cloudfront_default_certificate": terraform.var_ref("default")}]}],
		terraform.expression_row("azurerm_storage_account", "s", {"name": "s"}, {"min_tls_version": "tls"}),
	])
	count(deny) == 0 with input as doc
	count(warn) == 0 with input as doc
	reported := terraform.tf_001_paths(doc)
	["aws_lb_listener.https", "resource_changes.0.change.after.ssl_policy"] in reported
	["aws_cloudfront_distribution.cdn", "resource_changes.1.change.after.viewer_certificate.0.minimum_protocol_version"] in reported
	["aws_cloudfront_distribution.cert", "resource_changes.2.change.after.viewer_certificate.0.cloudfront_default_certificate"] in reported
	["azurerm_storage_account.s", "resource_changes.3.change.after.min_tls_version"] in reported
	r := deny with input as terraform.source_doc([
		terraform.literal_row("aws_lb_listener", "https", {"protocol": "HTTPS", "port": 443, "ssl_policy": false}),
		terraform.literal_row("aws_cloudfront_distribution", "cdn", {"viewer_certificate": [{"minimum_protocol_version": false}]}),
		terraform.literal_row("aws_cloudfront_distribution", "cert", {"viewer_certificate": [{"cloudfront_default_certificate": false}]}),
		terraform.literal_row("azurerm_storage_account", "s", {"name": "s", "min_tls_version": "TLS1_0"}),
	])
	{f.msg | some f in r} == {
		"aws_lb_listener.https: ssl_policy is false (not a TLS 1.2+ policy of data.cxgov.ref.security.tls12plus_policies)",
		"aws_cloudfront_distribution.cdn: viewer_certificate.minimum_protocol_version false is below TLSv1.2",
		"aws_cloudfront_distribution.cert: viewer_certificate.minimum_protocol_version not set is below TLSv1.2",
		"azurerm_storage_account.s: min_tls_version TLS1_0 is below TLS 1.2",
	}
}
