package cxgov.wcag.eaa_01

import rego.v1

import data.cxgov.lib.fixtures

system(a) := fixtures.system({"accessibility": a})

test_eaa_01_pass_statement_published if {
	count(deny) == 0 with input as system({"eaa_in_scope": true, "statement_url": "https://example.com/accessibility"})
}

test_eaa_01_pass_out_of_scope if {
	count(deny) == 0 with input as system({"eaa_in_scope": false})
}

test_eaa_01_pass_microenterprise if {
	count(deny) == 0 with input as system({"eaa_in_scope": true, "microenterprise": true})
}

test_eaa_01_fail_no_statement if {
	r := deny with input as system({"eaa_in_scope": true, "microenterprise": false})
	count(r) == 1
	some f in r
	contains(f.msg, "publishes no accessibility statement")
}

test_eaa_01_fail_blank_statement if {
	count(deny) == 1 with input as system({"eaa_in_scope": true, "statement_url": "  "})
}

test_eaa_01_fail_scope_undeclared if {
	r := deny with input as {"evaluation_date": "2026-11-22", "descriptor": {}, "descriptor_file": "cxgov.yaml", "lines": {}, "evidence": {}, "documents": []}
	count(r) == 1
	some f in r
	contains(f.msg, "eaa_in_scope is not declared")
}
