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
