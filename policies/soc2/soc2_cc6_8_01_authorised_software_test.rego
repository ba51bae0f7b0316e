package cxgov.soc2.soc2_cc6_8_01

import rego.v1

digest := "@sha256:4f2a9c1e7b0d3a5f6e8c9b1a2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e"

hardened := {"allowPrivilegeEscalation": false, "privileged": false, "readOnlyRootFilesystem": true}

deployment(pod_security, containers) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "chat-api"},
	"spec": {"replicas": 3, "template": {"spec": {"securityContext": pod_security, "containers": containers}}},
}

test_soc2_cc6_8_01_pass_pinned_hardened if {
	count(deny) == 0 with input as deployment({"runAsNonRoot": true}, [{"name": "api", "image": concat("", ["registry.acme.example/chat-api", digest]), "securityContext": hardened}])
}

test_soc2_cc6_8_01_pass_container_level_non_root if {
	count(deny) == 0 with input as deployment({}, [{"name": "api", "image": concat("", ["registry.acme.example/chat-api:2.14.3", digest]), "securityContext": object.union(hardened, {"runAsNonRoot": true})}])
}

test_soc2_cc6_8_01_fail_latest_tag if {
	r := deny with input as deployment({"runAsNonRoot": true}, [{"name": "api", "image": "app:latest", "securityContext": hardened}])
	r == {{"msg": "Deployment/chat-api: container api image app:latest is not pinned by @sha256 digest", "resource": "container api", "_path": "spec.template.spec.containers.0.image"}}
}

test_soc2_cc6_8_01_fail_privileged if {
	r := deny with input as deployment({"runAsNonRoot": true}, [{"name": "api", "image": concat("", ["app", digest]), "securityContext": object.union(hardened, {"privileged": true})}])
	some f in r
	contains(f.msg, "container api is privileged")
	f._path == "spec.template.spec.containers.0.securityContext.privileged"
}

test_soc2_cc6_8_01_fail_privilege_escalation_not_off if {
	r := deny with input as deployment({"runAsNonRoot": true}, [{"name": "api", "image": concat("", ["app", digest])}])
	count(r) == 1
	some f in r
	contains(f.msg, "may escalate privileges")
	f._path == "spec.template.spec.containers.0"
}

test_soc2_cc6_8_01_fail_root if {
	r := deny with input as deployment({}, [{"name": "api", "image": concat("", ["app", digest]), "securityContext": hardened}])
	count(r) == 1
	some f in r
	contains(f.msg, "may run as root")
	f._path == "spec.template.spec.containers.0.securityContext"
}

test_soc2_cc6_8_01_fail_container_overrides_pod_non_root if {
	r := deny with input as deployment({"runAsNonRoot": true}, [{"name": "api", "image": concat("", ["app", digest]), "securityContext": object.union(hardened, {"runAsNonRoot": false})}])
	count(r) == 1
	some f in r
	f._path == "spec.template.spec.containers.0.securityContext.runAsNonRoot"
}

test_soc2_cc6_8_01_fail_pod_root_points_at_pod_setting if {
	r := deny with input as deployment({"runAsNonRoot": false}, [{"name": "api", "image": concat("", ["app", digest]), "securityContext": hardened}])
	r == {{"msg": "Deployment/chat-api: container api may run as root (runAsNonRoot is not true on the pod or the container)", "resource": "container api", "_path": "spec.template.spec.securityContext.runAsNonRoot"}}
}

test_soc2_cc6_8_01_fail_init_container if {
	inp := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {
		"securityContext": {"runAsNonRoot": true},
		"containers": [{"name": "api", "image": concat("", ["app", digest]), "securityContext": hardened}],
		"initContainers": [{"name": "migrate", "image": "migrate:1.0", "securityContext": hardened}],
	}}
	r := deny with input as inp
	r == {{"msg": "Pod/p: container migrate image migrate:1.0 is not pinned by @sha256 digest", "resource": "container migrate", "_path": "spec.initContainers.0.image"}}
}

test_soc2_cc6_8_01_fail_no_image if {
	r := deny with input as deployment({"runAsNonRoot": true}, [{"name": "api", "securityContext": hardened}])
	r == {{"msg": "Deployment/chat-api: container api image (no image) is not pinned by @sha256 digest", "resource": "container api", "_path": "spec.template.spec.containers.0"}}
}

test_soc2_cc6_8_01_fail_manifest_registry_not_allowed if {
	inp := deployment({"runAsNonRoot": true}, [
		{"name": "api", "image": concat("", ["registry.acme.example/chat-api", digest]), "securityContext": hardened},
		{"name": "sidecar", "image": concat("", ["ghcr.io/someone/proxy", digest]), "securityContext": hardened},
	])
	r := deny with input as inp with data.cxgov.config.allowed_registries as ["registry.acme.example"]
	r == {{"msg": concat("", ["Deployment/chat-api: container sidecar image ghcr.io/someone/proxy", digest, " is not from an allowed registry"]), "resource": "container sidecar", "_path": "spec.template.spec.containers.1.image"}}
}

test_soc2_cc6_8_01_pass_not_a_workload if {
	count(deny) == 0 with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {}}
}

# the registry branch reads data.cxgov.config.allowed_registries (empty by default: no restriction)
test_soc2_cc6_8_01_pass_allowed_registry if {
	registry_allowed("registry.acme.example/chat-api@sha256:1", ["registry.acme.example"])
	registry_allowed("123456789012.dkr.ecr.eu-central-1.amazonaws.com/acme-cx/chat-api@sha256:1", ["123456789012.dkr.ecr.eu-central-1.amazonaws.com/acme-cx"])
	registry_allowed("nginx@sha256:1", ["docker.io"])
	registry_allowed("localhost:5000/app@sha256:1", ["localhost:5000"])
}

test_soc2_cc6_8_01_fail_registry_not_allowed if {
	not registry_allowed("ghcr.io/someone/app@sha256:1", ["registry.acme.example"])
	not registry_allowed("nginx@sha256:1", ["registry.acme.example"])
	not registry_allowed("registry.acme.example.evil.io/app@sha256:1", ["registry.acme.example"])
	not registry_allowed("123456789012.dkr.ecr.eu-central-1.amazonaws.com/other/app@sha256:1", ["123456789012.dkr.ecr.eu-central-1.amazonaws.com/acme-cx"])
}
