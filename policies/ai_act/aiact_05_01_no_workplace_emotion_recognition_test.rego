package cxgov.ai_act.aiact_05_01

import rego.v1

import data.cxgov.lib.fixtures.system

test_aiact_05_01_pass_no_emotion_recognition if {
	count(deny) == 0 with input as system({"metadata": {"name": "bot"}})
}

test_aiact_05_01_pass_employee_text_sentiment if {
	count(deny) == 0 with input as system({"emotion_recognition": {"enabled": true, "subjects": ["employees"], "modality": ["text"]}})
}

test_aiact_05_01_pass_disabled if {
	count(deny) == 0 with input as system({"emotion_recognition": {"enabled": false, "subjects": ["employees"], "modality": ["voice"]}})
}

test_aiact_05_01_pass_customers_only if {
	count(deny) == 0 with input as system({"emotion_recognition": {"enabled": true, "subjects": ["customers"], "modality": ["voice"]}})
}

test_aiact_05_01_pass_safety_purpose if {
	count(deny) == 0 with input as system({"emotion_recognition": {"enabled": true, "subjects": ["employees"], "modality": ["voice"], "purpose": "safety"}})
}

test_aiact_05_01_fail_employee_voice if {
	r := deny with input as system({"emotion_recognition": {"enabled": true, "subjects": ["employees"], "modality": ["voice", "text"]}})
	count(r) == 1
	some f in r
	contains(f.msg, "biometric data (voice) is prohibited")
}

test_aiact_05_01_fail_employee_video_enabled_undeclared if {
	count(deny) == 1 with input as system({"emotion_recognition": {"subjects": ["customers", "employees"], "modality": ["video"]}})
}

test_aiact_05_01_fail_business_purpose_not_exempt if {
	count(deny) == 1 with input as system({"emotion_recognition": {"enabled": true, "subjects": ["employees"], "modality": ["face"], "purpose": "quality_coaching"}})
}

test_aiact_05_01_fail_modality_undeclared if {
	r := deny with input as system({"emotion_recognition": {"enabled": true, "subjects": ["employees"]}})
	some f in r
	contains(f.msg, "without a declared modality")
}

test_aiact_05_01_fail_subjects_undeclared if {
	r := deny with input as system({"emotion_recognition": {"enabled": true, "modality": ["voice"]}})
	some f in r
	contains(f.msg, "without declared subjects")
}
