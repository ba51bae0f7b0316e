# METADATA
# title: Kubernetes workload helpers
package cxgov.lib.kubernetes

import rego.v1

workload_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

pod_spec := input.spec.template.spec if input.kind in workload_kinds

pod_spec := input.spec.jobTemplate.spec.template.spec if input.kind == "CronJob"

pod_spec := input.spec if input.kind == "Pod"

# where pod_spec sits in the manifest, for findings' `_path`
pod_spec_path := "spec.template.spec" if input.kind in workload_kinds

pod_spec_path := "spec.jobTemplate.spec.template.spec" if input.kind == "CronJob"

pod_spec_path := "spec" if input.kind == "Pod"

# one body, not a partial set of two: rules judging every manifest use it
containers := array.concat(object.get(pod_spec, "containers", []), object.get(pod_spec, "initContainers", []))

# the same containers with their paths ({"container", "path"}), so a finding can point at its field
container_entries := array.concat(entries("containers"), entries("initContainers"))

entries(key) := [{"container": c, "path": concat(".", [pod_spec_path, key, format_int(i, 10)])} |
	some i, c in object.get(pod_spec, key, [])
]

# the path of `key` of the object at `path`, or `path` itself when the object does not have the key
field_path(path, obj, key) := concat(".", [path, key]) if has_key(obj, key)

field_path(path, obj, key) := path if not has_key(obj, key)

has_key(obj, key) if _ = obj[key]

name := input.metadata.name

name := "(unnamed)" if not input.metadata.name

label := sprintf("%s/%s", [input.kind, name])

# regions a workload is pinned to through node affinity or a node selector
regions contains r if {
	some term in pod_spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms
	some expr in term.matchExpressions
	expr.key in {"topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"}
	expr.operator == "In"
	some r in expr.values
}

regions contains r if {
	some key in {"topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"}
	r := pod_spec.nodeSelector[key]
}
