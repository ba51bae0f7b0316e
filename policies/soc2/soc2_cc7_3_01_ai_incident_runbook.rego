# METADATA
# title: The incident runbook covers AI incidents, AI Act Art 73 and GDPR Art 33
# description: >-
#   Evidence check (EVID): the incident runbook exists, is intact, approved within
#   thresholds.evidence_max_days, and is tagged as covering AI incidents, the AI Act Art 73
#   serious-incident deadlines and GDPR Art 33 breach notification
#   (data.cxgov.ref.soc2_monitoring.incident_runbook_tags). Whether it is adequate needs a person.
# custom:
#   id: SOC2-CC7.3-01
#   severity: medium
#   gate: warn
#   applies_to: [system]
#   frameworks:
#     soc2: [CC7.3, CC7.4]
#     eu-ai-act: [Art.73]
#     gdpr: [Art.33]
#   remediation: >-
#     Write or update the incident response runbook so it covers AI-specific incidents (jailbreaks,
#     PII leaks, harmful output), AI Act Art 73 reporting (15/10/2 days) and GDPR Art 33 (72 hours);
#     reference it as evidence.incident_runbook_ref with its sha256, approver, approval date and
#     tags [ai_incident, ai_act_art73, gdpr_art33].
package cxgov.soc2.soc2_cc7_3_01

import rego.v1

import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject

max_days := data.cxgov.config.thresholds.evidence_max_days

d := subject.descriptor

runbook := object.get(object.get(d, "evidence", {}), "incident_runbook_ref", null)

warn contains result.at(msg, "incident runbook", subject.loc("evidence.incident_runbook_ref")) if {
	is_object(d)
	problem := evidence.problem(runbook, max_days)
	msg := concat("", ["evidence.incident_runbook_ref: ", problem])
}

warn contains result.at(msg, "incident runbook", subject.loc("evidence.incident_runbook_ref")) if {
	is_object(runbook)
	missing := [t | some t in data.cxgov.ref.soc2_monitoring.incident_runbook_tags; not t in object.get(runbook, "tags", [])]
	count(missing) > 0
	msg := concat("", ["evidence.incident_runbook_ref: not tagged as covering ", concat(", ", missing)])
}
