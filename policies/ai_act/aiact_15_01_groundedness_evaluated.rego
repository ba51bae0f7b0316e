# METADATA
# title: The deployed model version was evaluated for groundedness and safety before launch
# description: >-
#   Art 15(1), with Art 13(3)(b) for the declared levels: LLM answers hallucinate, and grounding them
#   in approved sources is the remedy a GenAI evaluation measures. A high-risk version (a missing
#   risk_class tag counts as high), or a version of a model the descriptor marks as customer-facing
#   generative (genai.customer_facing, genai.models), has a GenAI evaluation (an mlflow.genai.evaluate
#   run linked to its logged model, or a run tagged evaluated_model=models:/name/version; the newest
#   counts) that finished no longer ago than thresholds.evaluation_max_days, declares thresholds on
#   groundedness, correctness or relevance and on safety (version tags threshold.<scorer>, or the
#   descriptor's genai.evaluation.thresholds for versions that are not high-risk), and meets every
#   declared threshold with the evaluation's scorer aggregate. A high-risk version declares its own
#   levels; the descriptor's thresholds are the deployer's, judged in addition. A version that is
#   not high-risk but declares scorer thresholds is held to them as advice. No evaluation is a
#   finding, never a pass.
# custom:
#   id: AIACT-15-01
#   severity: high
#   gate: deny
#   effective_from: ai_act_highrisk
#   applies_to: [model-version, system]
#   frameworks:
#     eu-ai-act: [Art.15(1), Art.13(3)(b)]
#   remediation: >-
#     Evaluate the version before promoting it with mlflow.genai.evaluate(data=..., scorers=[...],
#     model_id=<its logged model>) on an approved evaluation dataset, with scorers for groundedness
#     (or correctness, relevance) and safety; tag the version threshold.<scorer> (">=0.85") with the
#     levels published in the instructions for use (or declare them in the descriptor's
#     genai.evaluation.thresholds), and repeat the evaluation at least every 90 days.
package cxgov.ai_act.aiact_15_01

import rego.v1

import data.cxgov.ai_act.model_evidence as me
import data.cxgov.lib.result
import data.cxgov.lib.subject

tag_hint := concat("", ["tags ", me.contract.threshold_tag_prefix, "<scorer>"])

# ---- a model-version subject: the levels the version declares

version_input if {
	not input.descriptor
	is_string(input.name)
}

version_problems contains m if {
	some m in me.evaluation_problems(input)
}

version_problems contains m if {
	me.high_risk(input)
	some m in me.coverage(input, me.genai_thresholds(input), tag_hint)
}

version_problems contains p[1] if {
	some p in me.threshold_problems(input, me.genai_thresholds(input), "its threshold")
}

deny contains result.of(m, me.label(input)) if {
	version_input
	me.high_risk(input)
	some m in version_problems
}

# not high-risk but declaring scorer levels: advice; with a descriptor the system view judges it
warn contains result.of(m, me.label(input)) if {
	version_input
	not me.high_risk(input)
	count(me.genai_thresholds(input)) > 0
	not data.cxgov.run.has_descriptor == true
	some m in version_problems
}

# ---- the system view: the descriptor's customer-facing generative models

genai := object.get(subject.descriptor, "genai", {})

descriptor_thresholds := object.get(genai, ["evaluation", "thresholds"], {})

listed(name) if count(object.get(genai, "models", [])) == 0

listed(name) if name in object.get(genai, "models", [])

customer_facing(name) if {
	genai.customer_facing == true
	listed(name)
}

# [index in models[], version document] for each version of a customer-facing generative model
deployed contains [i, x.document] if {
	some i, m in object.get(subject.descriptor, "models", [])
	customer_facing(m.name)
	some x in subject.documents("model-version")
	x.document.name == m.name
}

# a version that is not high-risk: the whole check, with the tags' and the descriptor's thresholds
deny contains result.at(m, me.label(d), subject.loc(sprintf("models.%d", [i]))) if {
	some [i, d] in deployed
	not me.high_risk(d)
	problems := me.evaluation_problems(d) | me.coverage(d, object.union(me.genai_thresholds(d), descriptor_thresholds), concat("", [tag_hint, " or genai.evaluation.thresholds"]))
	some m in problems
}

deny contains result.at(p[1], me.label(d), subject.loc(sprintf("models.%d", [i]))) if {
	some [i, d] in deployed
	not me.high_risk(d)
	some p in me.threshold_problems(d, me.genai_thresholds(d), "its threshold")
}

# every deployed customer-facing version: the descriptor's thresholds
deny contains result.at(p[1], me.label(d), subject.loc(concat(".", ["genai.evaluation.thresholds", p[0]]))) if {
	some [_, d] in deployed
	some p in me.threshold_problems(d, descriptor_thresholds, "the descriptor's threshold")
}

# other versions of the run that are not high-risk but declare scorer levels: advice, as without a descriptor
warn contains result.at(m, me.label(d), subject.loc("models")) if {
	some x in subject.documents("model-version")
	d := x.document
	name := object.get(d, "name", "")
	not customer_facing(name)
	not me.high_risk(d)
	count(me.genai_thresholds(d)) > 0
	some m in me.evaluation_problems(d) | {p[1] | some p in me.threshold_problems(d, me.genai_thresholds(d), "its threshold")}
}
