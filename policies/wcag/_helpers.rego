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

# a violation at WCAG level A or AA that is not only about an obsolete criterion (4.1.1)
a_aa(v) if {
	some t in v.tags
	t in scan_ref.a_aa_tags
	count([x | some x in v.tags; x in scan_ref.ignored_tags]) == 0
}

blocking(v) if v.impact in scan_ref.blocking_impacts

# success criteria from axe's tags: wcag143 -> 1.4.3, wcag1410 -> 1.4.10
success_criteria(v) := sort([sc |
	some t in v.tags
	regex.match(`^wcag[0-9]{3,}$`, t)
	digits := substring(t, 4, count(t) - 4)
	sc := sprintf("%s.%s.%s", [substring(digits, 0, 1), substring(digits, 1, 1), substring(digits, 2, count(digits) - 2)])
])

# EN 301 549 clauses from axe's tags: EN-9.1.4.3 -> 9.1.4.3
en_clauses(v) := sort([trim_prefix(t, "EN-") |
	some t in v.tags
	regex.match(`^EN-[0-9]+(\.[0-9]+)+$`, t)
])

# the failing nodes' selectors (a node inside a frame or shadow root is a list of selectors)
node_targets(v) := [concat(" >>> ", [selector_text(p) | some p in n.target]) | some n in v.nodes]

selector_text(p) := p if is_string(p)

selector_text(p) := concat(" >>> ", p) if is_array(p)

# a finding about one axe violation in the scan being judged
violation_finding(v) := {
	"msg": concat("", [state_name, ": ", v.id, " (", impact(v), ", ", concat(", ", level_tags(v)), "): ", v.help, "; ", sprintf("%d", [count(v.nodes)]), " element(s): ", concat(", ", node_targets(v))]),
	"resource": v.id,
	"state": input.state,
	"impact": impact(v),
	"wcag": success_criteria(v),
	"en301549": en_clauses(v),
	"targets": node_targets(v),
	"help_url": object.get(v, "helpUrl", ""),
	"_controls": {"wcag22": success_criteria(v), "en301549": en_clauses(v)},
}

# the state the scan shows (the text output groups findings by URL)
state_name := input.state if is_string(input.state)

state_name := "load" if not is_string(input.state)

impact(v) := v.impact if is_string(v.impact)

impact(v) := "unknown impact" if not is_string(v.impact)

level_tags(v) := sort([t | some t in v.tags; t in scan_ref.a_aa_tags])
