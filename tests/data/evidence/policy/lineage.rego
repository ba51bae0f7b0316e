# METADATA
# title: Model versions record their training data
# description: A team rule over MLflow model versions, used by the evidence tests.
# custom:
#   id: TEAM-MLF-01
#   severity: high
#   applies_to: [model-version]
#   frameworks:
#     eu-ai-act: [Art.10]
#     soc2: [CC8.1]
#   remediation: Log the training dataset with mlflow.log_input(..., context="training").
package evidence_team.lineage

import rego.v1

deny contains msg if {
	count([i | some i in input.run.inputs; i.context == "training"]) == 0
	msg := concat("", ["model version ", input.name, "/", input.version, " records no training dataset"])
}
