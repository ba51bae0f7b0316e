# METADATA
# title: No plaintext endpoints
# description: >-
#   No endpoint of the system speaks plain HTTP: service endpoints (unless they only redirect to
#   HTTPS), AI provider, log sink, channel and UI URLs, Kubernetes Ingresses and their hosts,
#   AWS HTTP listeners, CloudFront behaviours and OpenSearch domains. HTTPS endpoints should send
#   HSTS with a max-age of at least thresholds.hsts_min_max_age (warning). Loopback URLs are exempt.
# custom:
#   id: SOC2-CC6.7-02
#   severity: high
#   gate: deny
#   applies_to: [system, kubernetes, terraform-plan]
#   frameworks:
#     soc2: [CC6.7]
#   remediation: >-
#     Serve HTTPS only: give every Ingress a spec.tls entry covering all its hosts (or the load
#     balancer's certificate annotation), make HTTP listeners redirect to HTTPS (redirect action
#     with protocol HTTPS, viewer_protocol_policy redirect-to-https or https-only, enforce_https),
#     use https:// URLs in the descriptor (redirects_to_https: true for a redirect-only
#     endpoint), and send Strict-Transport-Security with max-age >= 31536000.
package cxgov.soc2.soc2_cc6_7_02

import rego.v1

import data.cxgov.lib.geo
import data.cxgov.lib.kubernetes
import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.lib.terraform

hsts_min := data.cxgov.config.thresholds.hsts_min_max_age

plaintext(url) if {
	is_string(url)
	startswith(lower(url), "http://")
	not loopback(url)
}

# undefined as a whole unless the URL's host is a loopback address
loopback(url) if geo.host(url) in {"localhost", "127.0.0.1", "[::1]"}

# --- descriptor (system) ---

d := subject.descriptor

network := object.get(d, "network", {})

deny contains result.at(msg, res, subject.loc(sprintf("services.%d.endpoints.%d.url", [i, j]))) if {
	some i, s in object.get(d, "services", [])
	some j, e in object.get(s, "endpoints", [])
	plaintext(e.url)
	not e.redirects_to_https == true
	res := concat("", ["service ", s.name])
	msg := concat("", [res, ": endpoint ", e.url, " is plain HTTP and does not only redirect to HTTPS"])
}

# URLs the system calls or publishes, with no redirect exemption
urls contains [sprintf("ai_providers.%d.endpoint", [i]), concat("", ["AI provider ", p.name]), p.endpoint] if {
	some i, p in object.get(d, "ai_providers", [])
}

urls contains [sprintf("log_sinks.%d.endpoint", [i]), concat("", ["log sink ", s.name]), s.endpoint] if {
	some i, s in object.get(d, "log_sinks", [])
}

urls contains [sprintf("channels.%d.url", [i]), concat("", ["channel ", display_name(c, c.type)]), c.url] if {
	some i, c in object.get(d, "channels", [])
}

urls contains [sprintf("ui.entry_points.%d.url", [i]), concat("", ["UI entry point ", display_name(e, sprintf("%d", [i]))]), e.url] if {
	some i, e in object.get(object.get(d, "ui", {}), "entry_points", [])
}

display_name(x, _) := x.name if is_string(x.name)

display_name(x, fallback) := fallback if not is_string(object.get(x, "name", null))

deny contains result.at(msg, u[1], subject.loc(u[0])) if {
	some u in urls
	plaintext(u[2])
	msg := concat("", [u[1], ": ", u[2], " is plain HTTP"])
}

# HSTS: the endpoint's own max-age, else the system's
warn contains result.at(msg, res, subject.loc(sprintf("services.%d.endpoints.%d.hsts_max_age", [i, j]))) if {
	some i, s in object.get(d, "services", [])
	some j, e in object.get(s, "endpoints", [])
	not plaintext(object.get(e, "url", null))
	not is_number(object.get(e, "hsts_max_age", null))
	not is_number(object.get(network, "hsts_max_age", null))
	res := concat("", ["service ", s.name])
	msg := concat("", [res, ": endpoint ", e.url, " declares no HSTS max-age (nor does network.hsts_max_age)"])
}

warn contains result.at(msg, res, subject.loc(sprintf("services.%d.endpoints.%d.hsts_max_age", [i, j]))) if {
	some i, s in object.get(d, "services", [])
	some j, e in object.get(s, "endpoints", [])
	e.hsts_max_age < hsts_min
	res := concat("", ["service ", s.name])
	msg := concat("", [res, ": endpoint ", e.url, " has HSTS max-age ", sprintf("%d", [e.hsts_max_age]), " (less than ", sprintf("%d", [hsts_min]), ")"])
}

