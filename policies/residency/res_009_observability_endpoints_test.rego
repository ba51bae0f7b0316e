package cxgov.residency.res_009

import rego.v1

import data.cxgov.lib.fixtures

system(d) := fixtures.system_with(d, {"lines": {"log_sinks.0.endpoint": 61}})

sink(endpoint) := {"name": "dd", "vendor": "datadog", "region": "eu-central-1", "endpoint": endpoint, "data_kinds": ["transcript", "ai_event"]}

deployment(env) := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "bot"}, "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "bot:1", "env": env}]}}}}

test_res_009_pass_eu_site if {
	count(deny) == 0 with input as system({"log_sinks": [sink("https://http-intake.logs.datadoghq.eu/api/v2/logs")]})
}

test_res_009_pass_metrics_only_sink_in_us if {
	count(deny) == 0 with input as system({"log_sinks": [object.union(sink("https://api.datadoghq.com"), {"data_kinds": ["metrics"]})]})
}

test_res_009_pass_unknown_host if {
	# not an observability SaaS in the reference list: the sink's region is judged by RES-002..004
	count(deny) == 0 with input as system({"log_sinks": [sink("https://otel.internal.example:4318")]})
}

test_res_009_pass_us_site_with_dpf_vendor if {
	v := {"name": "datadog", "country": "US", "dpf_certified": true, "dpf_scope": ["non-HR"], "dpf_checked_at": "2026-11-02"}
	count(deny) == 0 with input as system({"log_sinks": [sink("https://http-intake.logs.datadoghq.com")], "vendors": [v]})
}

test_res_009_fail_us_site_for_transcripts if {
	r := deny with input as system({"log_sinks": [sink("https://http-intake.logs.datadoghq.com/api/v2/logs")]})
	count(r) == 1
	some f in r
	f.msg == "log sink dd: endpoint https://http-intake.logs.datadoghq.com/api/v2/logs sends personal data to US: no vendors[] entry names datadog"
	f._loc == {"file": "cxgov.yaml", "line": 61}
}

test_res_009_fail_sentry_us_for_pii if {
	s := {"name": "errors", "vendor": "sentry", "endpoint": "https://o12.ingest.us.sentry.io/api/1/", "data_kinds": ["pii"]}
	r := deny with input as system({"log_sinks": [s]})
	some f in r
	contains(f.msg, "log sink errors: endpoint https://o12.ingest.us.sentry.io/api/1/ sends personal data to US")
}

test_res_009_fail_us_site_under_eea_only_even_with_dpf if {
	v := {"name": "datadog", "country": "IE", "dpf_certified": true, "dpf_scope": ["non-HR"], "dpf_checked_at": "2026-11-02"}
	r := deny with input as system({"log_sinks": [sink("datadoghq.com")], "vendors": [v]}) with data.cxgov.config.residency_profile as "eea_only"
	some f in r
	contains(f.msg, "eea_only")
}

test_res_009_pass_k8s_eu_settings if {
	count(deny) == 0 with input as deployment([
		{"name": "DD_SITE", "value": "datadoghq.eu"},
		{"name": "SENTRY_DSN", "value": "https://abc@o1.ingest.de.sentry.io/2"},
		{"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://otel-collector:4317"},
		{"name": "DD_API_KEY", "valueFrom": {"secretKeyRef": {"name": "dd", "key": "api"}}},
	])
}

test_res_009_fail_k8s_dd_site_us if {
	r := deny with input as deployment([{"name": "DD_SITE", "value": "us5.datadoghq.com"}])
	count(r) == 1
	some f in r
	f.msg == "Deployment/bot container app: DD_SITE=us5.datadoghq.com sends telemetry to US, outside the countries the residency profile allows"
}

test_res_009_fail_k8s_sentry_dsn_us if {
	r := deny with input as deployment([{"name": "SENTRY_DSN", "value": "https://key@o123.ingest.sentry.io/456"}])
	some f in r
	contains(f.msg, "SENTRY_DSN=")
}

test_res_009_fail_k8s_cronjob_init_container if {
	job := {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "export"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {"initContainers": [{"name": "init", "env": [{"name": "DD_URL", "value": "https://app.datadoghq.com"}]}], "containers": [{"name": "run"}]}}}}}}
	r := deny with input as job
	some f in r
	startswith(f.msg, "CronJob/export container init: DD_URL=")
}

test_res_009_pass_k8s_adequate_site if {
	# ap1.datadoghq.com is Japan (longest suffix wins over datadoghq.com = US): adequate under the default profile
	count(deny) == 0 with input as deployment([{"name": "DD_SITE", "value": "ap1.datadoghq.com"}])
}

test_res_009_fail_k8s_finding_names_the_container_and_points_at_the_value if {
	r := deny with input as deployment([{"name": "LOG_LEVEL", "value": "info"}, {"name": "DD_SITE", "value": "datadoghq.com"}])
	r == {{
		"msg": "Deployment/bot container app: DD_SITE=datadoghq.com sends telemetry to US, outside the countries the residency profile allows",
		"resource": "container app",
		"_path": "spec.template.spec.containers.0.env.1.value",
	}}
	job := {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "export"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {"initContainers": [{"name": "init", "env": [{"name": "DD_URL", "value": "https://app.datadoghq.com"}]}], "containers": [{"name": "run"}]}}}}}}
	{f._path | some f in deny} == {"spec.jobTemplate.spec.template.spec.initContainers.0.env.0.value"} with input as job
}
