package cxgov.gdpr.gdpr_09_01

import rego.v1

import data.cxgov.lib.fixtures

system(v) := fixtures.system({"voice_biometrics": v})

test_gdpr_09_01_pass_explicit_opt_in if {
	count(deny) == 0 with input as system({"enabled": true, "consent_mode": "explicit_opt_in"})
}

test_gdpr_09_01_pass_disabled if {
	count(deny) == 0 with input as system({"enabled": false, "consent_mode": "implied"})
}

test_gdpr_09_01_fail_implied_consent if {
	r := deny with input as system({"enabled": true, "consent_mode": "opt_out"})
	count(r) == 1
	some f in r
	f.msg == "voice biometrics are enabled but consent_mode is opt_out (explicit_opt_in required: Art 9(2)(a))"
}

test_gdpr_09_01_fail_consent_not_set if {
	r := deny with input as system({"enabled": true})
	some f in r
	contains(f.msg, "consent_mode is not set")
}
