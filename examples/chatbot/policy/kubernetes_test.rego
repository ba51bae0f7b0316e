package main

import rego.v1

# Run with the example's data: cxgov policy test policy -d data

# --- fixtures ---------------------------------------------------------------------------------

ecr := "123456789012.dkr.ecr.eu-central-1.amazonaws.com"

good_container := {
	"name": "api",
	"image": sprintf("%s/acme-cx/chat-api:2.14.3", [ecr]),
	"env": [
		{"name": "DD_SITE", "value": "datadoghq.eu"},
		{"name": "LLM_REGION", "value": "eu-central-1"},
		{"name": "DD_AGENT_HOST", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}},
	],
	"resources": {"requests": {"cpu": "500m", "memory": "768Mi"}, "limits": {"memory": "1536Mi"}},
	"readinessProbe": {"httpGet": {"path": "/healthz/ready", "port": "http"}},
	"livenessProbe": {"httpGet": {"path": "/healthz/live", "port": "http"}},
}

pinned_to(region) := {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{
	"key": "topology.kubernetes.io/region",
	"operator": "In",
	"values": [region],
}]}]}}}

good_pod := {
	"securityContext": {"runAsNonRoot": true, "runAsUser": 10001},
	"affinity": pinned_to("eu-central-1"),
	"containers": [good_container],
}

deployment(pod) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "chat-api", "namespace": "acme-cx", "labels": {"app.kubernetes.io/component": "llm-gateway"}},
	"spec": {"template": {"spec": pod}},
}

with_container(c) := deployment(object.union(good_pod, {"containers": [c]}))

good := deployment(good_pod)

configmap(values) := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cx-runtime"}, "data": values}

# --- a compliant workload passes every rule ---------------------------------------------------

test_compliant_deployment_has_no_findings if {
	count(deny) == 0 with input as good
	count(deny_image_tag) == 0 with input as good
	count(deny_registry) == 0 with input as good
	count(deny_probes) == 0 with input as good
	count(deny_observability_site) == 0 with input as good
	count(deny_region) == 0 with input as good
	count(warn) == 0 with input as good
	count(exception) == 0 with input as good
}

# --- CHAT-K8S-001 runAsNonRoot -----------------------------------------------------------------

test_root_denied_without_security_context if {
	deny["Deployment chat-api: container api may run as root (runAsNonRoot is not set)"] with input as deployment(object.remove(good_pod, ["securityContext"]))
}

test_root_denied_when_container_overrides_pod if {
	c := object.union(good_container, {"securityContext": {"runAsNonRoot": false}})
	count(deny) == 1 with input as with_container(c)
}

test_root_denied_for_init_containers if {
	pod := object.union(good_pod, {"initContainers": [{"name": "migrate", "image": sprintf("%s/acme-cx/migrate:1.0.0", [ecr]), "securityContext": {"runAsNonRoot": false}}]})
	deny["Deployment chat-api: container migrate may run as root (runAsNonRoot is not set)"] with input as deployment(pod)
}

test_non_root_allowed_at_container_level if {
	c := object.union(good_container, {"securityContext": {"runAsNonRoot": true}})
	pod := object.union(object.remove(good_pod, ["securityContext"]), {"containers": [c]})
	count(deny) == 0 with input as deployment(pod)
}

# --- CHAT-K8S-002 pinned images ----------------------------------------------------------------

test_latest_tag_denied if {
	c := object.union(good_container, {"image": sprintf("%s/acme-cx/chat-api:latest", [ecr])})
	deny_image_tag[sprintf("Deployment chat-api: container api uses image %s/acme-cx/chat-api:latest, which is not pinned", [ecr])] with input as with_container(c)
}

test_untagged_image_denied if {
	c := object.union(good_container, {"image": "registry.local:5000/chat-api"})
	count(deny_image_tag) == 1 with input as with_container(c)
}

test_digest_allowed if {
	c := object.union(good_container, {"image": sprintf("%s/acme-cx/chat-api@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", [ecr])})
	count(deny_image_tag) == 0 with input as with_container(c)
}

test_version_tag_with_registry_port_allowed if {
	c := object.union(good_container, {"image": "registry.local:5000/chat-api:2.14.3"})
	count(deny_image_tag) == 0 with input as with_container(c)
}

# --- CHAT-K8S-003 approved registries (object results) -----------------------------------------

test_unapproved_registry_denied if {
	c := object.union(good_container, {"image": "ghcr.io/huggingface/text-embeddings-inference:cpu-1.5"})
	results := deny_registry with input as with_container(c)
	count(results) == 1
	some r in results
	r.registry == "ghcr.io"
	r.container == "api"
	startswith(r.msg, "Deployment chat-api: container api pulls ghcr.io/")
}

