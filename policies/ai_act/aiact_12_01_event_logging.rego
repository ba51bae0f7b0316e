# METADATA
# title: AI events are logged automatically to an immutable sink and monitored
# description: >-
#   Art 12 (automatic recording of events) and Art 26(5) (deployer monitoring): every AI event logs
#   the fields in ref security.ai_event_fields, AI event sinks are immutable, and the alerts in
#   ref security.ai_monitoring_alerts (drift, quality, incident) exist. Blocking for high-risk
#   systems, advisory otherwise.
# custom:
#   id: AIACT-12-01
#   severity: high
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.12, Art.26(5)]
#   remediation: >-
#     Log every field of the AI event schema (monitoring.ai_events: timestamp, session_id,
#     model_version, input_ref, output_ref, human_override, disclosure_shown), send AI events to a
#     log sink of type ai_event with immutable: true (object lock, WORM bucket), and configure
#     drift, quality and incident alerts (monitoring.alerts).
package cxgov.ai_act.aiact_12_01

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.result
import data.cxgov.lib.subject

security := data.cxgov.ref.security

ai_events := helpers.arr(["monitoring", "ai_events"])

alerts := helpers.arr(["monitoring", "alerts"])

missing_fields := [f | some f in security.ai_event_fields; not f in ai_events]

missing_alerts := [a | some a in security.ai_monitoring_alerts; not a in alerts]

# concat, not sprintf: the embedded engine quotes a builtin's string result inside sprintf %s
violations contains result.at(concat("", ["monitoring.ai_events does not log ", concat(", ", missing_fields)]), "monitoring.ai_events", subject.loc("monitoring.ai_events")) if {
	count(missing_fields) > 0
}

violations contains result.at(concat("", ["monitoring.alerts has no ", concat(", ", missing_alerts), " alert"]), "monitoring.alerts", subject.loc("monitoring.alerts")) if {
	count(missing_alerts) > 0
}

violations contains result.at("no log sink of type ai_event: AI events are not recorded", "log_sinks", subject.loc("log_sinks")) if {
	count(helpers.ai_event_sinks) == 0
}

violations contains result.at(sprintf("AI event log sink %s is not immutable", [s.name]), sprintf("log sink %s", [s.name]), subject.loc(sprintf("log_sinks.%d.immutable", [i]))) if {
	some [i, s] in helpers.ai_event_sinks
	not s.immutable == true
}

deny contains v if {
	subject.high_risk
	some v in violations
}

warn contains v if {
	not subject.high_risk
	some v in violations
}
