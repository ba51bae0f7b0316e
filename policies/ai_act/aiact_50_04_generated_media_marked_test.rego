package cxgov.ai_act.aiact_50_04

import rego.v1

import data.cxgov.lib.fixtures

system(d, date) := fixtures.system_with(d, {"evaluation_date": date})

provider(outputs, placed) := {"system": {"ai_act": {"role": "provider", "placed_on_market": placed}}, "genai": {"outputs": outputs}}

test_aiact_50_04_pass_marked_audio_image if {
	d := provider([{"modality": "audio", "marking": "watermark"}, {"modality": "image", "marking": "c2pa"}, {"modality": "text"}], "2026-09-01")
	count(deny) == 0 with input as system(d, "2026-11-22")
	count(warn) == 0 with input as system(d, "2026-11-22")
}

test_aiact_50_04_pass_deployer_only if {
	d := {"system": {"ai_act": {"role": "deployer"}}, "genai": {"outputs": [{"modality": "video", "marking": "none"}]}}
	count(deny) == 0 with input as system(d, "2026-11-22")
}

test_aiact_50_04_pass_text_not_checked if {
	count(deny) == 0 with input as system(provider([{"modality": "text", "marking": "none"}], "2026-09-01"), "2026-11-22")
}

test_aiact_50_04_fail_unmarked_audio if {
	r := deny with input as system(provider([{"modality": "audio", "marking": "none"}], "2026-09-01"), "2026-11-22")
	count(r) == 1
	some f in r
	f.msg == "generated audio output is not marked as AI-generated (marking: none)"
}

test_aiact_50_04_fail_marking_undeclared if {
	d := {"system": {"ai_act": {"role": "both"}}, "genai": {"outputs": [{"modality": "image"}]}}
	r := deny with input as system(d, "2026-11-22")
	some f in r
	contains(f.msg, "marking: not declared")
}

test_aiact_50_04_fail_legacy_system_warn_before_deadline if {
	d := provider([{"modality": "video", "marking": "none"}], "2025-05-01")
	count(deny) == 0 with input as system(d, "2026-11-22")
	r := warn with input as system(d, "2026-11-22")
	count(r) == 1
	some f in r
	contains(f.msg, "enforced from 2026-12-02")
}

test_aiact_50_04_fail_legacy_system_after_deadline if {
	d := provider([{"modality": "video", "marking": "none"}], "2025-05-01")
	count(deny) == 1 with input as system(d, "2026-12-02")
}
