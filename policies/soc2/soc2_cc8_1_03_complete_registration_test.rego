package cxgov.soc2.soc2_cc8_1_03

import rego.v1

test_soc2_cc8_1_03_pass_ready if {
	count(deny) == 0 with input as {"name": "router", "version": "3", "status": "READY", "tags": {}}
}

test_soc2_cc8_1_03_fail_failed_registration if {
	r := deny with input as {"name": "router", "version": "3", "status": "FAILED_REGISTRATION", "tags": {}}
	r == {{"msg": "models:/router/3 has registration status FAILED_REGISTRATION, not READY", "resource": "models:/router/3"}}
}
