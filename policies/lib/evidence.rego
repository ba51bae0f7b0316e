# METADATA
# title: Evidence references (EVID)
# description: >-
#   An evidence reference {uri, sha256, approved_by, approved_at} passes only when the file exists,
#   its hash matches the recorded one, a person approved it, and the approval is no older than
#   max_days. cxgov computes the facts (input.evidence of the system view); these helpers judge them.
package cxgov.lib.evidence

import rego.v1

facts(ref) := input.evidence[ref.uri]

ok(ref, max_days) if not problem(ref, max_days)

# the first reason a reference does not hold, for messages; undefined when it holds
problem(ref, _) := "missing" if not is_object(ref)

problem(ref, _) := sprintf("%s is not a local file cxgov can hash", [ref.uri]) if {
	is_object(ref)
	not facts(ref).local
}

problem(ref, _) := sprintf("%s does not exist", [ref.uri]) if {
	is_object(ref)
	facts(ref).local
	not facts(ref).exists
}

problem(ref, _) := sprintf("%s does not match its recorded sha256", [ref.uri]) if {
	is_object(ref)
	facts(ref).exists
	not facts(ref).hash_matches
}

problem(ref, _) := sprintf("%s has no approver and approval date", [ref.uri]) if {
	is_object(ref)
	facts(ref).hash_matches
	not facts(ref).approved
}

problem(ref, max_days) := sprintf("%s was approved %d days ago (at most %d)", [ref.uri, facts(ref).age_days, max_days]) if {
	is_object(ref)
	facts(ref).hash_matches
	facts(ref).approved
	facts(ref).age_days > max_days
}
