# METADATA
# title: Shared readings of the descriptor for the accessibility pack
# description: >-
#   The accessibility and ui sections, and whether the system has a user interface of its own
#   (web chat, app) that WCAG judges: unknown counts as yes.
package cxgov.wcag.helpers

import rego.v1

import data.cxgov.lib.subject

ref := data.cxgov.ref.wcag_manual

d := subject.descriptor

accessibility := object.get(d, "accessibility", {})

ui := object.get(d, "ui", {})

channels := c if {
	c := object.get(d, "channels", [])
	is_array(c)
}

channels := [] if not is_array(object.get(d, "channels", []))

entry_points := object.get(ui, "entry_points", [])

# channels are declared, none is a web or app interface of the system's own, and no UI entry point
no_own_ui if {
	count(channels) > 0
	every c in channels {
		c.type in ref.non_ui_channel_types
	}
	count(entry_points) == 0
}

has_ui if not no_own_ui

# --- axe-core scan results (ui-scan subjects, and the scans in the system view) ---

scan_ref := data.cxgov.ref.wcag_scan

# the input is one scan (kind ui-scan) rather than the system view
is_scan if {
	is_object(input.axe)
	not input.descriptor
}

# the scans in the system view
scans := [doc.document | some doc in subject.documents("ui-scan")]

# The helpers below run for every violation of every scan. They use set intersections and plain
# string functions rather than nested iteration and regex.match: on the embedded engine that cut
# a scan's evaluation about fourfold (bench/wcag_bench.py).
a_aa_tags := {t | some t in scan_ref.a_aa_tags}

ignored_tags := {t | some t in scan_ref.ignored_tags}

# a violation at WCAG level A or AA that is not only about an obsolete criterion (4.1.1)
a_aa(v) if {
	tags := {t | some t in v.tags}
	count(tags & a_aa_tags) > 0
	count(tags & ignored_tags) == 0
}

blocking(v) if v.impact in scan_ref.blocking_impacts

# success criteria from axe's tags: wcag143 -> 1.4.3, wcag1410 -> 1.4.10
success_criteria(v) := sort([sc |
	some t in v.tags
	startswith(t, "wcag")
	digits := substring(t, 4, -1)
	count(digits) >= 3
	trim_left(digits, "0123456789") == ""
	sc := sprintf("%s.%s.%s", [substring(digits, 0, 1), substring(digits, 1, 1), substring(digits, 2, -1)])
])

# EN 301 549 clauses from axe's tags: EN-9.1.4.3 -> 9.1.4.3
en_clauses(v) := sort([clause |
	some t in v.tags
	startswith(t, "EN-")
	clause := substring(t, 3, -1)
	parts := split(clause, ".")
	count(parts) >= 2
	every p in parts {
		p != ""
		trim_left(p, "0123456789") == ""
	}
])

# the failing nodes' selectors (a node inside a frame or shadow root is a list of selectors)
node_targets(v) := [concat(" >>> ", [selector_text(p) | some p in n.target]) | some n in v.nodes]

# the elements as a message lists them: a behavioural check's also say what happened to each
described(v, targets) := targets if not behavioural(v)

described(v, targets) := [concat("", [t, " (", object.get(v.nodes[i], "failureSummary", ""), ")"]) | some i, t in targets] if behavioural(v)

behavioural(v) if "cat.behaviour" in v.tags

selector_text(p) := p if is_string(p)

selector_text(p) := concat(" >>> ", p) if is_array(p)

# a finding about one axe violation in the scan being judged (each part computed once: the
# embedded engine does not cache function results, and the regex matches dominate a scan's cost)
violation_finding(v) := {
	"msg": concat("", [state_name, ": ", v.id, " (", impact(v), ", ", concat(", ", level_tags(v)), "): ", v.help, "; ", sprintf("%d", [count(v.nodes)]), " element(s): ", concat(", ", described(v, targets))]),
	"resource": v.id,
	"state": input.state,
	"impact": impact(v),
	"wcag": criteria,
	"en301549": clauses,
	"targets": targets,
	"help_url": object.get(v, "helpUrl", ""),
	"_controls": {"wcag22": criteria, "en301549": clauses},
} if {
	criteria := success_criteria(v)
	clauses := en_clauses(v)
	targets := node_targets(v)
}

# the state the scan shows (the text output groups findings by URL)
state_name := input.state if is_string(input.state)

state_name := "load" if not is_string(object.get(input, "state", null))

impact(v) := v.impact if is_string(v.impact)

impact(v) := "unknown impact" if not is_string(object.get(v, "impact", null))

level_tags(v) := sort({t | some t in v.tags} & a_aa_tags)

# --- the behavioural checks (cxgov's second engine beside axe-core), judged like axe-core's ---

behaviour_violations := object.get(input, ["behaviour", "violations"], [])

# a behavioural violation a rule of its own judges (4.1.3: WCAG-413-01, 2.4.11: WCAG-22-01)
judged_by(v, rule_id) if scan_ref.dedicated_checks[v.id] == rule_id

has_own_rule(v) if scan_ref.dedicated_checks[v.id]

# what the impact-based rules (WCAG-A-AA-01/02) judge in a scan: axe-core's violations and the
# behavioural checks' that have no rule of their own
impact_judged := array.concat(object.get(input, ["axe", "violations"], []), [v | some v in behaviour_violations; not has_own_rule(v)])

# every violation of a scan in the system view, from both engines
all_violations(s) := array.concat(object.get(s, ["axe", "violations"], []), object.get(s, ["behaviour", "violations"], []))

# behavioural violations of the scan being judged that `rule_id` judges
own_violations(rule_id) := [v | some v in behaviour_violations; judged_by(v, rule_id)]
