# METADATA
# title: Where a model version's accuracy and evaluation evidence is, for the EU AI Act pack
# description: >-
#   Readings of a model-version document (cxgov/sources/mlflow_documents.py) given as an argument,
#   so a rule judges the version it is given as input and the versions of a system view alike:
#   metrics from the source run, else the MLflow 3 logged model, else the newest GenAI evaluation
#   (mlflow.genai.evaluate scorer aggregates); threshold tags and their parsing; and the checks
#   of a GenAI evaluation (present, finished, recent, meeting thresholds on its scorers).
package cxgov.ai_act.model_evidence

import rego.v1

import data.cxgov.lib.dates

contract := data.cxgov.ref.model_registry

# thresholds.evaluation_max_days in config (-d), else the contract's default
max_days := object.get(data.cxgov.config.thresholds, "evaluation_max_days", contract.genai_evaluation_max_days)

label(d) := concat("", ["models:/", d.name, "/", d.version])

# a tag of the version, else of its registered model
tag(d, k) := v if {
	v := object.get(object.get(d, "tags", {}), k, object.get(d, ["registered_model", "tags", k], null))
	is_string(v)
}

# a missing or unknown risk class counts as high; a helper undefined as a whole, so `not` is safe
not_high_risk(d) if tag(d, "risk_class") in contract.not_high_risk_classes

high_risk(d) if not not_high_risk(d)

section(d, k) := v if {
	v := object.get(d, k, null)
	is_object(v)
}

section(d, k) := {} if not is_object(object.get(d, k, null))

has_evaluation(d) if is_object(object.get(d, "genai_evaluation", null))

evaluation(d) := d.genai_evaluation if has_evaluation(d)

# ---- metrics and scorers

# "groundedness" is the scorer's default aggregate; "groundedness/p90" names another one
scorer_name(m) := concat("/", array.slice(parts, 0, count(parts) - 1)) if {
	parts := split(m, "/")
	count(parts) > 1
}

scorer_name(m) := m if not contains(m, "/")

aggregate(m) := parts[count(parts) - 1] if {
	parts := split(m, "/")
	count(parts) > 1
}

aggregate(m) := contract.genai_default_aggregate if not contains(m, "/")

# a scorer's aggregate in the newest GenAI evaluation; null when it reported none
scorer_value(d, m) := object.get(section(d, "genai_evaluation"), ["scorers", scorer_name(m), aggregate(m)], null)

# a metric from the source run, else the logged model, else the GenAI evaluation; null when none has it
metric(d, m) := object.get(section(d, "run"), ["metrics", m], object.get(section(d, "logged_model"), ["metrics", m], scorer_value(d, m)))

# a helper undefined as a whole: `not is_number(scorer_value(d, m))` would be hoisted
scored(d, m) if is_number(scorer_value(d, m))

quality_scorer(m) if scorer_name(m) in contract.genai_quality_scorers

safety_scorer(m) if scorer_name(m) in contract.genai_safety_scorers

genai_scorer(m) if quality_scorer(m)

genai_scorer(m) if safety_scorer(m)

# ---- thresholds: "threshold.<metric>" tags of the version, ">=0.90" or "<=0.05"

tag_thresholds(d) := {substring(k, count(contract.threshold_tag_prefix), -1): v |
	some k, v in object.get(d, "tags", {})
	startswith(k, contract.threshold_tag_prefix)
}

# the thresholds AIACT-15-01 judges against a GenAI evaluation
genai_thresholds(d) := {m: v | some m, v in tag_thresholds(d); genai_scorer(m)}

well_formed(v) if {
	is_string(v)
	regex.match(`^(>=|<=)\s*-?[0-9]+(\.[0-9]+)?$`, trim_space(v))
}

operator(v) := substring(trim_space(v), 0, 2)

bound(v) := to_number(trim_space(substring(trim_space(v), 2, -1)))

misses(">=", value, limit) if value < limit

misses("<=", value, limit) if value > limit

# ---- a GenAI evaluation's checks, as messages

# when the evaluation ran, for messages
when(e) := e.date if is_string(object.get(e, "date", null))

when(e) := "undated" if not is_string(object.get(e, "date", null))

evaluation_age(e) := dates.age_days(e.date) if {
	is_string(object.get(e, "date", null))
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, e.date)
}

absent(d) := {concat("", [label(d), " has no GenAI evaluation: no mlflow.genai.evaluate run is linked to its logged model and no run is tagged ", contract.evaluation_version_tag, "=", label(d)]) | not has_evaluation(d)}

unfinished(d) := {concat("", [label(d), ": its newest GenAI evaluation (run ", e.run_id, ") did not finish (status ", sprintf("%v", [object.get(e, "status", null)]), ")"]) |
	e := evaluation(d)
	not e.status == contract.genai_finished_status
}

undated(d) := {concat("", [label(d), ": its newest GenAI evaluation (run ", e.run_id, ") records no date"]) |
	e := evaluation(d)
	not evaluation_age(e)
}

stale(d) := {concat("", [label(d), ": its newest GenAI evaluation (run ", e.run_id, ", ", e.date, ") is ", sprintf("%v", [evaluation_age(e)]), " days old (at most ", sprintf("%v", [max_days]), ")"]) |
	e := evaluation(d)
	evaluation_age(e) > max_days
}

# present, finished and recent
evaluation_problems(d) := ((absent(d) | unfinished(d)) | undated(d)) | stale(d)

# at least one groundedness, correctness or relevance threshold and one safety threshold among `ths`;
# `where` says where they are declared
coverage(d, ths, where) := quality_gap | safety_gap if {
	quality_gap := {concat("", [label(d), " declares no groundedness, correctness or relevance threshold (", where, ")"]) | count({m | some m, _ in ths; quality_scorer(m)}) == 0}
	safety_gap := {concat("", [label(d), " declares no safety threshold (", where, ")"]) | count({m | some m, _ in ths; safety_scorer(m)}) == 0}
}

# each threshold in `ths` met by the evaluation's scorer; `whose` names the threshold in messages
# ("its threshold", "the descriptor's threshold")
threshold_problems(d, ths, whose) := (malformed | unmeasured) | missed if {
	malformed := {[m, concat("", [label(d), ": ", whose, " for ", m, " is not \">=\" or \"<=\" and a number"])] |
		some m, v in ths
		not well_formed(v)
	}
	unmeasured := {[m, concat("", [label(d), ": its GenAI evaluation (run ", e.run_id, ") reports no scorer ", scorer_name(m), " (", aggregate(m), ")"])] |
		e := evaluation(d)
		some m, v in ths
		well_formed(v)
		not scored(d, m)
	}
	missed := {[m, concat("", [label(d), ": ", m, " is ", sprintf("%v", [scorer_value(d, m)]), " in its GenAI evaluation (run ", e.run_id, ", ", when(e), "), which misses ", whose, " ", operator(v), " ", sprintf("%v", [bound(v)])])] |
		e := evaluation(d)
		some m, v in ths
		well_formed(v)
		is_number(scorer_value(d, m))
		misses(operator(v), scorer_value(d, m), bound(v))
	}
}
