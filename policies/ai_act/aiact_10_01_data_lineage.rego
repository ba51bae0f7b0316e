# METADATA
# title: Training and evaluation data lineage is recorded for the model version
# description: >-
#   Art 10(2)-(3): the version's source run logs at least one training dataset and at least one
#   evaluation (validation, test) dataset, each with a digest and a source, and no evaluation
#   dataset has the digest of a training dataset. Datasets linked to the MLflow 3 logged model (by
#   the metrics computed on them) count with the context their run logged them in, and a GenAI
#   evaluation's datasets count as evaluation data. Blocking for high-risk systems (a missing
#   risk_class tag counts as high), advisory otherwise.
# custom:
#   id: AIACT-10-01
#   severity: high
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [model-version]
#   frameworks:
#     eu-ai-act: [Art.10(2), Art.10(3)]
#   remediation: >-
#     Log the datasets with mlflow.log_input (or MlflowClient.log_inputs) on the run that trained
#     the version, tagged mlflow.data.context=training and =evaluation, each with a digest and a
#     source; evaluate on data held out from training.
package cxgov.ai_act.aiact_10_01

import rego.v1

import data.cxgov.ai_act.model_evidence as me
import data.cxgov.lib.model_version as mv
import data.cxgov.lib.result

contract := mv.contract

# the source run's inputs, the logged model's linked datasets and the GenAI evaluation's (as evaluation data)
linked := object.get(me.section(input, "logged_model"), "datasets", [])

evaluated := [object.union(d, {"context": evaluation_context(d)}) |
	some d in object.get(me.section(input, "genai_evaluation"), "datasets", [])
]

evaluation_context(d) := d.context if is_string(object.get(d, "context", null))

evaluation_context(d) := contract.evaluation_contexts[0] if not is_string(object.get(d, "context", null))

lineage := array.concat(array.concat(mv.inputs, linked), evaluated)

datasets(contexts) := [d | some d in lineage; d.context in contexts]

complete(d) if {
	trim_space(object.get(d, "digest", "")) != ""
	d.source != null
	d.source != ""
}

violations contains concat("", [mv.label, " has no source run, so its data lineage cannot be traced"]) if not mv.has_run

violations contains concat("", [mv.label, ": its run logs no ", kind, " dataset"]) if {
	mv.has_run
	some [kind, contexts] in [["training", contract.training_contexts], ["evaluation", contract.evaluation_contexts]]
	count(datasets(contexts)) == 0
}

violations contains concat("", [mv.label, ": dataset ", object.get(d, "name", "?"), " (", d.context, ") has no digest or source"]) if {
	some d in array.concat(datasets(contract.training_contexts), datasets(contract.evaluation_contexts))
	not complete(d)
}

violations contains concat("", [mv.label, ": evaluation dataset ", object.get(e, "name", "?"), " has the digest of training dataset ", object.get(t, "name", "?")]) if {
	some e in datasets(contract.evaluation_contexts)
	some t in datasets(contract.training_contexts)
	complete(e)
	e.digest == t.digest
}

deny contains result.of(m, mv.label) if {
	mv.high_risk
	some m in violations
}

warn contains result.of(m, mv.label) if {
	not mv.high_risk
	some m in violations
}
