# METADATA
# title: The result object of a finding
# description: >-
#   One shape for what deny and warn rules return: the message, the resource it names, and where
#   it points, either a location {file, line} (with `path` inside another document of the system)
#   or a dotted `_path` into the judged document, which cxgov maps to its line.
package cxgov.lib.result

import rego.v1

# a finding at a location: subject.loc, subject.field_loc or subject.doc_loc
at(msg, resource, loc) := {"msg": msg, "resource": resource, "_loc": loc}

# a finding at a dotted path into the judged document (e.g. "resource_changes.3.change.after.region")
at_path(msg, resource, path) := {"msg": msg, "resource": resource, "_path": path}

# a finding with no place inside its subject (a model version, a scan): it points at the subject
of(msg, resource) := {"msg": msg, "resource": resource}
