# METADATA
# title: Security and AI anomaly monitoring, with adequate log retention
# description: >-
#   Audit logging is on and its security/audit log sinks keep logs at least
#   thresholds.security_log_min_days (warning below security_log_target_days; 0 means kept
#   forever), in the descriptor and for security log groups of Terraform plans (CloudWatch, Log
#   Analytics, by name). CloudTrail must not be switched off, and AWS plans without any trail get a
#   warning (an organisation trail outside the system's plans is common). The AI alerts of
#   data.cxgov.ref.security.required_ai_alerts should exist (warning).
# custom:
#   id: SOC2-CC7.2-01
#   severity: high
#   gate: deny
#   applies_to: [system, terraform-plan]
#   frameworks:
#     soc2: [CC7.2]
#   remediation: >-
#     Turn on audit logging (monitoring.audit_logging: true), declare the log sink that receives
#     security and audit events (type security or audit) with retention_days of at least 365
#     (never below 90), keep CloudTrail enable_logging on and the retention of security log groups
#     at 365 days or more, and alert on jailbreak_rate, pii_leak and handoff_failure
#     (monitoring.alerts).
package cxgov.soc2.soc2_cc7_2_01

import rego.v1

import data.cxgov.lib.messages
import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.lib.terraform

th := data.cxgov.config.thresholds

ref := data.cxgov.ref.soc2_monitoring

d := subject.descriptor

monitoring := object.get(d, "monitoring", {})

sinks := object.get(d, "log_sinks", [])

security_sinks := [i | some i; s := sinks[i]; s.type in ref.security_sink_types]

# --- descriptor (system) ---

deny contains result.at(msg, "monitoring", subject.loc("monitoring.audit_logging")) if {
	is_object(d)
	not monitoring.audit_logging == true
	msg := concat("", ["monitoring: audit_logging is ", messages.shown(monitoring, "audit_logging"), " (audit logging must be on)"])
}

deny contains result.at("log_sinks: no sink of type security or audit, so the retention of security logs cannot be shown", "log_sinks", subject.loc("log_sinks")) if {
	is_object(d)
	count(security_sinks) == 0
}

deny contains result.at(msg, res, subject.loc(sprintf("log_sinks.%d.retention_days", [i]))) if {
	some i in security_sinks
	s := sinks[i]
	not is_number(object.get(s, "retention_days", null))
	res := concat("", ["log sink ", s.name])
	msg := concat("", [res, ": ", s.type, " logs without a declared retention_days"])
}

deny contains result.at(msg, res, subject.loc(sprintf("log_sinks.%d.retention_days", [i]))) if {
	some i in security_sinks
	s := sinks[i]
	s.retention_days > 0
	s.retention_days < th.security_log_min_days
	res := concat("", ["log sink ", s.name])
	msg := concat("", [res, ": ", s.type, " logs kept ", sprintf("%d", [s.retention_days]), " days (at least ", sprintf("%d", [th.security_log_min_days]), ")"])
}

warn contains result.at(msg, res, subject.loc(sprintf("log_sinks.%d.retention_days", [i]))) if {
	some i in security_sinks
	s := sinks[i]
	s.retention_days >= th.security_log_min_days
	s.retention_days < th.security_log_target_days
	res := concat("", ["log sink ", s.name])
	msg := concat("", [res, ": ", s.type, " logs kept ", sprintf("%d", [s.retention_days]), " days (", sprintf("%d", [th.security_log_target_days]), " recommended, to span the audit period)"])
}

warn contains result.at(msg, "monitoring", subject.loc("monitoring.alerts")) if {
	is_object(d)
	some alert in data.cxgov.ref.security.required_ai_alerts
	not alert in object.get(monitoring, "alerts", [])
	msg := concat("", ["monitoring: no ", alert, " alert in monitoring.alerts"])
}

# AWS resources in the system's plans, but no CloudTrail trail in any of them (points at the
# first AWS resource)
warn contains result.at("terraform: the system's plans manage AWS resources but none declares an aws_cloudtrail (make sure an organisation trail covers the account)", "aws_cloudtrail", subject.doc_loc(aws[0][0], sprintf("resource_changes.%d", [aws[0][1]]))) if {
	aws := [[doc, i] | some doc in subject.documents("terraform-plan"); some i, rc in doc.document.resource_changes; startswith(rc.type, "aws_")]
	count(aws) > 0
	not trail_in_plans
}

trail_in_plans if {
	some doc in subject.documents("terraform-plan")
	some rc in doc.document.resource_changes
	rc.type == "aws_cloudtrail"
}

# --- Terraform plan ---

deny contains result.at_path(msg, t.address, subject.tf_path(t, "enable_logging")) if {
	some t in terraform.of_type("aws_cloudtrail")
	t.values.enable_logging == false
	msg := concat("", [t.address, ": enable_logging is false (the trail records nothing)"])
}

security_log(r) if {
	is_string(r.values.name)
	some pattern in ref.security_log_name_patterns
	regex.match(pattern, lower(r.values.name))
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, attr)) if {
	some r in terraform.resources
	attr := ref.terraform_security_log_types[r.type]
	security_log(r)
	days := r.values[attr]
	days > 0
	days < th.security_log_min_days
	msg := concat("", [r.address, ": security log ", r.values.name, " kept ", sprintf("%v", [days]), " days (at least ", sprintf("%d", [th.security_log_min_days]), ")"])
}

warn contains result.at_path(msg, r.address, subject.tf_path(r, attr)) if {
	some r in terraform.resources
	attr := ref.terraform_security_log_types[r.type]
	security_log(r)
	days := r.values[attr]
	days >= th.security_log_min_days
	days < th.security_log_target_days
	msg := concat("", [r.address, ": security log ", r.values.name, " kept ", sprintf("%v", [days]), " days (", sprintf("%d", [th.security_log_target_days]), " recommended)"])
}
