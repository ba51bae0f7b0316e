# METADATA
# title: Kubernetes workload hygiene
# custom:
#   frameworks:
#     soc2: [CC6.8]
package main

import rego.v1

# METADATA
# title: Workloads run as non-root
# description: A container running as root turns a container escape into a node compromise.
# custom:
#   id: K8S-ROOT
#   severity: high
#   remediation: Set spec.template.spec.securityContext.runAsNonRoot to true.
deny contains msg if {
	input.kind == "Deployment"
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("Deployment %s must set runAsNonRoot", [input.metadata.name])
}

# METADATA
# title: No mutable image tags
# custom:
#   id: K8S-TAG
#   severity: medium
#   frameworks:
#     soc2: [CC8.1]
deny_image_tag contains msg if {
	input.kind == "Deployment"
	some c in input.spec.template.spec.containers
	endswith(c.image, ":latest")
	msg := sprintf("container %s uses the latest tag", [c.name])
}

violation contains {"msg": msg, "registry": registry} if {
	input.kind == "Deployment"
	some c in input.spec.template.spec.containers
	registry := split(c.image, "/")[0]
	not allowed_registry(registry)
	msg := sprintf("registry %s is not allowed", [registry])
}

# undefined as a whole when the list is absent, so `not` holds then (a bare `not registry in
# data.allowed_registries` would be undefined without the data file: OPA hoists the operand)
allowed_registry(registry) if registry in data.allowed_registries

warn contains msg if {
	input.kind == "Service"
	input.spec.type == "LoadBalancer"
	msg := sprintf("Service %s is exposed through a LoadBalancer", [input.metadata.name])
}

warn_labels contains {"msg": "missing app label", "_loc": {"file": "files/labels-policy.md", "line": 7}} if {
	input.kind == "Service"
	not input.metadata.labels.app
}

exception contains rules if {
	input.metadata.name == "legacy-batch"
	rules := ["image_tag"]
}
