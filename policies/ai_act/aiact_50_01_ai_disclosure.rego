# METADATA
# title: People are told they are dealing with AI, on every channel, before or at the first turn
# description: >-
#   Art 50(1) and 50(5) require that people interacting with an AI system are informed of it at the
#   latest at the first interaction. The disclosure must be on, timed before or at the first turn,
#   and cover every chat, voice (spoken at call start), email and messaging channel; each display
#   should be logged. The "obvious from the context" exception is never assumed.
# custom:
#   id: AIACT-50-01
#   severity: high
#   gate: deny
#   effective_from: ai_act_general
#   applies_to: [system]
#   frameworks:
#     eu-ai-act: [Art.50(1), Art.50(5)]
#   remediation: >-
#     Set ai_disclosure.enabled: true and timing: pre_interaction or first_turn, list every
#     chat/voice/email/messaging channel type in ai_disclosure.channels, give voice channels a
#     spoken disclosure at call start (channels[].spoken_disclosure: true), and log each display
#     (ai_disclosure.logged: true and disclosure_shown in monitoring.ai_events).
package cxgov.ai_act.aiact_50_01

import rego.v1

import data.cxgov.ai_act.helpers
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

disclosure := object.get(d, "ai_disclosure", {})

disclosed_channels := helpers.arr(["ai_disclosure", "channels"])

ai_events := helpers.arr(["monitoring", "ai_events"])

deny contains result.at("AI disclosure is not enabled (ai_disclosure.enabled is not true)", "ai_disclosure", subject.loc("ai_disclosure.enabled")) if {
	not disclosure.enabled == true
}

deny contains result.at(sprintf("AI disclosure timing is %s: it must be pre_interaction or first_turn", [timing]), "ai_disclosure.timing", subject.loc("ai_disclosure.timing")) if {
	not object.get(disclosure, "timing", null) in helpers.ref.disclosure_timings
}

timing := disclosure.timing if is_string(disclosure.timing)

timing := "not declared" if not is_string(object.get(disclosure, "timing", null))

deny contains result.at("no channels are declared: the disclosure cannot be checked on every channel", "channels", subject.loc("channels")) if {
	count(helpers.arr(["channels"])) == 0
}

deny contains result.at(sprintf("%s has no AI disclosure (%s is not in ai_disclosure.channels)", [channel_name(c), c.type]), channel_name(c), subject.loc(sprintf("channels.%d.type", [i]))) if {
	some i, c in helpers.arr(["channels"])
	t := c.type
	t in helpers.ref.disclosure_channel_types
	not t in disclosed_channels
}

deny contains result.at(sprintf("%s: no spoken AI disclosure at call start (spoken_disclosure is not true)", [channel_name(c)]), channel_name(c), subject.loc(sprintf("channels.%d.spoken_disclosure", [i]))) if {
	some i, c in helpers.arr(["channels"])
	c.type == "voice"
	not c.spoken_disclosure == true
}

warn contains result.at("AI disclosure displays are not logged (ai_disclosure.logged is not true)", "ai_disclosure.logged", subject.loc("ai_disclosure.logged")) if {
	not disclosure.logged == true
}

warn contains result.at("monitoring.ai_events does not log disclosure_shown", "monitoring.ai_events", subject.loc("monitoring.ai_events")) if {
	not "disclosure_shown" in ai_events
}

channel_name(c) := sprintf("%s channel %s", [c.type, c.name]) if is_string(c.name)

channel_name(c) := sprintf("%s channel", [c.type]) if not is_string(object.get(c, "name", null))
