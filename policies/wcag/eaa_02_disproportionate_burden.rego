# METADATA
# title: A disproportionate-burden claim is documented
# description: >-
#   The European Accessibility Act (Art 14, Annex VI) lets a service provider limit an accessibility
#   requirement only on a documented assessment of disproportionate burden. When a claim is made,
#   the assessment must exist, be intact, approved and reviewed within the evidence period (EVID).
# custom:
#   id: EAA-02
#   severity: medium
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     eaa: [Art.14, Annex VI]
#   remediation: >-
#     Document the disproportionate-burden assessment against the Annex VI criteria, requirement by
#     requirement, and record it as accessibility.disproportionate_burden_ref with its sha256,
#     approver and approval date; or withdraw the claim and meet the requirements.
package cxgov.wcag.eaa_02

import rego.v1

import data.cxgov.lib.evidence
import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.wcag.helpers

a := helpers.accessibility

claimed if a.disproportionate_burden_claimed == true

claimed if is_object(a.disproportionate_burden_ref)

deny contains result.at(sprintf("a disproportionate-burden claim is made without valid evidence (accessibility.disproportionate_burden_ref: %s)", [p]), "accessibility.disproportionate_burden_ref", subject.loc("accessibility.disproportionate_burden_ref")) if {
	claimed
	p := evidence.problem(object.get(a, "disproportionate_burden_ref", null), data.cxgov.config.thresholds.evidence_max_days)
}
