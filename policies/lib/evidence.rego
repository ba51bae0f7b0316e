# METADATA
# title: Evidence references (EVID)
# description: >-
#   An evidence reference {uri, sha256, approved_by, approved_at} passes only when the file exists,
#   its hash matches the recorded one, a person approved it, and the approval is no older than
#   max_days. cxgov computes the facts (input.evidence of the system view); these helpers judge them.
package cxgov.lib.evidence

import rego.v1

facts(ref) := input.evidence[ref.uri]

# each fact as a rule that is undefined as a whole when the fact is false or cxgov has no facts
# for the reference, so `not local(ref)` holds then (OPA evaluates a function's result, as in
# `not facts(ref).local`, before the negation: undefined, never true, when the facts are missing)
local(ref) if facts(ref).local

exists(ref) if facts(ref).exists

hash_matches(ref) if facts(ref).hash_matches

approved(ref) if facts(ref).approved

ok(ref, max_days) if not problem(ref, max_days)

# the first reason a reference does not hold, for messages; undefined when it holds
problem(ref, _) := "missing" if not is_object(ref)

problem(ref, _) := sprintf("%s is not a local file cxgov can hash", [ref.uri]) if {
	is_object(ref)
	not local(ref)
}

problem(ref, _) := sprintf("%s does not exist", [ref.uri]) if {
	is_object(ref)
	facts(ref).local
	not exists(ref)
}

problem(ref, _) := sprintf("%s does not match its recorded sha256", [ref.uri]) if {
	is_object(ref)
	facts(ref).exists
	not hash_matches(ref)
}

problem(ref, _) := sprintf("%s has no approver and approval date", [ref.uri]) if {
	is_object(ref)
	facts(ref).hash_matches
	not approved(ref)
}

problem(ref, max_days) := sprintf("%s was approved %d days ago (at most %d)", [ref.uri, facts(ref).age_days, max_days]) if {
	is_object(ref)
	facts(ref).hash_matches
	facts(ref).approved
	facts(ref).age_days > max_days
}
