package cxgov.soc2.soc2_c1_1_01

import rego.v1

import data.cxgov.lib.fixtures

system(d) := fixtures.system_with(d, {"lines": {"log_sinks.0": 60}})

prod := {"environment": "production"}

test_soc2_c1_1_01_pass_all_classified if {
	count(deny) == 0 with input as system({"system": prod, "data_stores": [{"name": "t", "classification": "restricted"}], "log_sinks": [{"name": "dd", "classification": "confidential"}]})
}

test_soc2_c1_1_01_pass_not_production if {
	count(deny) == 0 with input as system({"system": {"environment": "staging"}, "data_stores": [{"name": "t"}]})
}

test_soc2_c1_1_01_fail_sink_unclassified if {
	r := deny with input as system({"system": prod, "data_stores": [{"name": "t", "classification": "restricted"}], "log_sinks": [{"name": "dd"}]})
	r == {{"msg": "log sink dd: no classification", "resource": "log sink dd", "_loc": {"file": "cxgov.yaml", "line": 60}}}
}

test_soc2_c1_1_01_fail_environment_undeclared if {
	r := deny with input as system({"data_stores": [{"name": "t"}]})
	some f in r
	f.msg == "data store t: no classification (system.environment is not declared: treated as production)"
}
