package main

import rego.v1

test_root_denied if {
	deny["Deployment web must set runAsNonRoot"] with input as {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": {"spec": {"containers": []}}}}
}

test_non_root_allowed if {
	inp := {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": {"spec": {"securityContext": {"runAsNonRoot": true}, "containers": []}}}}
	count(deny) == 0 with input as inp
}

test_latest_tag if {
	result := deny_image_tag with input as {"kind": "Deployment", "metadata": {"name": "w"}, "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "r.example/app:latest"}]}}}}
	count(result) == 1
}

test_deliberately_wrong if {
	count(warn) == 1 with input as {"kind": "Service", "metadata": {"name": "s"}, "spec": {"type": "ClusterIP"}}
}
