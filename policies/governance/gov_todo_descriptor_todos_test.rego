package cxgov.governance.gov_todo

import rego.v1

drafted := {
	"apiVersion": "cxgov.io/v1",
	"kind": "AISystem",
	"metadata": {"name": "support-bot", "owner": "TODO"},
	"system": {"ai_act": {"role": "deployer", "risk_class": "TODO"}},
	"data_stores": [
		{"name": "orders-db", "type": "rds", "region": "eu-west-1", "classification": "confidential", "retention_days": 30},
		{"name": "transcripts", "type": "s3", "region": "eu-west-1", "classification": "TODO", "contains_personal_data": "TODO"},
	],
	"ai_providers": [{"name": "openai", "endpoint": "https://api.openai.com/v1", "dpa_ref": "TODO"}],
	"ropa": [{"id": "RP-1", "purpose": "TODO"}],
}

filled := json.patch(drafted, [
	{"op": "replace", "path": "/metadata/owner", "value": "cx-platform@example.eu"},
	{"op": "replace", "path": "/system/ai_act/risk_class", "value": "limited"},
	{"op": "replace", "path": "/data_stores/1/classification", "value": "restricted"},
	{"op": "replace", "path": "/data_stores/1/contains_personal_data", "value": true},
	{"op": "replace", "path": "/ai_providers/0/dpa_ref", "value": {"uri": "evidence/openai-dpa.pdf"}},
	{"op": "replace", "path": "/ropa/0/purpose", "value": "customer support"},
])

test_gov_004_pass_when_every_todo_is_filled if {
	count(deny) == 0 with input as filled
}

test_gov_004_pass_a_todo_inside_a_longer_text_is_not_the_marker if {
	count(deny) == 0 with input as json.patch(filled, [{"op": "replace", "path": "/metadata/owner", "value": "TODO list owner"}])
}

test_gov_004_fail_each_todo_is_one_finding_at_its_path if {
	r := deny with input as drafted
	count(r) == 6
	{f._path | some f in r} == {
		"metadata.owner", "system.ai_act.risk_class", "data_stores.1.classification",
		"data_stores.1.contains_personal_data", "ai_providers.0.dpa_ref", "ropa.0.purpose",
	}
}

test_gov_004_fail_names_the_item_it_belongs_to if {
	r := deny with input as drafted
	some f in r
	f._path == "data_stores.1.classification"
	f.resource == "data store transcripts"
	f.msg == "descriptor field data_stores.1.classification is still TODO (data store transcripts): only a person can fill it in"
}

test_gov_004_fail_top_level_fields_belong_to_the_descriptor if {
	r := deny with input as drafted
	some f in r
	f._path == "system.ai_act.risk_class"
	f.resource == "descriptor"
}

test_gov_004_fail_an_item_named_by_id if {
	r := deny with input as drafted
	some f in r
	f._path == "ropa.0.purpose"
	f.resource == "RoPA entry RP-1"
}

test_gov_004_fail_an_unnamed_item_belongs_to_the_descriptor if {
	r := deny with input as {"services": [{"region": "TODO"}]}
	r == {{"msg": "descriptor field services.0.region is still TODO (descriptor): only a person can fill it in", "resource": "descriptor", "_path": "services.0.region"}}
}
