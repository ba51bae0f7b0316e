package cxgov.lib.subject

import rego.v1

test_loc_nearest_parent if {
	inp := {"descriptor_file": "d.yaml", "lines": {"identity": 7, "data_stores": 10, "data_stores.0": 11}}
	loc("identity.mfa_enforced") == {"file": "d.yaml", "line": 7} with input as inp
	loc("data_stores.0.region") == {"file": "d.yaml", "line": 11} with input as inp
	loc("nothing.here") == {"file": "d.yaml", "line": 1} with input as inp
}

test_doc_loc_names_the_path if {
	doc_loc({"file": "k8s/a.yaml", "line": 12, "kind": "kubernetes"}, "spec.replicas") == {"file": "k8s/a.yaml", "line": 12, "path": "spec.replicas"}
}

test_tf_path_attribute_or_resource if {
	r := {"path": "resource_changes.3", "values": {"storage_encrypted": false, "unknown": null, "encrypt_at_rest": [{"enabled": false}]}}
	tf_path(r, "storage_encrypted") == "resource_changes.3.change.after.storage_encrypted"
	tf_path(r, "unknown") == "resource_changes.3.change.after.unknown"
	tf_path(r, ["encrypt_at_rest", 0, "enabled"]) == "resource_changes.3.change.after.encrypt_at_rest.0.enabled"
	tf_path(r, "kms_key_id") == "resource_changes.3"
	tf_path(r, ["server_side_encryption", 0, "enabled"]) == "resource_changes.3"
}
