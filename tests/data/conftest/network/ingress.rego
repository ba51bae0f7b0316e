package kubernetes.network

import rego.v1

deny contains msg if {
	input.kind == "Ingress"
	not input.spec.tls
	msg := sprintf("Ingress %s serves plain HTTP", [input.metadata.name])
}
