# METADATA
# title: A voice bot offers a non-voice alternative
# description: >-
#   EN 301 549 clauses 4.2 (functional performance: usage without hearing or speech) and 6 (two-way
#   voice communication) expect a voice-only service to offer another way in. A system whose only
#   channel is voice leaves out people who cannot hear or speak.
# custom:
#   id: EAA-03
#   severity: medium
#   gate: warn
#   applies_to: [system]
#   frameworks:
#     en301549: ["4.2", "6"]
#     eaa: [Annex I]
#   remediation: >-
#     Offer at least one non-voice channel to the same service (chat, messaging, email or real-time
#     text) and declare it in channels[].
package cxgov.wcag.eaa_03

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.wcag.helpers

warn contains result.at("voice is the only channel: there is no non-voice alternative (chat, messaging, email or text)", "channels", subject.loc("channels")) if {
	count(helpers.channels) > 0
	every c in helpers.channels {
		c.type == "voice"
	}
}
