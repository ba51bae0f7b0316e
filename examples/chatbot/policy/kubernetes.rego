# METADATA
# title: acme-cx Kubernetes policies
# description: Workload hygiene and data residency for the acme-cx chatbot and agent-assist services.
# custom:
#   applies_to: [kubernetes]
package main

import rego.v1

workload_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

long_running_kinds := {"Deployment", "StatefulSet", "DaemonSet"}

pod_spec := input.spec.template.spec if input.kind in workload_kinds

pod_spec := input.spec.jobTemplate.spec.template.spec if input.kind == "CronJob"

containers contains c if {
	some c in pod_spec.containers
}

containers contains c if {
	some c in pod_spec.initContainers
}

label := sprintf("%s %s", [input.kind, input.metadata.name])

# METADATA
# title: Containers run as non-root
# description: >-
#   A container running as root turns a container escape into a node compromise, and these pods hold
#   customer transcripts and model credentials.
# custom:
#   id: CHAT-K8S-001
#   severity: high
#   frameworks:
#     soc2: [CC6.8]
#   remediation: >-
#     Set securityContext.runAsNonRoot to true on the pod or on the container, with a non-zero runAsUser
#     the image supports.
deny contains msg if {
	some c in containers
	not runs_as_non_root(c)
	msg := sprintf("%s: container %s may run as root (runAsNonRoot is not set)", [label, c.name])
}

runs_as_non_root(c) if c.securityContext.runAsNonRoot == true

runs_as_non_root(c) if {
	pod_spec.securityContext.runAsNonRoot == true
	not c.securityContext.runAsNonRoot == false
}

# METADATA
# title: Images are pinned to a version or digest
# description: >-
#   A mutable tag (:latest, or none) means the code that runs is not the code that was reviewed and
#   scanned, and a rollback may not restore the previous version.
# custom:
#   id: CHAT-K8S-002
#   severity: medium
#   frameworks:
#     soc2: [CC8.1]
#   remediation: Deploy an immutable version tag (the release or git SHA) or an @sha256 digest.
deny_image_tag contains msg if {
	some c in containers
	image := c.image
	not pinned(image)
	msg := sprintf("%s: container %s uses image %s, which is not pinned", [label, c.name, image])
}

pinned(image) if contains(image, "@sha256:")

pinned(image) if {
	not contains(image, "@")
	tag := image_tag(image)
	tag != "latest"
}

# the tag of the last path segment (a registry host may carry a :port)
image_tag(image) := tag if {
	segments := split(image, "/")
	parts := split(segments[count(segments) - 1], ":")
	count(parts) == 2
	tag := parts[1]
}

# METADATA
# title: Images come from approved registries
# description: >-
#   Only images from registries the platform team mirrors, scans and signs may run next to customer data.
# custom:
#   id: CHAT-K8S-003
#   severity: high
#   frameworks:
#     soc2: [CC6.8, CC7.1]
#   remediation: Mirror the image into the ECR registry listed in data.allowed_registries and deploy it from there.
deny_registry contains {"msg": msg, "registry": registry, "container": c.name} if {
	some c in containers
	registry := image_registry(c.image)
	not allowed_registry(registry)
	msg := sprintf("%s: container %s pulls %s from %s, which is not an approved registry", [label, c.name, c.image, registry])
}

allowed_registry(registry) if registry in data.allowed_registries

image_registry(image) := host if {
	host := split(image, "/")[0]
	has_registry_host(image)
}

image_registry(image) := "docker.io" if not has_registry_host(image)

has_registry_host(image) if {
	parts := split(image, "/")
	count(parts) > 1
	regex.match(`[.:]|^localhost$`, parts[0])
}

# METADATA
# title: Long-running containers have readiness and liveness probes
# description: >-
#   Without probes a hung chat container keeps receiving conversations and is never restarted.
# custom:
#   id: CHAT-K8S-004
#   severity: medium
#   frameworks:
#     soc2: [A1.2]
#   remediation: Add an httpGet (or exec) readinessProbe and livenessProbe to every container.
deny_probes contains msg if {
	input.kind in long_running_kinds
	some c in pod_spec.containers
	some probe in ["readinessProbe", "livenessProbe"]
	not c[probe]
	msg := sprintf("%s: container %s has no %s", [label, c.name, probe])
}

