# METADATA
# title: The descriptor holds no TODO left for a person to fill in
# description: >-
#   `cxgov init` drafts a descriptor from the repository's Kubernetes manifests and Terraform, and
#   writes the value TODO wherever only a person can know the answer: data classification, whether
#   personal data is held, retention, the DPA, the AI Act role and risk class, the owner. Until a
#   person replaces it, each TODO is a finding at its own line, so a drafted descriptor never passes
#   an audit on facts nobody stated. (cxgov validates and judges a TODO field as if it were absent,
#   so the rules that need the field report it too.)
# custom:
#   id: GOV-004
#   severity: high
#   gate: deny
#   applies_to: [descriptor]
#   frameworks:
#     soc2: [CC2.1]
#     gdpr: [Art.30(1)]
#   remediation: >-
#     Replace each TODO in the descriptor with the real value (the comment beside it says what is
#     expected; `cxgov schema descriptor` lists the allowed values), or delete the field when it does
#     not apply. The finding clears when no TODO is left.
package cxgov.governance.gov_todo

import rego.v1

import data.cxgov.lib.messages
import data.cxgov.lib.result

# the marker `cxgov init` writes; a format constant shared with cxgov/descriptor_todo.py, not reference data
marker := "TODO"

sections := {"services": "service", "data_stores": "data store", "log_sinks": "log sink", "ai_providers": "AI provider", "vendors": "vendor", "models": "model", "channels": "channel", "ropa": "RoPA entry"}

todo contains path if {
	walk(input, [path, value])
	value == marker
}

# the item a field belongs to, e.g. "data store orders-db"; the descriptor itself for top-level fields
resource(path) := concat(" ", [sections[path[0]], name]) if {
	count(path) > 2
	is_number(path[1])
	name := item_name(input[path[0]][path[1]])
}

resource(path) := "descriptor" if not item_resource(path)

item_resource(path) if {
	count(path) > 2
	is_number(path[1])
	sections[path[0]]
	item_name(input[path[0]][path[1]])
}

item_name(item) := item.name if is_string(item.name)

item_name(item) := item.id if {
	not is_string(object.get(item, "name", null))
	is_string(item.id)
}

deny contains result.at_path(msg, resource(path), messages.dotted(path)) if {
	some path in todo
	msg := concat("", ["descriptor field ", messages.dotted(path), " is still TODO (", resource(path), "): only a person can fill it in"])
}
