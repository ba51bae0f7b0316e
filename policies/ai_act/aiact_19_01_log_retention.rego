# METADATA
# title: AI event logs are kept for at least six months
# description: >-
#   Arts 19(1) and 26(6) require automatically generated logs to be kept for at least six months
#   (config thresholds.ai_log_min_retention_days, 184 days: the longest six-month span). Checked on
#   the descriptor's ai_event log sinks and on the Terraform log groups, buckets and workspaces named
#   like one. Blocking for high-risk systems, advisory otherwise.
# custom:
#   id: AIACT-19-01
#   severity: high
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.19(1), Art.26(6)]
#   remediation: >-
#     Keep AI event logs for at least 184 days: set log_sinks[].retention_days of every ai_event
#     sink (and the retention of its Terraform log group, bucket or workspace) to 184 or more,
#     within the GDPR maximum you justified.
package cxgov.ai_act.aiact_19_01

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.result
import data.cxgov.lib.subject

min_days := data.cxgov.config.thresholds.ai_log_min_retention_days

tf_types := helpers.ref.log_retention_resources

violations contains result.at("no log sink of type ai_event: AI event logs are not kept", "log_sinks", subject.loc("log_sinks")) if {
	count(helpers.ai_event_sinks) == 0
}

violations contains result.at(sprintf("AI event log sink %s: retention_days is not declared (at least %d days required)", [s.name, min_days]), sprintf("log sink %s", [s.name]), subject.loc(sprintf("log_sinks.%d.retention_days", [i]))) if {
	some [i, s] in helpers.ai_event_sinks
	not is_number(object.get(s, "retention_days", null))
}

# 0 keeps the logs forever, which meets the minimum (GDPR-5E-01 judges "forever")
violations contains result.at(sprintf("AI event log sink %s: retention %d days is below %d days", [s.name, s.retention_days, min_days]), sprintf("log sink %s", [s.name]), subject.loc(sprintf("log_sinks.%d.retention_days", [i]))) if {
	some [i, s] in helpers.ai_event_sinks
	short(s.retention_days)
}

short(days) if {
	is_number(days)
	days > 0
	days < min_days
}

# Terraform resources holding an ai_event sink's logs (named as the sink, or a path ending in it);
# the finding points at the retention attribute in the plan (at the resource's values when unset)
violations contains result.at(sprintf("%s (%s) holds AI event log sink %s: retention %d days is below %d days", [rc.address, doc.file, s.name, days, min_days]), rc.address, subject.doc_loc(doc, sprintf("resource_changes.%d.change.after.%s", [i, spec.retention]))) if {
	some doc in subject.documents("terraform-plan")
	some i, rc in doc.document.resource_changes
	spec := tf_types[rc.type]
	not "delete" in object.get(rc, ["change", "actions"], [])
	after := rc.change.after
	is_object(after)
	name := after[spec.name]
	is_string(name)
	some [_, s] in helpers.ai_event_sinks
	names_sink(name, s.name)
	days := tf_retention(after, spec)
	short(days)
}

names_sink(name, sink) if name == sink

names_sink(name, sink) if endswith(name, concat("", ["/", sink]))

tf_retention(after, spec) := after[spec.retention] if retention_set(after, spec)

tf_retention(after, spec) := spec.default_days if not retention_set(after, spec)

retention_set(after, spec) if is_number(after[spec.retention])

deny contains v if {
	subject.high_risk
	some v in violations
}

warn contains v if {
	not subject.high_risk
	some v in violations
}
