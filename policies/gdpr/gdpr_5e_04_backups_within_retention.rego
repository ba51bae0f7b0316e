# METADATA
# title: Backups do not outlive the primary retention
# description: >-
#   GDPR Art 5(1)(e): data erased from a store must not live on in its backups much longer. A data
#   store's backup.retention_days may exceed its retention_days by at most the grace period
#   (config thresholds.backup_grace_days, 35). A store or backup with no retention period at all is
#   GDPR-5E-01's finding, not this rule's.
# custom:
#   id: GDPR-5E-04
#   severity: medium
#   gate: warn
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.5(1)(e)]
#   remediation: >-
#     Set backup.retention_days to at most the store's retention_days plus
#     thresholds.backup_grace_days, or document in the RoPA why backups must be kept longer (and
#     waive this finding with that reference).
package cxgov.gdpr.gdpr_5e_04

import rego.v1

import data.cxgov.lib.messages
import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

grace := data.cxgov.config.thresholds.backup_grace_days

warn contains result.at(msg, concat(" ", ["data store", s.name]), subject.field_loc(path, "backup.retention_days")) if {
	is_object(input.descriptor)
	some i, s in d.data_stores
	not s.backup.enabled == false
	is_number(s.retention_days)
	s.retention_days > 0
	is_number(s.backup.retention_days)
	s.backup.retention_days > s.retention_days + grace
	path := sprintf("data_stores.%d", [i])
	msg := concat("", ["data store ", s.name, ": backups kept ", messages.num(s.backup.retention_days), " days, more than the retention of ", messages.num(s.retention_days), " days plus ", messages.num(grace), " days (thresholds.backup_grace_days)"])
}
