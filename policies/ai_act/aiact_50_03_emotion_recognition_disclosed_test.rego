package cxgov.ai_act.aiact_50_03

import rego.v1

import data.cxgov.lib.fixtures.system

er_voice := {"enabled": true, "subjects": ["customers"], "modality": ["voice"]}

test_aiact_50_03_pass_notified_high_risk if {
	count(deny) == 0 with input as system({"system": {"ai_act": {"risk_class": "high"}}, "emotion_recognition": er_voice, "ai_disclosure": {"er_notice": true}})
}

test_aiact_50_03_pass_text_sentiment if {
	count(deny) == 0 with input as system({"system": {"ai_act": {"risk_class": "limited"}}, "emotion_recognition": {"enabled": true, "subjects": ["customers"], "modality": ["text"]}})
}

test_aiact_50_03_pass_no_emotion_recognition if {
	count(deny) == 0 with input as system({"system": {"ai_act": {"risk_class": "limited"}}})
}

test_aiact_50_03_fail_no_notice if {
	r := deny with input as system({"system": {"ai_act": {"risk_class": "high"}}, "emotion_recognition": er_voice})
	count(r) == 1
	some f in r
	contains(f.msg, "emotion recognition of customers (voice): customers are not notified")
}

test_aiact_50_03_fail_not_high_risk if {
	r := deny with input as system({"system": {"ai_act": {"risk_class": "limited"}}, "emotion_recognition": er_voice, "ai_disclosure": {"er_notice": true}})
	count(r) == 1
	some f in r
	contains(f.msg, "Annex III 1(c)")
}

test_aiact_50_03_fail_both if {
	count(deny) == 2 with input as system({"emotion_recognition": {"enabled": true, "subjects": ["customers"], "modality": ["face"]}, "ai_disclosure": {"er_notice": false}})
}

test_aiact_50_03_fail_modality_undeclared if {
	r := deny with input as system({"system": {"ai_act": {"risk_class": "high"}}, "emotion_recognition": {"enabled": true, "subjects": ["customers"]}})
	some f in r
	contains(f.msg, "modality not declared")
}
