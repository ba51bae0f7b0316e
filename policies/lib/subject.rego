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

# the line of `field` (a key, or a dotted path below the entry) of the descriptor entry at `path`
# ("ai_providers.0", "model_id") when the descriptor has it, else the line of the entry
field_loc(path, field) := loc(p) if {
	p := concat(".", [path, field])
	input.lines[p]
}

field_loc(path, field) := loc(path) if not input.lines[concat(".", [path, field])]

declared_prefixes(path) := [p |
	parts := split(path, ".")
	some n in numbers.range(1, count(parts))
	p := concat(".", array.slice(parts, 0, n))
	input.lines[p]
]

# the other documents of the system, by kind
documents(kind) := [d | some d in input.documents; d.kind == kind]

# a location inside another document of the system (an entry of documents(kind)): cxgov resolves
# `path` (dotted keys and list indexes) to its line in that document's file
doc_loc(doc, path) := {"file": doc.file, "line": doc.line, "path": path}

# where a finding about attribute `attr` (a key, or an array of keys and indexes below it) of a
# Terraform resource (an entry of terraform.resources) points: the attribute when the resource
# has it (cxgov falls back to the deepest part of a nested path that exists), else the resource
tf_path(r, attr) := concat(".", array.concat([r.path, "change.after"], path_parts(attr))) if tf_has(r, attr)

tf_path(r, attr) := r.path if not tf_has(r, attr)

tf_has(r, attr) if _ = r.values[path_parts(attr)[0]]

path_parts(attr) := [attr] if is_string(attr)

path_parts(attr) := [path_part(p) | some p in attr] if is_array(attr)

path_part(p) := p if is_string(p)

path_part(p) := format_int(p, 10) if is_number(p)
