# METADATA
# title: What kind of document the input is
# description: >-
#   Builtin rules declare the subject kinds they judge (custom.applies_to) and cxgov only asks
#   them about those; these helpers give rules the parts of each input they work on.
package cxgov.lib.subject

import rego.v1

# the system view (kind `system`): the descriptor plus what rules spanning sources need
descriptor := input.descriptor

production if descriptor.system.environment == "production"

high_risk if descriptor.system.ai_act.risk_class == "high"

provider_role if descriptor.system.ai_act.role in {"provider", "both"}

# the line of a descriptor field (dotted path, e.g. "data_stores.0.region"), for findings'
# locations; a field that is missing points at its nearest declared parent, else the first line
loc(path) := {"file": input.descriptor_file, "line": input.lines[declared[count(declared) - 1]]} if {
	declared := declared_prefixes(path)
	count(declared) > 0
}

loc(path) := {"file": input.descriptor_file, "line": 1} if count(declared_prefixes(path)) == 0

declared_prefixes(path) := [p |
	parts := split(path, ".")
	some n in numbers.range(1, count(parts))
	p := concat(".", array.slice(parts, 0, n))
	input.lines[p]
]

# the other documents of the system, by kind
documents(kind) := [d | some d in input.documents; d.kind == kind]