test_docker_hub_short_name_denied if {
	c := object.union(good_container, {"image": "nginx:1.27.2"})
	results := deny_registry with input as with_container(c)
	some r in results
	r.registry == "docker.io"
}

test_approved_registry_allowed if {
	count(deny_registry) == 0 with input as good
}

# --- CHAT-K8S-004 probes and the queue-worker exception -----------------------------------------

test_missing_probes_denied if {
	c := object.remove(good_container, ["readinessProbe", "livenessProbe"])
	deny_probes["Deployment chat-api: container api has no readinessProbe"] with input as with_container(c)
	deny_probes["Deployment chat-api: container api has no livenessProbe"] with input as with_container(c)
}

test_probes_present_allowed if {
	count(deny_probes) == 0 with input as good
}

test_probes_not_required_for_jobs if {
	job := object.union(good, {"kind": "Job", "spec": {"template": {"spec": {"containers": [object.remove(good_container, ["readinessProbe", "livenessProbe"])]}}}})
	count(deny_probes) == 0 with input as job
}

test_queue_worker_excepted_from_probes if {
	worker := object.union(good, {"metadata": {"labels": {"app.kubernetes.io/component": "queue-worker"}}})
	["probes"] in exception with input as worker
}

test_gateway_not_excepted if {
	not ["probes"] in exception with input as good
}

# --- CHAT-K8S-005 observability site -----------------------------------------------------------

test_us_datadog_site_denied if {
	c := object.union(good_container, {"env": [{"name": "DD_SITE", "value": "datadoghq.com"}]})
	deny_observability_site["Deployment chat-api: container api sends telemetry to DD_SITE=datadoghq.com, outside the EU"] with input as with_container(c)
}

test_us_datadog_site_in_configmap_denied if {
	deny_observability_site["ConfigMap cx-runtime sets DD_SITE=us5.datadoghq.com, outside the EU"] with input as configmap({"DD_SITE": "us5.datadoghq.com"})
}

test_eu_datadog_site_allowed if {
	count(deny_observability_site) == 0 with input as good
	count(deny_observability_site) == 0 with input as configmap({"DD_SITE": "datadoghq.eu"})
}

# --- CHAT-K8S-006 regions ------------------------------------------------------------------------

test_unpinned_workload_denied if {
	deny_region["Deployment chat-api is not pinned to a region (no required topology.kubernetes.io/region node affinity)"] with input as deployment(object.remove(good_pod, ["affinity"]))
}

test_workload_in_us_region_denied if {
	deny_region["Deployment chat-api may be scheduled in region us-east-1, which is not allowed"] with input as deployment(object.union(good_pod, {"affinity": pinned_to("us-east-1")}))
}

test_node_selector_region_allowed if {
	pod := object.union(object.remove(good_pod, ["affinity"]), {"nodeSelector": {"topology.kubernetes.io/region": "eu-west-1"}})
	count(deny_region) == 0 with input as deployment(pod)
}

test_llm_region_outside_allowed_denied if {
	c := object.union(good_container, {"env": [{"name": "LLM_REGION", "value": "us-west-2"}]})
	deny_region["Deployment chat-api: container api sets LLM_REGION=us-west-2, which is not an allowed region"] with input as with_container(c)
}

test_llm_region_in_configmap_denied if {
	count(deny_region) == 1 with input as configmap({"LLM_REGION": "us-east-1"})
}

test_allowed_regions_pass if {
	count(deny_region) == 0 with input as good
	count(deny_region) == 0 with input as configmap({"LLM_REGION": "eu-central-1", "AWS_REGION": "eu-north-1"})
}

# --- CHAT-K8S-007 memory limits (warn) -----------------------------------------------------------

test_missing_memory_limit_warns if {
	c := object.union(object.remove(good_container, ["resources"]), {"resources": {"requests": {"memory": "512Mi"}, "limits": {"cpu": "1"}}})
	warn["Deployment chat-api: container api has no memory limit"] with input as with_container(c)
}

test_memory_limit_set_no_warning if {
	count(warn) == 0 with input as good
}

# --- CHAT-K8S-008 ingress TLS --------------------------------------------------------------------

ingress(tls_hosts) := {
	"apiVersion": "networking.k8s.io/v1",
	"kind": "Ingress",
	"metadata": {"name": "chat"},
	"spec": {
		"tls": [{"hosts": tls_hosts, "secretName": "chat-tls"}],
		"rules": [{"host": "chat.acme.example"}, {"host": "assist.acme.example"}],
	},
}

test_ingress_host_without_tls_denied if {
	deny_ingress_tls["Ingress chat serves host assist.acme.example without TLS"] with input as ingress(["chat.acme.example"])
}

test_ingress_with_tls_for_every_host_allowed if {
	count(deny_ingress_tls) == 0 with input as ingress(["chat.acme.example", "assist.acme.example"])
}
