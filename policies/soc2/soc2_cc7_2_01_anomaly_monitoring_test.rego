package cxgov.soc2.soc2_cc7_2_01

import rego.v1

import data.cxgov.lib.fixtures
import data.cxgov.lib.fixtures.plan
import data.cxgov.lib.terraform

system(d, docs) := fixtures.system_with(d, {"lines": {"log_sinks.0": 50}, "documents": docs})

plan_doc(resources) := {"id": "plan.json", "kind": "terraform-plan", "file": "terraform/plan.json", "line": 1, "document": plan(resources)}

monitored := {
	"monitoring": {"audit_logging": true, "alerts": ["jailbreak_rate", "pii_leak", "handoff_failure", "latency"]},
	"log_sinks": [{"name": "siem", "type": "security", "retention_days": 400}, {"name": "app", "type": "application", "retention_days": 7}],
}

test_soc2_cc7_2_01_pass_monitored if {
	inp := system(monitored, [plan_doc([["aws_cloudtrail", "org", {"enable_logging": true}], ["aws_s3_bucket", "b", {}]])])
	count(deny) == 0 with input as inp
	count(warn) == 0 with input as inp
}

test_soc2_cc7_2_01_pass_kept_forever if {
	count(deny) == 0 with input as system(object.union(monitored, {"log_sinks": [{"name": "audit", "type": "audit", "retention_days": 0}]}), [])
}

test_soc2_cc7_2_01_fail_audit_logging_off if {
	r := deny with input as system(object.union(monitored, {"monitoring": {"audit_logging": false}}), [])
	some f in r
	f.msg == "monitoring: audit_logging is false (audit logging must be on)"
}

test_soc2_cc7_2_01_fail_no_security_sink if {
	r := deny with input as system(object.union(monitored, {"log_sinks": [{"name": "app", "type": "application"}]}), [])
	some f in r
	contains(f.msg, "no sink of type security or audit")
}

test_soc2_cc7_2_01_fail_retention_not_declared if {
	r := deny with input as system(object.union(monitored, {"log_sinks": [{"name": "siem", "type": "security"}]}), [])
	r == {{"msg": "log sink siem: security logs without a declared retention_days", "resource": "log sink siem", "_loc": {"file": "cxgov.yaml", "line": 50}}}
}

test_soc2_cc7_2_01_fail_retention_below_floor if {
	r := deny with input as system(object.union(monitored, {"log_sinks": [{"name": "siem", "type": "security", "retention_days": 30}]}), [])
	some f in r
	f.msg == "log sink siem: security logs kept 30 days (at least 90)"
}

test_soc2_cc7_2_01_fail_retention_below_target_warns if {
	inp := system(object.union(monitored, {"log_sinks": [{"name": "siem", "type": "audit", "retention_days": 180}]}), [])
	count(deny) == 0 with input as inp
	count(warn) == 1 with input as inp
}

test_soc2_cc7_2_01_fail_missing_ai_alerts if {
	r := warn with input as system(object.union(monitored, {"monitoring": {"audit_logging": true, "alerts": ["pii_leak"]}}), [])
	msgs := {f.msg | some f in r}
	msgs == {"monitoring: no jailbreak_rate alert in monitoring.alerts", "monitoring: no handoff_failure alert in monitoring.alerts"}
}

test_soc2_cc7_2_01_fail_no_cloudtrail_in_plans if {
	r := warn with input as system(monitored, [plan_doc([["google_storage_bucket", "g", {}], ["aws_s3_bucket", "b", {}]])])
	count(r) == 1
	some f in r
	f._loc == {"file": "terraform/plan.json", "line": 1, "path": "resource_changes.1"}
}

test_soc2_cc7_2_01_pass_plan if {
	inp := plan([
		["aws_cloudtrail", "org", {"enable_logging": true}],
		["aws_cloudwatch_log_group", "trail", {"name": "/aws/cloudtrail/org", "retention_in_days": 400}],
		["aws_cloudwatch_log_group", "audit", {"name": "acme-audit", "retention_in_days": 0}],
		["aws_cloudwatch_log_group", "app", {"name": "/acme-cx/chat-api", "retention_in_days": 30}],
	])
	count(deny) == 0 with input as inp
	count(warn) == 0 with input as inp
}

test_soc2_cc7_2_01_fail_trail_off if {
	r := deny with input as plan([["aws_cloudtrail", "org", {"enable_logging": false}]])
	count(r) == 1
	{f._path | some f in r} == {"resource_changes.0.change.after.enable_logging"}
}

test_soc2_cc7_2_01_fail_security_log_group_short if {
	r := deny with input as plan([["aws_cloudwatch_log_group", "trail", {"name": "/aws/CloudTrail/org", "retention_in_days": 30}]])
	r == {{"msg": "aws_cloudwatch_log_group.trail: security log /aws/CloudTrail/org kept 30 days (at least 90)", "resource": "aws_cloudwatch_log_group.trail", "_path": "resource_changes.0.change.after.retention_in_days"}}
}

test_soc2_cc7_2_01_fail_security_workspace_below_target if {
	inp := plan([["azurerm_log_analytics_workspace", "sec", {"name": "law-security-weu", "retention_in_days": 90}]])
	count(deny) == 0 with input as inp
	count(warn) == 1 with input as inp
}

# --- a value known only at apply is TF-001's (could not check), not judged here ---

test_soc2_cc7_2_01_unknown_logging_settings_are_tf_001s if {
	# only literal retentions and a literal enable_logging false are judged
	doc := terraform.source_doc([
		terraform.expression_row("aws_cloudwatch_log_group", "audit", {"name": "acme-audit"}, {"retention_in_days": "days"}),
		terraform.expression_row("aws_cloudtrail", "trail", {"name": "trail"}, {"enable_logging": "logging"}),
	])
	count(deny) == 0 with input as doc
	count(warn) == 0 with input as doc
	reported := terraform.tf_001_paths(doc)
	["aws_cloudwatch_log_group.audit", "resource_changes.0.change.after.retention_in_days"] in reported
	["aws_cloudtrail.trail", "resource_changes.1.change.after.enable_logging"] in reported
	r := deny with input as terraform.source_doc([
		terraform.literal_row("aws_cloudwatch_log_group", "audit", {"name": "acme-audit", "retention_in_days": 30}),
		terraform.literal_row("aws_cloudtrail", "trail", {"name": "trail", "enable_logging": false}),
	])
	{f.msg | some f in r} == {
		"aws_cloudwatch_log_group.audit: security log acme-audit kept 30 days (at least 90)",
		"aws_cloudtrail.trail: enable_logging is false (the trail records nothing)",
	}
}
