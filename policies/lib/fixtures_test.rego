# Inputs shared by the builtin packs' unit tests. A `_test.rego` module: only `policy test` loads it,
# never a check.
package cxgov.lib.fixtures

import rego.v1

# the system view cxgov builds around a descriptor: no line numbers, no evidence facts, no other
# documents of the system
system(d) := {"evaluation_date": "2026-11-22", "descriptor": d, "descriptor_file": "cxgov.yaml", "lines": {}, "evidence": {}, "documents": []}

# the system view with some of its parts given: lines, evidence, documents or evaluation_date
system_with(d, parts) := object.union(system(d), parts)

system_with_evidence(d, evidence) := system_with(d, {"evidence": evidence})

system_with_documents(d, documents) := system_with(d, {"documents": documents})

# a Terraform plan creating each resource [type, name, values after apply]
plan(resources) := {"format_version": "1.2", "terraform_version": "1.9.8", "evaluation_date": "2026-11-22", "resource_changes": [rc |
	some r in resources
	rc := {"address": concat("", [r[0], ".", r[1]]), "type": r[0], "name": r[1], "mode": "managed", "change": {"actions": ["create"], "after": r[2]}}
]}

# a Kubernetes Pod of one container with this image and env
pod(env, image) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": image, "env": env}]}}
