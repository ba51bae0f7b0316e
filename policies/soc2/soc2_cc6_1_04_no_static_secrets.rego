# METADATA
# title: No static secrets in manifests or plans
# description: >-
#   A credential written into a Kubernetes manifest (an env value, a ConfigMap key, a Secret's
#   data) or into Terraform configuration (a literal password, key or token, a secret-named
#   environment variable, a variable default) is readable by everyone with the repository and
#   cannot be rotated without a change. Secret-like names come from
#   data.cxgov.ref.security.secret_env_suffixes and data.cxgov.ref.soc2_secrets.
# custom:
#   id: SOC2-CC6.1-04
#   severity: critical
#   gate: deny
#   applies_to: [kubernetes, terraform-plan]
#   frameworks:
#     soc2: [CC6.1]
#   remediation: >-
#     Rotate the exposed credential, then reference it instead of writing it: env
#     valueFrom.secretKeyRef or a Secrets Store CSI volume in Kubernetes (with External Secrets or
#     Sealed Secrets instead of a plain Secret manifest), and in Terraform a secrets manager
#     (manage_master_user_password, aws_secretsmanager_secret, Key Vault references) or a
#     variable without a default supplied by the pipeline.
package cxgov.soc2.soc2_cc6_1_04

import rego.v1

import data.cxgov.lib.kubernetes
import data.cxgov.lib.result

suffixes := data.cxgov.ref.security.secret_env_suffixes

ref := data.cxgov.ref.soc2_secrets

secret_name(name) if {
	is_string(name)
	some s in suffixes
	endswith(upper(name), s)
}

literal(v) if {
	is_string(v)
	v != ""
	not startswith(v, "$(") # a reference to another variable of the container
}

# --- Kubernetes ---

deny contains result.at_path(msg, concat("", ["container ", c.name, " env ", e.name]), concat(".", [entry.path, "env", format_int(j, 10), "value"])) if {
	some entry in kubernetes.container_entries
	c := entry.container
	some j, e in c.env
	secret_name(e.name)
	literal(e.value)
	msg := concat("", [kubernetes.label, ": container ", c.name, " sets ", e.name, " to a literal value (use valueFrom.secretKeyRef or a CSI secret volume)"])
}

deny contains result.at_path(msg, concat("", ["key ", k]), concat(".", ["data", k])) if {
	input.kind == "ConfigMap"
	some k, v in input.data
	secret_name(k)
	literal(v)
	msg := concat("", [kubernetes.label, ": key ", k, " holds a literal secret in a ConfigMap"])
}

deny contains result.at_path(msg, kubernetes.label, secret_values_path) if {
	input.kind in ref.kubernetes_secret_kinds
	values := object.union(object.get(input, "data", {}), object.get(input, "stringData", {}))
	keys := {k | some k; values[k]}
	count(keys) > 0
	msg := concat("", [kubernetes.label, ": the manifest carries the secret values (", concat(", ", sort(keys)), "); keep them out of the repository"])
}

# the block holding the values: data, else stringData
secret_values_path := "data" if count(object.get(input, "data", {})) > 0

secret_values_path := "stringData" if count(object.get(input, "data", {})) == 0

# --- Terraform plan (configuration: constant_value is a literal in the code) ---

# every block of the configuration with expressions: resources, module calls, provider configs
blocks contains {"label": block_label(path, node), "type": object.get(node, "type", ""), "expressions": node.expressions, "path": path} if {
	walk(input.configuration, [path, node])
	is_object(node)
	is_object(node.expressions)
}

block_label(_, node) := node.address if is_string(node.address)

block_label(path, node) := concat(".", [label_part(p) | some p in path]) if not is_string(object.get(node, "address", null))

label_part(p) := p if is_string(p)

label_part(p) := sprintf("%v", [p]) if not is_string(p)

# the path of a value inside a block's expressions, from the document's root
expression_path(b, path) := concat(".", array.concat(array.concat(["configuration"], [label_part(p) | some p in b.path]), array.concat(["expressions"], [label_part(p) | some p in path])))

# each constant in a block's expressions: [block, its path, the attribute that holds it, its value]
constants contains [b, path, path[count(path) - 2], v] if {
	some b in blocks
	walk(b.expressions, [path, v])
	count(path) >= 2
	path[count(path) - 1] == "constant_value"
}

deny contains result.at_path(msg, b.label, expression_path(b, path)) if {
	some [b, path, attr, v] in constants
	attr in ref.terraform_attributes
	literal(v)
	msg := concat("", [b.label, ": ", attr, " is a literal in the Terraform configuration"])
}

deny contains result.at_path(msg, b.label, expression_path(b, array.concat(path, [name]))) if {
	some [b, path, attr, v] in constants
	attr in ref.terraform_env_maps
	is_object(v)
	some name, value in v
	secret_name(name)
	literal(value)
	msg := concat("", [b.label, ": ", attr, " sets ", name, " to a literal value"])
}

deny contains result.at_path(msg, b.label, expression_path(b, ["value", "constant_value"])) if {
	some b in blocks
	b.type == "aws_ssm_parameter"
	b.expressions.type.constant_value == "SecureString"
	literal(b.expressions.value.constant_value)
	msg := concat("", [b.label, ": the SecureString value is a literal in the Terraform configuration"])
}

deny contains result.at_path(msg, concat("", ["var.", name]), concat(".", array.concat(["configuration"], [label_part(p) | some p in array.concat(path, ["default"])]))) if {
	walk(input.configuration, [path, node])
	count(path) >= 2
	path[count(path) - 2] == "variables"
	name := path[count(path) - 1]
	is_object(node)
	secret_variable(name)
	literal(node.default)
	msg := concat("", ["variable ", name, ": has a literal default value (a secret in the code)"])
}

secret_variable(name) if secret_name(name)

secret_variable(name) if name in ref.terraform_attributes
