# METADATA
# title: Items axe-core marked "needs review" have been checked by a person
# description: >-
#   axe-core reports as incomplete what it cannot decide (text over images, ARIA it cannot resolve),
#   and so does a behavioural check that could not run (a keyboard probe that failed). Each such
#   rule, on any scanned page and state of the system, needs a person's review, recorded by its rule
#   id in accessibility.manual_reviews. One warning per unreviewed rule id, naming
#   where it occurred.
# custom:
#   id: WCAG-INC-01
#   severity: medium
#   gate: warn
#   applies_to: [system]
#   frameworks:
#     wcag22: [needs review]
#     en301549: ["9"]
#   remediation: >-
#     Review the listed elements by hand (axe's help URL says what to check), fix what fails, and
#     add the axe rule id to accessibility.manual_reviews once a person has checked it.
package cxgov.wcag.wcag_inc_01

import rego.v1

import data.cxgov.lib.subject
import data.cxgov.wcag.helpers

reviewed := object.get(helpers.accessibility, "manual_reviews", [])

# needs-review items of a scan: axe-core's, and behavioural checks' that could not run
needs_review(s) := array.concat(object.get(s, ["axe", "incomplete"], []), object.get(s, ["behaviour", "incomplete"], []))

# [rule id, url#state] for every needs-review item
incomplete contains [v.id, concat("#", [s.url, s.state])] if {
	some s in helpers.scans
	some v in needs_review(s)
}

rule_ids contains x[0] if some x in incomplete

warn contains {"msg": concat("", ["axe-core could not decide ", rule_id, " on ", concat(", ", where), ": a person must review it (accessibility.manual_reviews)"]), "resource": rule_id, "wcag": criteria(rule_id), "_controls": {"wcag22": criteria(rule_id)}, "_loc": subject.loc("accessibility.manual_reviews")} if {
	some rule_id in rule_ids
	not rule_id in reviewed
	where := sort([x[1] | some x in incomplete; x[0] == rule_id])
}

# [axe rule id, success criterion] from the tags of every needs-review item
rule_criteria contains [v.id, sc] if {
	some s in helpers.scans
	some v in needs_review(s)
	some sc in helpers.success_criteria(v)
}

criteria(rule_id) := sort([x[1] | some x in rule_criteria; x[0] == rule_id])