warn contains result.at(msg, "network", subject.loc("network.hsts_max_age")) if {
	network.hsts_max_age < hsts_min
	msg := sprintf("network: hsts_max_age %d is less than %d", [network.hsts_max_age, hsts_min])
}

# --- Kubernetes Ingress ---

tls_annotations := data.cxgov.ref.soc2_tls.ingress_tls_annotations

annotations := object.get(input.metadata, "annotations", {})

external_tls if {
	some a in tls_annotations
	annotations[a]
}

deny contains result.at_path(msg, kubernetes.label, kubernetes.field_path("spec", input.spec, "tls")) if {
	input.kind == "Ingress"
	count(object.get(input.spec, "tls", [])) == 0
	not external_tls
	msg := concat("", [kubernetes.label, ": no spec.tls, so it serves plain HTTP"])
}

deny contains result.at_path(msg, concat("", ["host ", host]), sprintf("spec.rules.%d.host", [i])) if {
	input.kind == "Ingress"
	count(object.get(input.spec, "tls", [])) > 0
	some i, rule in input.spec.rules
	host := rule.host
	is_string(host)
	not tls_host(host)
	msg := concat("", [kubernetes.label, ": host ", host, " is not covered by spec.tls, so it is served over plain HTTP"])
}

# the key has dots: a reader that cannot match it falls back to the annotations
deny contains result.at_path(msg, kubernetes.label, "metadata.annotations.nginx.ingress.kubernetes.io/ssl-redirect") if {
	input.kind == "Ingress"
	annotations["nginx.ingress.kubernetes.io/ssl-redirect"] in {"false", false}
	msg := concat("", [kubernetes.label, ": ssl-redirect is off, so plain HTTP is served alongside HTTPS"])
}

tls_host(host) if {
	some t in input.spec.tls
	some h in t.hosts
	h == host
}

tls_host(host) if {
	some t in input.spec.tls
	some h in t.hosts
	startswith(h, "*.")
	suffix := substring(h, 1, -1)
	endswith(host, suffix)
	not contains(substring(host, 0, count(host) - count(suffix)), ".")
}

# --- Terraform plan ---
# a value known only at apply (terraform.unknown_at / unknown_in) is not judged: TF-001 reports it

deny contains result.at_path(msg, r.address, subject.tf_path(r, "default_action")) if {
	some r in terraform.resources
	r.type in {"aws_lb_listener", "aws_alb_listener"}
	r.values.protocol == "HTTP"
	not redirects_to_https(object.get(r, "values", {}))
	not terraform.unknown_in(r, ["default_action", "type"])
	not terraform.unknown_in(r, ["default_action", "redirect", "protocol"])
	msg := concat("", [r.address, ": HTTP listener on port ", sprintf("%v", [r.values.port]), " does not redirect to HTTPS"])
}

path_pattern(behaviour) := behaviour.path_pattern if is_string(behaviour.path_pattern)

path_pattern(behaviour) := "*" if not is_string(object.get(behaviour, "path_pattern", null))

redirects_to_https(listener) if {
	is_array(listener.default_action)
	count(listener.default_action) > 0
	not other_action(listener)
}

other_action(listener) if {
	some a in listener.default_action
	not https_redirect(a)
}

https_redirect(action) if {
	action.type == "redirect"
	some redirect in action.redirect
	redirect.protocol == "HTTPS"
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, [key, k, "viewer_protocol_policy"])) if {
	some r in terraform.of_type("aws_cloudfront_distribution")
	some key in ["default_cache_behavior", "ordered_cache_behavior"]
	some k, behaviour in object.get(r.values, key, [])
	behaviour.viewer_protocol_policy == "allow-all"
	msg := concat("", [r.address, ": viewer_protocol_policy allow-all serves plain HTTP (path ", path_pattern(behaviour), ")"])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, ["domain_endpoint_options", k, "enforce_https"])) if {
	some r in terraform.resources
	r.type in {"aws_opensearch_domain", "aws_elasticsearch_domain"}
	some k, o in r.values.domain_endpoint_options
	o.enforce_https == false
	msg := concat("", [r.address, ": domain_endpoint_options.enforce_https is false"])
}
