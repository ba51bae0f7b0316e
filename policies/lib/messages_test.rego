package cxgov.lib.messages

import rego.v1

test_shown_a_string_as_is if shown({"v": "TLS1.0"}, "v") == "TLS1.0"

test_shown_other_values_as_printed if {
	shown({"v": false}, "v") == "false"
	shown({"v": 0}, "v") == "0"
	shown({"v": ["a"]}, "v") == `["a"]`
}

test_shown_absent_or_null_as_not_set if {
	shown({}, "v") == "not set"
	shown({"v": null}, "v") == "not set"
}
