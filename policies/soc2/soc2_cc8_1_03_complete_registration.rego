# METADATA
# title: Only completely registered model versions are judged deployable
# description: >-
#   CC8.1: a version whose registration is pending or failed (MLflow status other than READY) has
#   no complete, immutable artifact behind it, so it cannot be the subject of an approved change.
# custom:
#   id: SOC2-CC8.1-03
#   severity: high
#   gate: deny
#   applies_to: [model-version]
#   frameworks:
#     soc2: [CC8.1]
#   remediation: >-
#     Re-register the model from its source run and wait for status READY before approving or
#     aliasing the version.
package cxgov.soc2.soc2_cc8_1_03

import rego.v1

import data.cxgov.lib.model_version as mv
import data.cxgov.lib.result

deny contains result.of(concat("", [mv.label, " has registration status ", object.get(input, "status", "unset"), ", not ", mv.contract.ready_status]), mv.label) if {
	object.get(input, "status", "") != mv.contract.ready_status
}
