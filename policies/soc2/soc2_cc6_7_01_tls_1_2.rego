# METADATA
# title: TLS 1.2 or higher everywhere
# description: >-
#   The system's TLS floor and every endpoint's are TLS 1.2 or higher, and so are the load
#   balancer, CDN, API gateway, search and Azure/Google service settings of the Terraform plan
#   (ALB/NLB policies must be in data.cxgov.ref.security.tls12plus_policies). An undeclared or
#   unknown version fails; TLS 1.3 being off is a warning.
# custom:
#   id: SOC2-CC6.7-01
#   severity: critical
#   gate: deny
#   applies_to: [system, terraform-plan]
#   frameworks:
#     soc2: [CC6.7]
#     gdpr: [Art.32]
#   remediation: >-
#     Declare network.tls_min_version (TLS1.2 or TLS1.3) and network.tls13_enabled: true; set the
#     ALB/NLB listener ssl_policy to ELBSecurityPolicy-TLS13-1-2-2021-06 (or another policy of the
#     reference list), CloudFront viewer_certificate.minimum_protocol_version to TLSv1.2_2021 with
#     your own certificate, min_tls_version / minimum_tls_version to 1.2 on Azure resources,
#     min_tls_version = "TLS_1_2" on google_compute_ssl_policy, and security_policy = "TLS_1_2" on
#     API Gateway domains.
package cxgov.soc2.soc2_cc6_7_01

import rego.v1

import data.cxgov.lib.messages
import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.lib.terraform

tls := data.cxgov.ref.soc2_tls

security := data.cxgov.ref.security

# a TLS version string as a number (12 for TLS 1.2): the security reference first, then the
# aliases providers spell; undefined when unknown
tls_num(v) := n if {
	n := security.tls_versions[v]
} else := tls.version_aliases[v]

version_problem(v) := "an unknown TLS version" if not tls_num(v)

version_problem(v) := "below TLS 1.2" if tls_num(v) < tls.min_version

# --- descriptor (system) ---

d := subject.descriptor

network := object.get(d, "network", {})

deny contains result.at("network: tls_min_version is not set (declare the system's TLS floor)", "network", subject.loc("network.tls_min_version")) if {
	is_object(d)
	not is_string(object.get(network, "tls_min_version", null))
}

deny contains result.at(msg, "network", subject.loc("network.tls_min_version")) if {
	v := network.tls_min_version
	is_string(v)
	reason := version_problem(v)
	msg := concat("", ["network: tls_min_version ", v, " is ", reason])
}

deny contains result.at(msg, res, subject.loc(path)) if {
	some i, s in object.get(d, "services", [])
	some j, e in object.get(s, "endpoints", [])
	v := e.tls_min_version
	is_string(v)
	reason := version_problem(v)
	res := concat("", ["service ", s.name])
	path := sprintf("services.%d.endpoints.%d.tls_min_version", [i, j])
	msg := concat("", [res, ": endpoint ", e.url, " allows ", v, " (", reason, ")"])
}

warn contains result.at(msg, "network", subject.loc("network.tls13_enabled")) if {
	is_object(d)
	not network.tls13_enabled == true
	msg := "network: tls13_enabled is not true (TLS 1.3 should be on)"
}

# --- Terraform plan ---
# a value known only at apply (terraform.unknown_at / unknown_in) is not judged: TF-001 reports it

listener_types := {"aws_lb_listener", "aws_alb_listener"}

deny contains result.at_path(msg, r.address, subject.tf_path(r, "ssl_policy")) if {
	some r in terraform.resources
	r.type in listener_types
	r.values.protocol in {"HTTPS", "TLS"}
	not object.get(r, ["values", "ssl_policy"], null) in object.get(security, ["tls12plus_policies", "aws_alb"], [])
	not terraform.unknown_at(r, "ssl_policy")
	msg := concat("", [r.address, ": ssl_policy is ", messages.shown(r.values, "ssl_policy"), " (not a TLS 1.2+ policy of data.cxgov.ref.security.tls12plus_policies)"])
}

warn contains result.at_path(msg, r.address, subject.tf_path(r, "ssl_policy")) if {
	some r in terraform.resources
	r.type in listener_types
	r.values.protocol in {"HTTPS", "TLS"}
	policy := r.values.ssl_policy
	policy in security.tls12plus_policies.aws_alb
	not policy in object.get(security, ["tls12plus_policies", "tls13_aws_alb"], [])
	msg := concat("", [r.address, ": ssl_policy ", policy, " does not enable TLS 1.3"])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, ["viewer_certificate", k, "cloudfront_default_certificate"])) if {
	some r in terraform.of_type("aws_cloudfront_distribution")
	some k, vc in r.values.viewer_certificate
	vc.cloudfront_default_certificate == true
	msg := concat("", [r.address, ": uses the default *.cloudfront.net certificate, which keeps TLSv1 enabled"])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, ["viewer_certificate", k, "minimum_protocol_version"])) if {
	some r in terraform.of_type("aws_cloudfront_distribution")
	some k, vc in r.values.viewer_certificate
	not vc.cloudfront_default_certificate == true
	not object.get(vc, "minimum_protocol_version", null) in object.get(security, ["tls12plus_policies", "aws_cloudfront"], [])
	not terraform.unknown_at(r, ["viewer_certificate", k, "minimum_protocol_version"])
	not terraform.unknown_at(r, ["viewer_certificate", k, "cloudfront_default_certificate"])
	msg := concat("", [r.address, ": viewer_certificate.minimum_protocol_version ", messages.shown(vc, "minimum_protocol_version"), " is below TLSv1.2"])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, attr)) if {
	some r in terraform.resources
	some prefix, attrs in tls.terraform_version_attributes
	startswith(r.type, prefix)
	some attr in attrs
	v := r.values[attr]
	is_string(v)
	reason := version_problem(v)
	msg := concat("", [r.address, ": ", attr, " ", v, " is ", reason])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, ["site_config", k, attr])) if {
	some r in terraform.resources
	startswith(r.type, "azurerm_")
	some k, sc in r.values.site_config
	some attr in tls.terraform_site_config_attributes
	v := sc[attr]
	is_string(v)
	reason := version_problem(v)
	msg := concat("", [r.address, ": site_config.", attr, " ", v, " is ", reason])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, ["domain_endpoint_options", k, "tls_security_policy"])) if {
	some r in terraform.resources
	r.type in {"aws_opensearch_domain", "aws_elasticsearch_domain"}
	some k, o in r.values.domain_endpoint_options
	policy := o.tls_security_policy
	is_string(policy)
	not policy in object.get(tls, "aws_opensearch_policies", [])
	msg := concat("", [r.address, ": domain_endpoint_options.tls_security_policy ", policy, " allows TLS below 1.2"])
}
