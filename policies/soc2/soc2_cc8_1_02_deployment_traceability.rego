# METADATA
# title: Model deployments are traceable to a commit and to the production alias
# description: >-
#   CC8.1 traceability. For each model version: its source run records the full 40-hex git commit
#   it was trained from (run tag mlflow.source.git.commit). For the system view: every model the
#   descriptor deploys (models[]) pins a version, that version is the one the registry's alias
#   (the entry's alias, default production) points to, and the release names its image digest. A
#   descriptor model cxgov did not read from the registry (--no-models) fails: it was not checked.
# custom:
#   id: SOC2-CC8.1-02
#   severity: high
#   gate: deny
#   applies_to: [model-version, system]
#   frameworks:
#     soc2: [CC8.1]
#   remediation: >-
#     Train from a committed revision (MLflow records mlflow.source.git.commit for git projects;
#     set it explicitly in CI), deploy the version the production alias points to and pin it in
#     the descriptor (models[].version), and record release.image_digest.
package cxgov.soc2.soc2_cc8_1_02

import rego.v1

import data.cxgov.lib.model_version as mv
import data.cxgov.lib.result
import data.cxgov.lib.subject

contract := data.cxgov.ref.model_registry

# ---- a model-version subject

commit := object.get(mv.run_tags, contract.git_commit_run_tag, "")

deny contains result.of(concat("", [mv.label, ": source commit ", commit, " is not a full 40-hex git SHA"]), mv.label) if {
	not input.descriptor
	is_string(input.name)
	commit != ""
	not full_commit(commit)
}

# undefined as a whole unless the commit matches the contract's pattern
full_commit(c) if regex.match(contract.git_commit_pattern, c)

deny contains result.of(concat("", [mv.label, ": its source run records no git commit (", contract.git_commit_run_tag, ")"]), mv.label) if {
	not input.descriptor
	is_string(input.name)
	commit == ""
}

# ---- the system view: the descriptor's models against the registry

models := object.get(subject.descriptor, "models", [])

registry(name) := [x.document | some x in input.documents; x.kind == "model-version"; x.document.name == name]

alias_of(m) := object.get(m, "alias", contract.production_alias) if object.get(m, "alias", null) != null

alias_of(m) := contract.production_alias if object.get(m, "alias", null) == null

deny contains result.at(concat("", ["model ", m.name, " does not pin the version it deploys (models[].version)"]), concat("", ["model ", m.name]), subject.loc(sprintf("models.%d.version", [i]))) if {
	some i, m in models
	object.get(m, "version", null) == null
}

deny contains result.at(concat("", ["model ", m.name, " was not read from the model registry, so the deployed version is unverified"]), concat("", ["model ", m.name]), subject.loc(sprintf("models.%d", [i]))) if {
	some i, m in models
	count(registry(m.name)) == 0
}

deny contains result.at(concat("", ["model ", m.name, ": the registry has no alias ", alias_of(m)]), concat("", ["model ", m.name]), subject.loc(sprintf("models.%d.alias", [i]))) if {
	some i, m in models
	docs := registry(m.name)
	count(docs) > 0
	alias := alias_of(m)
	not docs[0].registered_model.aliases[alias]
}

deny contains result.at(concat("", ["model ", m.name, ": the descriptor deploys version ", m.version, " but alias ", alias_of(m), " points to version ", docs[0].registered_model.aliases[alias_of(m)]]), concat("", ["model ", m.name]), subject.loc(sprintf("models.%d.version", [i]))) if {
	some i, m in models
	docs := registry(m.name)
	count(docs) > 0
	object.get(m, "version", null) != null
	docs[0].registered_model.aliases[alias_of(m)] != m.version
}

deny contains result.at("the release deploys models but names no image digest (release.image_digest)", "release", subject.loc("release.image_digest")) if {
	count(models) > 0
	not subject.descriptor.release.image_digest
}
