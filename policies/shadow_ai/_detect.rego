# METADATA
# title: AI services a document uses, found by structure
# description: >-
#   found(kind, doc) is the set of AI usages one subject document shows: hosts of URLs (exact hosts
#   and the regional patterns of data.cxgov.ref.ai_catalog), API-key and endpoint environment
#   variable names, key shapes of literal values, container image repositories of AI servers and
#   gateways, Terraform resource types and providers, and SDK package names. Every match is on a
#   whole structural unit (a host, a name, a repository, a type), never a substring, so an internal
#   host that contains "ai", a comment naming a vendor or a look-alike domain never matches. Each
#   usage is {provider, kind, evidence, host, region, path, line}; `path` is a dotted path into the
#   document (Kubernetes, Terraform) and `line` the line of a manifest or `.env` entry. Values are
#   never copied: a usage names the variable, host or package, never a secret.
package cxgov.shadow_ai.detect

import rego.v1

import data.cxgov.lib.geo
import data.cxgov.lib.kubernetes as k8s

catalog := data.cxgov.ref.ai_catalog

# pod specs by workload kind: where containers live in each
pod_spec_paths := {
	"Pod": ["spec"],
	"Deployment": ["spec", "template", "spec"],
	"StatefulSet": ["spec", "template", "spec"],
	"DaemonSet": ["spec", "template", "spec"],
	"ReplicaSet": ["spec", "template", "spec"],
	"Job": ["spec", "template", "spec"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
}

usage(provider, kind, evidence, host, region, path, line) := {
	"provider": provider, "kind": kind, "evidence": evidence,
	"host": host, "region": region, "path": path, "line": line,
}

# --- hosts ----------------------------------------------------------------------------------------

# the host of a URL (lower case, without user part or port); undefined when `v` is not a URL
url_host(v) := h if {
	contains(v, "://")
	m := regex.find_all_string_submatch_n(`^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#\s]*@)?([^:/?#\s\[\]]+)`, trim_space(v), 1)
	h := lower(m[0][1])
}

# every host of a URL inside a longer text (a ConfigMap holding a whole config file)
text_hosts(v) := {lower(m[1]) |
	contains(v, "://")
	some m in regex.find_all_string_submatch_n(`[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#\s"']*@)?([^:/?#\s"'\[\]]+)`, v, -1)
}

# {provider, region} for each catalog entry a host is: an exact host, or a regional pattern
host_matches(h) := {{"provider": e.provider, "region": e.region} | e := catalog.hosts[h]} | {{"provider": p.provider, "region": pattern_region(m[0])} |
	some p in catalog.host_patterns
	endswith(h, p.suffix)
	m := regex.find_all_string_submatch_n(p.pattern, h, 1)
	count(m) == 1
}

pattern_region(groups) := groups[1] if count(groups) > 1

pattern_region(groups) := null if count(groups) == 1

host_usages(h, evidence, path, line) := {usage(m.provider, "endpoint", evidence, h, m.region, path, line) | some m in host_matches(h)}

# --- names, shapes and images ---------------------------------------------------------------------

# a variable named in the catalog; endpoint variables whose literal value is a URL are judged by
# that URL's host instead (an ANTHROPIC_BASE_URL pointing at an internal gateway is the gateway)
name_usage(name, value, path, line) := usage(e.provider, e.role, concat(" ", ["variable", name]), null, null, path, line) if {
	e := catalog.env_vars[name]
	not url_decided(e, value)
}

url_decided(e, value) if {
	e.url_decides == true
	is_string(value)
	url_host(value)
}

shape_usages(value, evidence, path, line) := {usage(s.provider, "api-key", evidence, null, null, path, line) |
	is_string(value)
	some s in catalog.key_shapes
	startswith(value, s.prefix)
	regex.match(s.pattern, value)
}

# --- Kubernetes -----------------------------------------------------------------------------------

# dispatched on the object's kind first: most documents are workloads with nothing to find, and
# each of them should cost a few lookups
kubernetes(doc) := k8s_workload(doc) if {
	pod_spec_paths[doc.kind]
} else := k8s_config(doc) if {
	doc.kind == "ConfigMap"
} else := k8s_secret_keys(doc) if {
	doc.kind == "Secret"
} else := k8s_hosts(doc)

k8s_workload(doc) := {u |
	base := pod_spec_paths[doc.kind]
	some field in ["containers", "initContainers"]
	some i, c in object.get(doc, array.concat(base, [field]), [])
	some u in container_usages(base, field, i, c)
}

# paths and messages are built only for what matches: most containers match nothing
container_usages(base, field, i, c) := image_usages(base, field, i, c) | {u |
	some j, env in object.get(c, "env", [])
	is_string(env.name)
	worth_a_look(env)
	some u in env_usages(env, concat(".", array.concat(base, [field, format_int(i, 10), "env", format_int(j, 10)])))
}

worth_a_look(env) if catalog.env_vars[env.name]

worth_a_look(env) if {
	is_string(env.value)
	contains(env.value, "://")
}

worth_a_look(env) if {
	is_string(env.value)
	count(env.value) >= catalog.min_key_length.chars
}

image_usages(base, field, i, c) := {usage(e.provider, "model-server", concat(" ", ["image", image_repository(c.image)]), null, null, concat(".", array.concat(base, [field, format_int(i, 10), "image"])), null) |
	key := image_key(c.image)
	e := catalog.images[key]
}

# the image's repository as written, without tag or digest (a registry port stays)
image_repository(image) := concat("/", array.concat(array.slice(parts, 0, count(parts) - 1), [split(parts[count(parts) - 1], ":")[0]])) if {
	parts := split(split(image, "@")[0], "/")
}

# the last two parts of an image's repository (namespace/name: how the catalog keys images), so a
# mirror (another registry, or a namespace above) keeps matching; no tag, no digest
image_key(image) := key if {
	is_string(image)
	parts := split(split(image, "@")[0], "/")
	n := count(parts)
	n >= 2
	key := lower(concat("/", [parts[n - 2], split(parts[n - 1], ":")[0]]))
}

env_usages(env, at) := name_usages(env.name, object.get(env, "value", null), at, null) | value_usages(object.get(env, "value", null), concat(" ", ["variable", env.name]), concat(".", [at, "value"]), null)

name_usages(name, value, path, line) := {name_usage(name, value, path, line) | catalog.env_vars[name]; name_usage(name, value, path, line)}

# what a literal value shows: the host of a URL, or a key's shape (only long values can be keys)
value_usages(value, evidence, path, line) := host_usages(url_host(value), evidence, path, line) if {
	is_string(value)
	contains(value, "://")
} else := shape_usages(value, evidence, path, line) if {
	is_string(value)
	count(value) >= catalog.min_key_length.chars
} else := set()

k8s_config(doc) := {u |
	some k, v in object.get(doc, "data", {})
	is_string(k)
	some u in config_entry(k, v, concat(".", ["data", k]))
}

config_entry(k, v, path) := (name_usages(k, v, path, null) | shape_usages(v, concat(" ", ["key", k]), path, null)) | {u |
	is_string(v)
	some h in text_hosts(v)
	some u in host_usages(h, concat(" ", ["key", k]), path, null)
}

# a Secret's keys (names only: its values are never read)
k8s_secret_keys(doc) := {u |
	some block in ["data", "stringData"]
	some k, _ in object.get(doc, block, {})
	is_string(k)
	some u in name_usages(k, null, concat(".", [block, k]), null)
}

# hosts an Ingress serves, an Istio ServiceEntry or a Cilium policy lets pods reach
k8s_hosts(doc) := {u |
	some hp in declared_hosts(doc)
	some u in host_usages(lower(hp[0]), concat(" ", ["host", hp[0]]), hp[1], null)
}

declared_hosts(doc) := {[r.host, concat(".", ["spec.rules", format_int(i, 10), "host"])] |
	doc.kind == "Ingress"
	some i, r in object.get(doc, ["spec", "rules"], [])
	is_string(r.host)
} | ({[h, concat(".", ["spec.hosts", format_int(i, 10)])] |
	doc.kind == "ServiceEntry"
	some i, h in object.get(doc, ["spec", "hosts"], [])
	is_string(h)
} | {[f.matchName, concat(".", ["spec.egress", format_int(i, 10), "toFQDNs", format_int(j, 10), "matchName"])] |
	doc.kind in {"CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"}
	some i, rule in object.get(doc, ["spec", "egress"], [])
	some j, f in object.get(rule, "toFQDNs", [])
	is_string(f.matchName)
})

# --- Terraform ------------------------------------------------------------------------------------

terraform(doc) := tf_resources(doc) | tf_providers(doc)

tf_resources(doc) := {object.union(usage(tf_provider(doc, rc, e), "resource", rc.address, tf_host(doc, rc, e), tf_region(doc, rc, e), concat(".", ["resource_changes", format_int(i, 10)]), null), {"asset": object.get(e, "asset", "service")}) |
	some i, rc in object.get(doc, "resource_changes", [])
	e := catalog.resource_types[rc.type]
	object.get(rc, "mode", "managed") == "managed"
	not "delete" in object.get(rc, ["change", "actions"], [])
}

tf_providers(doc) := {usage(e.provider, "terraform-provider", cfg.full_name, null, null, concat(".", ["configuration.provider_config", key]), null) |
	some key, cfg in object.get(doc, ["configuration", "provider_config"], {})
	e := catalog.terraform_providers[cfg.full_name]
}

after(rc) := a if {
	a := rc.change.after
	is_object(a)
} else := {}

# an Azure AI account is an OpenAI resource when its kind says so; a deployment is its account's
tf_provider(_, rc, e) := "azure_openai" if {
	e.openai_kind
	after(rc).kind == e.openai_kind
} else := e.provider

# the account a deployment belongs to, through the reference in its configuration
tf_account(doc, rc, e) := account if {
	e.account_attr
	some cfg in object.get(doc, ["configuration", "root_module", "resources"], [])
	cfg.address == rc.address
	some ref in cfg.expressions[e.account_attr].references
	some account in object.get(doc, "resource_changes", [])
	account.address == ref
}

tf_host(doc, rc, e) := own_host(account, catalog.resource_types[account.type]) if {
	account := tf_account(doc, rc, e)
} else := own_host(rc, e)

own_host(rc, e) := host if {
	some attr in e.subdomain_attrs
	sub := after(rc)[attr]
	is_string(sub)
	sub != ""
	host := concat("", [lower(sub), account_domain(rc, e)])
} else := null

# the domain of the account's host: an OpenAI account's differs from other Azure AI accounts'
account_domain(rc, e) := e.host_domains[tf_provider({}, rc, e)]

tf_region(doc, rc, e) := own_region(account, catalog.resource_types[account.type]) if {
	account := tf_account(doc, rc, e)
} else := own_region(rc, e)

own_region(rc, e) := region if {
	v := after(rc)[e.region_attr]
	is_string(v)
	region := geo.normalize(v)
} else := null

# --- dependency manifests and .env files ----------------------------------------------------------

dependencies(doc) := {usage(e.provider, "package", concat(" ", ["package", p.name]), null, null, "", p.line) |
	some p in doc.packages
	e := catalog.packages[doc.ecosystem][p.name]
	hub_signal(doc, e)
}

# `transformers` reaches the Hugging Face Hub only with a Hub client beside it; for local
# tokenisation it downloads nothing
hub_signal(_, e) if not e.needs_hub_signal

hub_signal(doc, e) if {
	e.needs_hub_signal
	some p in doc.packages
	other := catalog.packages[doc.ecosystem][p.name]
	other.provider == e.provider
	not other.needs_hub_signal
}

dotenv(doc) := {u |
	some v in doc.vars
	some u in dotenv_usages(v)
}

dotenv_usages(v) := (name_usages(v.name, dotenv_value(v), "", v.line) | {u |
	is_string(v.host)
	some u in host_usages(v.host, concat(" ", ["variable", v.name]), "", v.line)
}) | {usage(v.key_shape, "api-key", concat(" ", ["variable", v.name]), null, null, "", v.line) | is_string(v.key_shape)}

# a .env document keeps a URL's host, never its value: enough for url_decided
dotenv_value(v) := concat("", ["https://", v.host]) if is_string(v.host)

dotenv_value(v) := null if not is_string(object.get(v, "host", null))

# --- by subject kind ------------------------------------------------------------------------------

found(kind, doc) := kubernetes(doc) if kind == "kubernetes"

found(kind, doc) := terraform(doc) if kind == "terraform-plan"

found(kind, doc) := dependencies(doc) if kind == "dependencies"

found(kind, doc) := dotenv(doc) if kind == "dotenv"

# --- what results carry ------------------------------------------------------------------------

# the structured fields every shadow-AI result carries beside its message, so the inventory, the
# AI-BOM and the report read the detection itself rather than re-reading files: the provider, its
# vendor (null when self-hosted or a framework), the usage kind, the evidence, host and region where
# known, and the CycloneDX type the usage becomes (a resource type may name it in the catalog)
record(u) := {
	"provider": u.provider, "vendor": object.get(catalog.providers[u.provider], "vendor", null),
	"usage": u.kind, "evidence": u.evidence, "host": u.host, "region": u.region,
	"asset": object.get(u, "asset", object.get(kind_assets, u.kind, "service")),
	"framework": object.get(catalog.providers[u.provider], "framework", false),
}

kind_assets := {"package": "library", "model-server": "machine-learning-model"}

# the provider's catalog entry, and words for it in messages
provider_label(p) := concat("", [p, " (", catalog.providers[p].vendor, ")"]) if is_string(catalog.providers[p].vendor)

provider_label(p) := concat("", [p, " (self-hosted)"]) if catalog.providers[p].self_hosted == true

provider_label(p) := concat("", [p, " (framework)"]) if catalog.providers[p].framework == true

# --- the system view ------------------------------------------------------------------------------

# every usage in the system view's documents (input of kind `system`), with the index of its document
system_usages contains {"index": i, "usage": u} if {
	some i, doc in input.documents
	some u in found(doc.kind, doc.document)
}

# where a usage points: a field of its document, or the line of a manifest or .env entry
location(doc, u) := {"file": doc.file, "line": doc.line, "path": u.path} if u.path != ""

location(doc, u) := {"file": doc.file, "line": u.line} if u.path == ""

# --- the subject itself (rules judging one document) ---------------------------------------------

# the usages of `input`, told apart by shape. Most documents are workloads with nothing to find: one
# JSON text of their containers and one match against the catalog's workload_signal (every variable
# name, every image name, any URL, any value long enough to be a key) turns them away before any
# path, message or set is built. A builtin called with `input` itself (object.get with a path) costs
# several times a plain reference, so the pod spec is reached by references.
input_usages := workload_usages if {
	regex.match(workload_signal, json.marshal([object.get(k8s.pod_spec, "containers", []), object.get(k8s.pod_spec, "initContainers", [])]))
} else := set() if {
	pod_spec_paths[input.kind]
} else := kubernetes(input) if {
	input.kind in {"ConfigMap", "Secret", "Ingress", "ServiceEntry", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"}
	is_string(input.apiVersion)
} else := terraform(input) if {
	is_array(input.resource_changes)
} else := dependencies(input) if {
	is_string(input.ecosystem)
} else := dotenv(input) if {
	is_array(input.vars)
} else := set()

# the catalog's signal with the one key length every key-length test uses
workload_signal := replace(catalog.workload_signal.pattern, "{min_key_length}", sprintf("{%d}", [catalog.min_key_length.chars]))

workload_usages := {u |
	some i, c in k8s.pod_spec.containers
	some u in container_usages(pod_spec_paths[input.kind], "containers", i, c)
} | {u |
	some i, c in k8s.pod_spec.initContainers
	some u in container_usages(pod_spec_paths[input.kind], "initContainers", i, c)
}
