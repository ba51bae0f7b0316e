package cxgov.soc2.soc2_cc6_7_02

import rego.v1

import data.cxgov.lib.fixtures
import data.cxgov.lib.fixtures.plan
import data.cxgov.lib.terraform

system(d) := fixtures.system_with(d, {"lines": {"services.0.endpoints.0": 21}})

ingress(metadata, spec) := {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": metadata, "spec": spec}

rules := [{"host": "chat.acme.example"}, {"host": "assist.acme.example"}]

test_soc2_cc6_7_02_pass_https_everywhere if {
	inp := system({
		"network": {"hsts_max_age": 31536000},
		"services": [{"name": "api", "endpoints": [
			{"url": "https://chat.acme.example"},
			{"url": "http://chat.acme.example", "redirects_to_https": true},
		]}],
		"ai_providers": [{"name": "aoai", "endpoint": "https://acme.openai.azure.com"}, {"name": "local", "endpoint": "http://localhost:4000"}],
		"channels": [{"type": "chat", "url": "https://acme.example/help"}],
	})
	count(deny) == 0 with input as inp
	count(warn) == 0 with input as inp
}

test_soc2_cc6_7_02_fail_plain_http_endpoint if {
	r := deny with input as system({"network": {"hsts_max_age": 31536000}, "services": [{"name": "api", "endpoints": [{"url": "http://chat.acme.example"}]}]})
	r == {{"msg": "service api: endpoint http://chat.acme.example is plain HTTP and does not only redirect to HTTPS", "resource": "service api", "_loc": {"file": "cxgov.yaml", "line": 21}}}
}

test_soc2_cc6_7_02_fail_plain_http_provider_and_ui if {
	r := deny with input as system({
		"ai_providers": [{"name": "llm", "endpoint": "http://llm.internal.example/v1"}],
		"channels": [{"type": "chat", "url": "HTTP://acme.example/help"}],
		"ui": {"entry_points": [{"url": "http://acme.example/widget"}]},
	})
	msgs := {f.msg | some f in r}
	msgs == {
		"AI provider llm: http://llm.internal.example/v1 is plain HTTP",
		"channel chat: HTTP://acme.example/help is plain HTTP",
		"UI entry point 0: http://acme.example/widget is plain HTTP",
	}
}

test_soc2_cc6_7_02_fail_descriptor_points_at_the_url if {
	lines := {"services.0.endpoints.0": 21, "services.0.endpoints.0.url": 22, "ai_providers.0": 30, "ai_providers.0.endpoint": 32}
	inp := object.union(system({
		"services": [{"name": "api", "endpoints": [{"url": "http://chat.acme.example"}]}],
		"ai_providers": [{"name": "llm", "endpoint": "http://llm.internal.example/v1"}],
	}), {"lines": lines})
	{f._loc.line | some f in deny} == {22, 32} with input as inp
}

test_soc2_cc6_7_02_fail_no_hsts_warns if {
	r := warn with input as system({"services": [{"name": "api", "endpoints": [{"url": "https://chat.acme.example"}]}]})
	some f in r
	contains(f.msg, "declares no HSTS max-age")
}

test_soc2_cc6_7_02_fail_short_hsts_warns if {
	r := warn with input as system({"network": {"hsts_max_age": 86400}, "services": [{"name": "api", "endpoints": [{"url": "https://chat.acme.example", "hsts_max_age": 600}]}]})
	count(r) == 2
}

test_soc2_cc6_7_02_pass_ingress_tls if {
	count(deny) == 0 with input as ingress({"name": "chat"}, {"tls": [{"hosts": ["chat.acme.example", "*.acme.example"]}], "rules": rules})
}

test_soc2_cc6_7_02_pass_ingress_alb_certificate if {
	count(deny) == 0 with input as ingress({"name": "chat", "annotations": {"alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:x"}}, {"rules": rules})
}

test_soc2_cc6_7_02_fail_ingress_without_tls if {
	r := deny with input as ingress({"name": "chat"}, {"rules": rules})
	r == {{"msg": "Ingress/chat: no spec.tls, so it serves plain HTTP", "resource": "Ingress/chat", "_path": "spec"}}
}

test_soc2_cc6_7_02_fail_ingress_host_not_covered if {
	r := deny with input as ingress({"name": "chat"}, {"tls": [{"hosts": ["chat.acme.example"]}], "rules": rules})
	some f in r
	contains(f.msg, "host assist.acme.example is not covered")
	f.resource == "host assist.acme.example"
	f._path == "spec.rules.1.host"
}

test_soc2_cc6_7_02_fail_wildcard_one_level_only if {
	count(deny) == 1 with input as ingress({"name": "chat"}, {"tls": [{"hosts": ["*.example"]}], "rules": [{"host": "chat.acme.example"}]})
}

test_soc2_cc6_7_02_fail_ingress_ssl_redirect_off if {
	count(deny) == 1 with input as ingress({"name": "chat", "annotations": {"nginx.ingress.kubernetes.io/ssl-redirect": "false"}}, {"tls": [{"hosts": ["chat.acme.example"]}], "rules": [{"host": "chat.acme.example"}]})
}

test_soc2_cc6_7_02_pass_plan if {
	count(deny) == 0 with input as plan([
		["aws_lb_listener", "http", {"protocol": "HTTP", "port": 80, "default_action": [{"type": "redirect", "redirect": [{"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}]}]}],
		["aws_cloudfront_distribution", "cdn", {"default_cache_behavior": [{"viewer_protocol_policy": "redirect-to-https"}], "ordered_cache_behavior": [{"path_pattern": "/api/*", "viewer_protocol_policy": "https-only"}]}],
		["aws_opensearch_domain", "s", {"domain_endpoint_options": [{"enforce_https": true}]}],
	])
}

test_soc2_cc6_7_02_fail_http_listener_forwards if {
	r := deny with input as plan([["aws_lb_listener", "http", {"protocol": "HTTP", "port": 80, "default_action": [{"type": "forward", "target_group_arn": "arn"}]}]])
	r == {{"msg": "aws_lb_listener.http: HTTP listener on port 80 does not redirect to HTTPS", "resource": "aws_lb_listener.http", "_path": "resource_changes.0.change.after.default_action"}}
}

test_soc2_cc6_7_02_fail_cloudfront_allow_all if {
	r := deny with input as plan([["aws_cloudfront_distribution", "cdn", {"default_cache_behavior": [{"viewer_protocol_policy": "allow-all"}]}]])
	r == {{"msg": "aws_cloudfront_distribution.cdn: viewer_protocol_policy allow-all serves plain HTTP (path *)", "resource": "aws_cloudfront_distribution.cdn", "_path": "resource_changes.0.change.after.default_cache_behavior.0.viewer_protocol_policy"}}
}

test_soc2_cc6_7_02_fail_opensearch_http if {
	r := deny with input as plan([["aws_opensearch_domain", "s", {"domain_endpoint_options": [{"enforce_https": false}]}]])
	count(r) == 1
	some f in r
	f._path == "resource_changes.0.change.after.domain_endpoint_options.0.enforce_https"
}

test_soc2_cc6_7_02_fail_ingress_empty_tls_points_at_it if {
	r := deny with input as ingress({"name": "chat"}, {"tls": [], "rules": rules})
	r == {{"msg": "Ingress/chat: no spec.tls, so it serves plain HTTP", "resource": "Ingress/chat", "_path": "spec.tls"}}
}

# --- a value known only at apply is TF-001's (could not check), not judged here ---

listener(action, unknown, expression) := [
	"aws_lb_listener", "http",
	{"protocol": "HTTP", "port": 80, "default_action": action},
	unknown,
	{"protocol": {"constant_value": "HTTP"}, "port": {"constant_value": 80}, "default_action": expression},
]

test_soc2_cc6_7_02_unknown_redirect_is_tf_001s if {
	doc := terraform.source_doc([listener(
		[{"type": "redirect", "redirect": [{"protocol": null}]}],
		{"default_action": [{"redirect": [{"protocol": true}]}]},
		[{"type": {"constant_value": "redirect"}, "redirect": [{"protocol": terraform.var_ref("protocol")}]}],
	)])
	count(deny) == 0 with input as doc
	["aws_lb_listener.http", "resource_changes.0.change.after.default_action.0.redirect.0.protocol"] in terraform.tf_001_paths(doc)
	# a dynamic default_action: null, never counted
	dynamic := terraform.source_doc([listener(null, {"default_action": true}, terraform.var_ref("actions"))])
	count(deny) == 0 with input as dynamic
	["aws_lb_listener.http", "resource_changes.0.change.after.default_action"] in terraform.tf_001_paths(dynamic)
	r := deny with input as terraform.source_doc([listener(
		[{"type": "redirect", "redirect": [{"protocol": false}]}], {},
		[{"type": {"constant_value": "redirect"}, "redirect": [{"protocol": {"constant_value": false}}]}],
	)])
	{f.msg | some f in r} == {"aws_lb_listener.http: HTTP listener on port 80 does not redirect to HTTPS"}
}

test_soc2_cc6_7_02_a_reference_beside_the_action_is_still_judged if {
	# a forward action's target group is an expression, but the action type is not
	doc := terraform.source_doc([listener(
		[{"type": "forward", "target_group_arn": null}],
		{"default_action": [{"target_group_arn": true}]},
		[{"type": {"constant_value": "forward"}, "target_group_arn": {"references": ["aws_lb_target_group.t.arn", "aws_lb_target_group.t"]}}],
	)])
	count(deny) == 1 with input as doc
	count(terraform.tf_001_paths(doc)) == 0
}
