package cxgov.ai_act.aiact_gpai_01

import rego.v1

import data.cxgov.lib.fixtures

ok := {"exists": true, "local": true, "hash_matches": true, "approved": true, "age_days": 10}

docs := {"uri": "evidence/gpai-model-card.pdf", "sha256": "00", "approved_by": "ml", "approved_at": "2026-11-12"}

system(providers, e) := fixtures.system_with({"ai_providers": providers}, {"evidence": e})

test_aiact_gpai_01_pass_docs_held if {
	count(warn) == 0 with input as system([{"name": "llm", "service": "azure_openai", "gpai_docs_ref": docs}], {"evidence/gpai-model-card.pdf": ok})
}

test_aiact_gpai_01_pass_no_ai_providers if {
	count(warn) == 0 with input as system([], {})
}

test_aiact_gpai_01_fail_missing if {
	r := warn with input as system([{"name": "llm", "gpai_docs_ref": docs}, {"name": "embeddings"}], {"evidence/gpai-model-card.pdf": ok})
	count(r) == 1
	some f in r
	f.msg == "AI provider embeddings: GPAI model documentation (gpai_docs_ref) missing"
}

test_aiact_gpai_01_fail_hash_mismatch if {
	r := warn with input as system([{"name": "llm", "gpai_docs_ref": docs}], {"evidence/gpai-model-card.pdf": object.union(ok, {"hash_matches": false})})
	some f in r
	contains(f.msg, "does not match its recorded sha256")
}
