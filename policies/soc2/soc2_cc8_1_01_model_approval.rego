# METADATA
# title: Model versions are approved, by someone other than their author, under a ticket
# description: >-
#   CC8.1 change authorisation with segregation of duties: the version is approved (tag
#   approval_status=approved), names its approver (approved_by), the approver is not the author of
#   the source run (run tag mlflow.user), and the change has a ticket (approval_ticket).
# custom:
#   id: SOC2-CC8.1-01
#   severity: high
#   gate: deny
#   applies_to: [model-version]
#   frameworks:
#     soc2: [CC8.1]
#   remediation: >-
#     Have a second person approve the version through the change process and tag it with
#     approval_status=approved, approved_by and approval_ticket before any alias points at it.
package cxgov.soc2.soc2_cc8_1_01

import rego.v1

import data.cxgov.lib.model_version as mv
import data.cxgov.lib.result

contract := mv.contract

author := v if {
	v := object.get(mv.run_tags, contract.author_run_tag, null)
	is_string(v)
}

same_person(a, b) if lower(trim_space(a)) == lower(trim_space(b))

violations contains concat("", [mv.label, " is not approved (approval_status is ", object.get(input.tags, "approval_status", "unset"), ")"]) if {
	object.get(input.tags, "approval_status", "") != contract.approved_status
}

violations contains concat("", [mv.label, " names no approver (tag approved_by)"]) if not mv.has_tag("approved_by")

violations contains concat("", [mv.label, " was approved by its own author, ", input.tags.approved_by]) if {
	mv.has_tag("approved_by")
	same_person(input.tags.approved_by, author)
}

violations contains concat("", [mv.label, ": the author of its source run is unknown (run tag ", contract.author_run_tag, "), so segregation of duties cannot be shown"]) if {
	not author
}

violations contains concat("", [mv.label, " has no change ticket (tag approval_ticket)"]) if not mv.has_tag("approval_ticket")

deny contains result.of(m, mv.label) if some m in violations
