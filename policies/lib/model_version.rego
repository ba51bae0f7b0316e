# METADATA
# title: Readings of an MLflow model-version subject
# description: >-
#   The model-version document (cxgov/sources/mlflow.py) read the same way by every rule: version
#   tags (falling back to the registered model's tags), the source run's metrics, tags and dataset
#   inputs, and the risk class. A missing or unknown risk class counts as high risk: a rule that is
#   blocking for high-risk systems never passes because a tag was left out.
package cxgov.lib.model_version

import rego.v1

contract := data.cxgov.ref.model_registry

# the version's label for messages: models:/name/version
label := concat("", ["models:/", input.name, "/", input.version])

# a tag of the version, else of its registered model
tag(k) := v if {
	v := object.get(input.tags, k, object.get(object.get(input, ["registered_model", "tags"], {}), k, null))
	is_string(v)
}

# a tag that is set and not blank
has_tag(k) if trim_space(tag(k)) != ""

# the source run, {} when the version has none or it could not be found
run := input.run if is_object(input.run)

run := {} if not is_object(object.get(input, "run", null))

metrics := object.get(run, "metrics", {})

run_tags := object.get(run, "tags", {})

inputs := object.get(run, "inputs", [])

has_run if count(object.keys(run)) > 0

risk_class := tag("risk_class")

# a helper undefined as a whole: `not risk_class in ...` would be undefined on OPA, not true, when
# the risk_class tag is missing
not_high_risk if risk_class in contract.not_high_risk_classes

high_risk if not not_high_risk

# a comma-separated tag as a list of trimmed, non-empty items
list_tag(k) := [x | some part in split(tag(k), ","); x := trim_space(part); x != ""]

list_tag(k) := [] if not has_tag(k)

# tags under a prefix, as {suffix: value}
tags_with_prefix(prefix) := {substring(k, count(prefix), -1): v |
	some k, v in input.tags
	startswith(k, prefix)
}
