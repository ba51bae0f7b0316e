# METADATA
# title: Message helpers
# description: How findings' messages show the settings they judge, the same in every rule.
package cxgov.lib.messages

import rego.v1

# a setting as a message shows it: a string as is, any other value as Rego prints it, "not set"
# when absent or null
shown(o, k) := o[k] if is_string(o[k])

shown(o, k) := sprintf("%v", [v]) if {
	v := o[k]
	v != null
	not is_string(v)
}

shown(o, k) := "not set" if not has_value(o, k)

has_value(o, k) if o[k] != null

# a number as message text, as Rego prints it
num(n) := sprintf("%v", [n])

# a path (keys and list indexes) as the dotted text findings and messages show
dotted(path) := concat(".", [sprintf("%v", [p]) | some p in path])
