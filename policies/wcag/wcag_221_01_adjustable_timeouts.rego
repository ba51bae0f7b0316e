# METADATA
# title: Chat session timeouts can be adjusted
# description: >-
#   WCAG 2.2 SC 2.2.1 (timing adjustable): a session that times out in less than 20 hours
#   (config thresholds.session_timeout_min_s) must warn the user before it expires and let them
#   extend it. The widget's timeout must be declared.
# custom:
#   id: WCAG-221-01
#   severity: medium
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     wcag22: ["2.2.1"]
#     en301549: ["9.2.2.1"]
#   remediation: >-
#     Declare ui.session_timeout_s; when it is under 72000 s (20 h), warn the user before the
#     session expires with a simple way to extend it (ui.timeout_warning: true,
#     ui.extend_allowed: true), or lengthen the timeout.
package cxgov.wcag.wcag_221_01

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.wcag.helpers

min_s := data.cxgov.config.thresholds.session_timeout_min_s

ui := helpers.ui

deny contains result.at("ui.session_timeout_s is not declared: cannot tell whether the session timeout is adjustable", "ui.session_timeout_s", subject.loc("ui.session_timeout_s")) if {
	helpers.has_ui
	not is_number(object.get(ui, "session_timeout_s", null))
}

deny contains result.at(sprintf("session times out after %d s (under %d s) without a warning and a way to extend it (ui.timeout_warning and ui.extend_allowed)", [ui.session_timeout_s, min_s]), "ui.session_timeout_s", subject.loc("ui.session_timeout_s")) if {
	helpers.has_ui
	is_number(ui.session_timeout_s)
	ui.session_timeout_s < min_s
	not adjustable
}

adjustable if {
	ui.timeout_warning == true
	ui.extend_allowed == true
}
