package cxgov.lib.kubernetes

import rego.v1

test_container_entries_paths if {
	deployment := {"kind": "Deployment", "metadata": {"name": "a"}, "spec": {"template": {"spec": {
		"containers": [{"name": "api"}, {"name": "sidecar"}],
		"initContainers": [{"name": "migrate"}],
	}}}}
	entries := container_entries with input as deployment
	[e.path | some e in entries] == ["spec.template.spec.containers.0", "spec.template.spec.containers.1", "spec.template.spec.initContainers.0"]
	[e.container.name | some e in entries] == ["api", "sidecar", "migrate"]
	count(containers) == 3 with input as deployment
}

test_pod_spec_path_by_kind if {
	pod_spec_path == "spec.jobTemplate.spec.template.spec" with input as {"kind": "CronJob"}
	pod_spec_path == "spec" with input as {"kind": "Pod"}
	[e.path | some e in container_entries] == ["spec.jobTemplate.spec.template.spec.containers.0"] with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c"}]}}}}}}
}

test_no_entries_outside_workloads if {
	count(container_entries) == 0 with input as {"kind": "Service", "spec": {"ports": []}}
	not pod_spec_path with input as {"kind": "Service"}
}

test_field_path_present_or_parent if {
	field_path("spec.template.spec.containers.0", {"image": "x"}, "image") == "spec.template.spec.containers.0.image"
	field_path("spec.template.spec.containers.0", {"name": "x"}, "image") == "spec.template.spec.containers.0"
}
