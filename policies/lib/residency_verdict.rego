# METADATA
# title: The transfer chain's verdict for one country of a place
# description: >-
#   Part of cxgov.lib.residency (same package): which of RES-002..RES-005 owns the outcome of a
#   transfer to one country, for one recipient.
package cxgov.lib.residency

import rego.v1

import data.cxgov.lib.dates
import data.cxgov.lib.evidence
import data.cxgov.lib.geo
# ---------------------------------------------------------------------------------------------
# The verdict for one country of a place: {"rule": "pass" | "RES-002" | "RES-003" | "RES-004" |
# "RES-005", "why": reason}. Exactly one rule owns each failure:
#   EEA                                   -> pass
#   any other country under eea_only      -> RES-002
#   adequate country, decision's scope met -> pass; scope not met -> RES-002 (or RES-004 when
#                                            the profile allows mechanisms and one is declared)
#   US (requires_dpf)                     -> pass with a valid DPF certification; otherwise
#                                            RES-003 (or RES-004 when ref.adequacy.dpf_valid is
#                                            off, or the profile allows mechanisms and one is
#                                            declared)
#   any other third country               -> RES-004 (an Art 46 safeguard, only under
#                                            mechanisms_allowed); an Art 49 derogation there is
#                                            RES-005's
# ---------------------------------------------------------------------------------------------

# the residency profile (config.residency_profile): eea_only, eea_or_adequacy or mechanisms_allowed
profile := object.get(config, "residency_profile", "eea_or_adequacy")

# the Art 46 safeguards a recipient may declare under mechanisms_allowed
mechanisms := {m | some m in transfers.art46_mechanisms}

verdict(p, c) := {"rule": "pass", "why": ""} if passes(p, c)

verdict(p, c) := judge(c, first(p.recipients), p.kinds, p.party) if not passes(p, c)

passes(p, c) if {
	some x in p.recipients
	judge(c, x, p.kinds, p.party).rule == "pass"
}

# the verdict for a country and a single recipient (null when none is declared)
country_verdict(c, x, party) := judge(c, x, [], party)

# RES-005 reports Art 49 derogations itself; for other rules they are not a residency failure
allowed(v) if v.rule in {"pass", "RES-005"}

first(xs) := xs[0] if count(xs) > 0

first(xs) := null if count(xs) == 0

judge(c, _, _, _) := {"rule": "pass", "why": ""} if geo.eea(c)

judge(c, _, _, _) := {"rule": "RES-002", "why": sprintf("%s is outside the EEA and the residency profile is eea_only", [c])} if {
	not geo.eea(c)
	profile == "eea_only"
}

judge(c, x, kinds, party) := third_country(c, x, kinds, party) if {
	not geo.eea(c)
	profile != "eea_only"
}

# adequate country (not one whose adequacy depends on DPF certification)
third_country(c, x, kinds, party) := {"rule": "pass", "why": ""} if {
	geo.adequate(c)
	not requires_dpf(c)
	count(scope_problems(c, x, kinds, party)) == 0
}

third_country(c, x, kinds, party) := art46(c, x, party, why) if {
	geo.adequate(c)
	not requires_dpf(c)
	problems := scope_problems(c, x, kinds, party)
	count(problems) > 0
	mechanism_route(x)
	why := joined(problems)
}

third_country(c, x, kinds, party) := {"rule": "RES-002", "why": joined(problems)} if {
	geo.adequate(c)
	not requires_dpf(c)
	problems := scope_problems(c, x, kinds, party)
	count(problems) > 0
	not mechanism_route(x)
}

# the US: adequate only for organisations certified under the EU-US Data Privacy Framework
third_country(c, x, _, party) := {"rule": "pass", "why": ""} if {
	requires_dpf(c)
	dpf_valid
	count(dpf_problems(x, party)) == 0
}

third_country(c, x, _, party) := art46(c, x, party, sprintf("%s adequacy depends on the DPF, which ref.adequacy.dpf_valid marks invalid", [c])) if {
	requires_dpf(c)
	not dpf_valid
}

third_country(c, x, _, party) := art46(c, x, party, joined(problems)) if {
	requires_dpf(c)
	dpf_valid
	problems := dpf_problems(x, party)
	count(problems) > 0
	mechanism_route(x)
}

third_country(c, x, _, party) := {"rule": "RES-003", "why": joined(problems)} if {
	requires_dpf(c)
	dpf_valid
	problems := dpf_problems(x, party)
	count(problems) > 0
	not mechanism_route(x)
}

# no adequacy decision
third_country(c, x, _, party) := art46(c, x, party, sprintf("%s has no adequacy decision", [c])) if {
	not geo.adequate(c)
}

requires_dpf(c) if ref.adequacy.countries[c].requires_dpf == true

dpf_valid if object.get(ref.adequacy, "dpf_valid", false) == true

# the recipient declares a mechanism the profile lets RES-004/RES-005 judge instead
mechanism_route(x) if {
	profile == "mechanisms_allowed"
	x.transfer_mechanism in (mechanisms | {"art49"})
}

as_object(x) := x if is_object(x)

as_object(x) := {} if not is_object(x)

mechanism(x) := m if {
	m := x.transfer_mechanism
	is_string(m)
}

mechanism(x) := "not declared" if not is_string(object.get(x, "transfer_mechanism", null))

no_recipient(party) := sprintf("no vendors[] entry names %s", [party]) if party != ""

no_recipient("") := "the location names no provider or vendor to hold a transfer safeguard"

