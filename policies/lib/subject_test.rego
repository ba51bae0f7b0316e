package cxgov.lib.subject

import rego.v1

test_loc_nearest_parent if {
	inp := {"descriptor_file": "d.yaml", "lines": {"identity": 7, "data_stores": 10, "data_stores.0": 11}}
	loc("identity.mfa_enforced") == {"file": "d.yaml", "line": 7} with input as inp
	loc("data_stores.0.region") == {"file": "d.yaml", "line": 11} with input as inp
	loc("nothing.here") == {"file": "d.yaml", "line": 1} with input as inp
}
