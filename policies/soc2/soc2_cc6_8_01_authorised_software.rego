# METADATA
# title: Only authorised software runs
# description: >-
#   Every container image is pinned by @sha256 digest and, when data.cxgov.config.allowed_registries
#   is non-empty, comes from one of those registries (an empty list means no registry restriction).
#   No container is privileged or may escalate privileges, and every container runs as non-root
#   (runAsNonRoot at pod or container level). Image signatures cannot be verified from a manifest;
#   enforce them at admission (Sigstore policy-controller, Kyverno verifyImages).
# custom:
#   id: SOC2-CC6.8-01
#   severity: high
#   gate: deny
#   applies_to: [kubernetes]
#   frameworks:
#     soc2: [CC6.8]
#   remediation: >-
#     Deploy images by digest (registry/repo@sha256:...), pushed to an allowed registry; set
#     securityContext.allowPrivilegeEscalation: false and privileged: false on every container and
#     runAsNonRoot: true on the pod or each container, with a non-zero runAsUser the image supports.
package cxgov.soc2.soc2_cc6_8_01

import rego.v1

import data.cxgov.lib.kubernetes
import data.cxgov.lib.result

allowed_registries := object.get(data.cxgov.config, "allowed_registries", [])

image(c) := c.image if is_string(c.image)

image(c) := "(no image)" if not is_string(object.get(c, "image", null))

deny contains result.at_path(msg, concat("", ["container ", c.name]), kubernetes.field_path(entry.path, c, "image")) if {
	some entry in kubernetes.container_entries
	c := entry.container
	img := image(c)
	not contains(img, "@sha256:")
	msg := concat("", [kubernetes.label, ": container ", c.name, " image ", img, " is not pinned by @sha256 digest"])
}

deny contains result.at_path(msg, concat("", ["container ", c.name]), kubernetes.field_path(entry.path, c, "image")) if {
	count(allowed_registries) > 0
	some entry in kubernetes.container_entries
	c := entry.container
	img := image(c)
	not registry_allowed(img, allowed_registries)
	msg := concat("", [kubernetes.label, ": container ", c.name, " image ", img, " is not from an allowed registry"])
}

deny contains result.at_path(msg, concat("", ["container ", c.name]), security_path(entry, "privileged")) if {
	some entry in kubernetes.container_entries
	c := entry.container
	c.securityContext.privileged == true
	msg := concat("", [kubernetes.label, ": container ", c.name, " is privileged"])
}

deny contains result.at_path(msg, concat("", ["container ", c.name]), security_path(entry, "allowPrivilegeEscalation")) if {
	some entry in kubernetes.container_entries
	c := entry.container
	not c.securityContext.allowPrivilegeEscalation == false
	msg := concat("", [kubernetes.label, ": container ", c.name, " may escalate privileges (securityContext.allowPrivilegeEscalation is not false)"])
}

deny contains result.at_path(msg, concat("", ["container ", c.name]), non_root_path(entry)) if {
	some entry in kubernetes.container_entries
	c := entry.container
	not non_root(c)
	msg := concat("", [kubernetes.label, ": container ", c.name, " may run as root (runAsNonRoot is not true on the pod or the container)"])
}

# a container's securityContext field, else its securityContext, else the container
security_path(entry, key) := kubernetes.field_path(
	kubernetes.field_path(entry.path, entry.container, "securityContext"),
	object.get(entry.container, "securityContext", {}), key,
)

# runAsNonRoot where it is set (the container's, else the pod's), else the container's securityContext
non_root_path(entry) := security_path(entry, "runAsNonRoot") if container_sets_non_root(entry)

non_root_path(entry) := concat(".", [kubernetes.pod_spec_path, "securityContext.runAsNonRoot"]) if {
	not container_sets_non_root(entry)
	pod_sets_non_root
}

non_root_path(entry) := security_path(entry, "runAsNonRoot") if {
	not container_sets_non_root(entry)
	not pod_sets_non_root
}

container_sets_non_root(entry) if is_boolean(entry.container.securityContext.runAsNonRoot)

pod_sets_non_root if is_boolean(kubernetes.pod_spec.securityContext.runAsNonRoot)

non_root(c) if c.securityContext.runAsNonRoot == true

non_root(c) if {
	kubernetes.pod_spec.securityContext.runAsNonRoot == true
	not c.securityContext.runAsNonRoot == false
}

# the registry host of an image reference: its first path part when that looks like a host
registry(ref) := first if {
	parts := split(ref, "/")
	count(parts) > 1
	first := parts[0]
	host_like(first)
}

registry(ref) := "docker.io" if not host_like(split(ref, "/")[0])

registry(ref) := "docker.io" if count(split(ref, "/")) == 1

host_like(s) if contains(s, ".")

host_like(s) if contains(s, ":")

host_like(s) if s == "localhost"

registry_allowed(ref, registries) if {
	some a in registries
	registry(ref) == a
}

# an entry may also name a path prefix, e.g. 123456789012.dkr.ecr.eu-central-1.amazonaws.com/acme-cx
registry_allowed(ref, registries) if {
	some a in registries
	startswith(ref, concat("", [trim_suffix(a, "/"), "/"]))
}