# why the adequacy decision does not cover this place (empty when it does)
scope_problems(c, x, kinds, party) := (expired | required) | excluded if {
	entry := object.get(ref.adequacy.countries, c, {})
	xo := as_object(x)
	lacks := lacks_scope(x, party)
	declared := object.get(xo, "adequacy_scope", [])
	excludes := object.get(entry, "excludes", [])
	expired := {m |
		vu := entry.valid_until
		dates.before(vu, dates.today)
		m := sprintf("the %s adequacy decision expired on %s", [c, vu])
	}
	required := {m |
		req := entry.scope_required
		not req in declared
		m := sprintf("the %s adequacy decision covers only %s, and %s adequacy_scope %s", [c, scope_text(entry, req), lacks, req])
	}
	excluded := {m |
		some k in kinds
		k in excludes
		m := sprintf("the %s adequacy decision excludes %s data", [c, k])
	}
}

scope_text(entry, _) := entry.scope if is_string(entry.scope)

scope_text(entry, req) := req if not is_string(object.get(entry, "scope", null))

# "<recipient> does not declare", or why no recipient can
lacks_scope(x, _) := sprintf("%s does not declare", [x.name]) if is_object(x)

lacks_scope(x, party) := sprintf("%s to declare", [no_recipient(party)]) if not is_object(x)

# why a US recipient is not covered by the DPF (empty when it is)
dpf_problems(x, party) := {no_recipient(party)} if not is_object(x)

dpf_problems(x, _) := (((certified | scope) | checked) | stale) | future if {
	is_object(x)
	name := x.name
	max_age := config.thresholds.dpf_check_max_days
	wanted := transfers.dpf_required_scope
	dpf_scope := object.get(x, "dpf_scope", [])
	checked_at := object.get(x, "dpf_checked_at", null)
	certified := {m | not x.dpf_certified == true; m := sprintf("%s is not DPF certified (dpf_certified)", [name])}
	scope := {m | not wanted in dpf_scope; m := sprintf("%s's DPF scope does not include %s (dpf_scope)", [name, wanted])}
	checked := {m | not is_string(checked_at); m := sprintf("%s's DPF listing was never checked (dpf_checked_at)", [name])}
	stale := {m |
		is_string(checked_at)
		age := dates.age_days(checked_at)
		age > max_age
		m := sprintf("%s's DPF listing was checked %v days ago (at most %v)", [name, age, max_age])
	}
	future := {m |
		is_string(checked_at)
		dates.age_days(checked_at) < 0
		m := sprintf("%s's dpf_checked_at %s is after the evaluation date", [name, checked_at])
	}
}

# Art 46 safeguards (RES-004); an Art 49 derogation is RES-005's
art46(_, _, _, why) := {"rule": "RES-004", "why": sprintf("%s; an Art 46 safeguard would be needed and the residency profile %s allows none", [why, profile])} if {
	profile != "mechanisms_allowed"
}

art46(_, x, party, why) := {"rule": "RES-004", "why": sprintf("%s; %s", [why, no_recipient(party)])} if {
	profile == "mechanisms_allowed"
	not is_object(x)
}

art46(_, x, _, why) := {"rule": "RES-005", "why": sprintf("%s; %s relies on an Art 49 derogation", [why, x.name])} if {
	profile == "mechanisms_allowed"
	is_object(x)
	x.transfer_mechanism == "art49"
}

art46(_, x, _, why) := {"rule": "RES-004", "why": sprintf("%s; %s's transfer_mechanism is %s (needs scc or bcr)", [why, x.name, mechanism(x)])} if {
	profile == "mechanisms_allowed"
	is_object(x)
	not object.get(x, "transfer_mechanism", null) in (mechanisms | {"art49"})
}

art46(_, x, _, why) := {"rule": "RES-004", "why": sprintf("%s; %s uses %s but %s", [why, x.name, x.transfer_mechanism, joined(problems)])} if {
	profile == "mechanisms_allowed"
	is_object(x)
	x.transfer_mechanism in mechanisms
	problems := safeguard_problems(x)
	count(problems) > 0
}

art46(_, x, _, _) := {"rule": "pass", "why": ""} if {
	profile == "mechanisms_allowed"
	is_object(x)
	x.transfer_mechanism in mechanisms
	count(safeguard_problems(x)) == 0
}

# TIA evidence, and for SCCs the module that fits the recipient's role (the system owner is
# taken to be the controller: a processor recipient needs module 2, a sub-processor module 3,
# a controller module 1)
safeguard_problems(x) := tia | module if {
	tia_ref := object.get(x, "tia_ref", null)
	max_age := config.thresholds.tia_max_days
	scc := object.get(x, "transfer_mechanism", "") == "scc"
	wrong_module := module_problems(x)
	tia := {m |
		pr := evidence.problem(tia_ref, max_age)
		m := sprintf("the transfer impact assessment (tia_ref) is %s", [pr])
	}
	module := {m |
		scc
		some m in wrong_module
	}
}

module_problems(x) := (no_role | no_module) | wrong if {
	name := x.name
	role := object.get(x, "role", "")
	modules := transfers.scc_module_for_role
	module := object.get(x, "scc_module", null)
	no_role := {m | not modules[role]; m := sprintf("%s has no role, so the SCC module cannot be checked", [name])}
	no_module := {m | modules[role]; not is_number(module); m := sprintf("%s has no scc_module", [name])}
	wrong := {m |
		want := modules[role]
		is_number(module)
		module != want
		m := sprintf("SCC module %v does not fit %s as %s (module %v)", [module, name, role, want])
	}
}

sort_strings(s) := sort([x | some x in s])

joined(problems) := concat("; ", sort_strings(problems))
