package cxgov.residency.res_001

import rego.v1

import data.cxgov.lib.fixtures.system

test_res_001_pass_known_regions if {
	count(deny) == 0 with input as system({"data_stores": [{"name": "t", "provider": "aws", "region": "eu-west-1", "replica_regions": ["eu-central-1"]}], "services": [{"name": "api", "region": "westeurope"}]})
}

test_res_001_fail_unknown_region if {
	count(deny) == 1 with input as system({"data_stores": [{"name": "t", "provider": "aws", "region": "eu-wesst-1"}]})
}

test_res_001_fail_global_value if {
	r := deny with input as system({"ai_providers": [{"name": "llm", "service": "vertex_ai", "region": "global"}]})
	some f in r
	contains(f.msg, "\"global\"")
}

test_res_001_fail_unknown_terraform_location if {
	plan := {"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": [{"address": "aws_s3_bucket.t", "type": "aws_s3_bucket", "mode": "managed", "change": {"actions": ["create"], "after": {"region": "mars-north-1"}}}]}
	count(deny) == 1 with input as {"evaluation_date": "2026-11-22", "descriptor": {}, "descriptor_file": "cxgov.yaml", "lines": {}, "evidence": {}, "documents": [{"id": "plan.json", "kind": "terraform-plan", "file": "plan.json", "line": 1, "document": plan}]}
}