# Queue workers serve no HTTP endpoint to probe; the platform restarts them on a queue-lag alert
# instead (runbook RB-117), so the probe rule does not apply to them.
exception contains rules if {
	input.kind == "Deployment"
	input.metadata.labels["app.kubernetes.io/component"] == "queue-worker"
	rules := ["probes"]
}

# METADATA
# title: Observability data stays in the EU
# description: >-
#   The chat services log conversation text and traces carry customer identifiers; sending them to a
#   Datadog site outside the EU is a transfer of personal data to a third country.
# custom:
#   id: CHAT-K8S-005
#   severity: high
#   frameworks:
#     gdpr: [Art.44]
#     soc2: [CC6.7]
#   remediation: Set DD_SITE to datadoghq.eu (or remove the override so the shared ConfigMap's value applies).
deny_observability_site contains msg if {
	some c in containers
	some e in c.env
	e.name == "DD_SITE"
	site := e.value
	is_string(site)
	not allowed_observability_site(site)
	msg := sprintf("%s: container %s sends telemetry to DD_SITE=%s, outside the EU", [label, c.name, site])
}

deny_observability_site contains msg if {
	input.kind == "ConfigMap"
	site := input.data.DD_SITE
	not allowed_observability_site(site)
	msg := sprintf("ConfigMap %s sets DD_SITE=%s, outside the EU", [input.metadata.name, site])
}

allowed_observability_site(site) if site in data.allowed_observability_sites

# METADATA
# title: Workloads and model calls stay in allowed regions
# description: >-
#   Pods that handle conversations must be scheduled in an allowed region, and the LLM and AWS
#   endpoints they call must be in one too.
# custom:
#   id: CHAT-K8S-006
#   severity: critical
#   frameworks:
#     gdpr: [Art.44]
#     soc2: [CC6.1]
#   remediation: >-
#     Require node affinity on topology.kubernetes.io/region with allowed regions only, and point
#     LLM_REGION / AWS_REGION at an allowed region.
deny_region contains msg if {
	input.kind in long_running_kinds
	count(regions) == 0
	msg := sprintf("%s is not pinned to a region (no required topology.kubernetes.io/region node affinity)", [label])
}

deny_region contains msg if {
	some r in regions
	not allowed_region(r)
	msg := sprintf("%s may be scheduled in region %s, which is not allowed", [label, r])
}

deny_region contains msg if {
	some c in containers
	some e in c.env
	e.name in {"LLM_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"}
	region := e.value
	is_string(region)
	not allowed_region(region)
	msg := sprintf("%s: container %s sets %s=%s, which is not an allowed region", [label, c.name, e.name, region])
}

deny_region contains msg if {
	input.kind == "ConfigMap"
	some key in ["LLM_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"]
	region := input.data[key]
	not allowed_region(region)
	msg := sprintf("ConfigMap %s sets %s=%s, which is not an allowed region", [input.metadata.name, key, region])
}

allowed_region(region) if region in data.allowed_regions

regions contains r if {
	some term in pod_spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms
	some expr in term.matchExpressions
	expr.key == "topology.kubernetes.io/region"
	expr.operator == "In"
	some r in expr.values
}

regions contains r if {
	r := pod_spec.nodeSelector["topology.kubernetes.io/region"]
}

# METADATA
# title: Containers have a memory limit
# description: >-
#   One runaway conversation (a long context, a retrieval loop) must not starve the other pods on the node.
# custom:
#   id: CHAT-K8S-007
#   severity: low
#   frameworks:
#     soc2: [A1.1]
#   remediation: Set resources.limits.memory on every container.
warn contains msg if {
	some c in containers
	not c.resources.limits.memory
	msg := sprintf("%s: container %s has no memory limit", [label, c.name])
}

# METADATA
# title: Ingresses terminate TLS for every host
# description: Chat traffic carries personal data and session tokens; it never crosses the internet in clear text.
# custom:
#   id: CHAT-K8S-008
#   severity: high
#   frameworks:
#     soc2: [CC6.7]
#     gdpr: [Art.32]
#   remediation: List every host of spec.rules under spec.tls with a certificate secret.
deny_ingress_tls contains msg if {
	input.kind == "Ingress"
	some rule in input.spec.rules
	host := rule.host
	not host_has_tls(host)
	msg := sprintf("Ingress %s serves host %s without TLS", [input.metadata.name, host])
}

host_has_tls(host) if {
	some t in input.spec.tls
	host in t.hosts
}
