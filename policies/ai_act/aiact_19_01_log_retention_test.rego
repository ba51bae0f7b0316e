package cxgov.ai_act.aiact_19_01

import rego.v1

import data.cxgov.lib.fixtures.system_with_documents as system

desc(risk, sinks) := {"system": {"ai_act": {"risk_class": risk}}, "log_sinks": sinks}

sink(days) := {"name": "cx-ai-events", "type": "ai_event", "retention_days": days}

plan(rcs) := [{"id": "plan.json", "kind": "terraform-plan", "file": "plan.json", "line": 1, "document": {"resource_changes": rcs}}]

log_group(name, days) := {"address": "aws_cloudwatch_log_group.ai", "type": "aws_cloudwatch_log_group", "mode": "managed", "change": {"actions": ["create"], "after": {"name": name, "retention_in_days": days}}}

test_aiact_19_01_pass_high_risk_184_days if {
	count(deny) == 0 with input as system(desc("high", [sink(184), {"name": "app", "type": "application", "retention_days": 7}]), [])
}

test_aiact_19_01_pass_forever if {
	count(deny) == 0 with input as system(desc("high", [sink(0)]), [])
}

test_aiact_19_01_pass_terraform_log_group_long if {
	count(deny) == 0 with input as system(desc("high", [sink(400)]), plan([log_group("/aws/cx/cx-ai-events", 400), log_group("/aws/cx/other", 7)]))
}

test_aiact_19_01_pass_limited if {
	count(warn) == 0 with input as system(desc("limited", [sink(365)]), [])
}

test_aiact_19_01_fail_high_risk_180_days if {
	r := deny with input as system(desc("high", [sink(180)]), [])
	count(r) == 1
	some f in r
	f.msg == "AI event log sink cx-ai-events: retention 180 days is below 184 days"
}

test_aiact_19_01_fail_limited_warns if {
	count(deny) == 0 with input as system(desc("limited", [sink(30)]), [])
	count(warn) == 1 with input as system(desc("limited", [sink(30)]), [])
}

test_aiact_19_01_fail_retention_undeclared if {
	r := deny with input as system(desc("high", [{"name": "cx-ai-events", "type": "ai_event"}]), [])
	some f in r
	contains(f.msg, "retention_days is not declared")
}

test_aiact_19_01_fail_no_ai_event_sink if {
	r := deny with input as system(desc("high", []), [])
	some f in r
	contains(f.msg, "no log sink of type ai_event")
}

test_aiact_19_01_fail_terraform_log_group_short if {
	r := deny with input as system(desc("high", [sink(400)]), plan([log_group("/aws/cx/cx-ai-events", 90)]))
	count(r) == 1
	some f in r
	f.msg == "aws_cloudwatch_log_group.ai (plan.json) holds AI event log sink cx-ai-events: retention 90 days is below 184 days"
	f._loc == {"file": "plan.json", "line": 1, "path": "resource_changes.0.change.after.retention_in_days"}
}

test_aiact_19_01_fail_terraform_gcp_bucket_default if {
	rc := {"address": "google_logging_project_bucket_config.ai", "type": "google_logging_project_bucket_config", "mode": "managed", "change": {"actions": ["create"], "after": {"bucket_id": "cx-ai-events", "location": "europe-west1"}}}
	r := deny with input as system(desc("high", [sink(400)]), plan([rc]))
	some f in r
	contains(f.msg, "retention 30 days")
	f._loc.path == "resource_changes.0.change.after.retention_days"
}

test_aiact_19_01_fail_terraform_change_without_actions if {
	rc := {"address": "aws_cloudwatch_log_group.ai", "type": "aws_cloudwatch_log_group", "mode": "managed", "change": {"after": {"name": "cx-ai-events", "retention_in_days": 30}}}
	r := deny with input as system(desc("high", [sink(400)]), plan([rc]))
	count(r) == 1
	some f in r
	f.msg == "aws_cloudwatch_log_group.ai (plan.json) holds AI event log sink cx-ai-events: retention 30 days is below 184 days"
}
