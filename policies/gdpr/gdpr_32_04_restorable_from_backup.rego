# METADATA
# title: Systems of record can be restored from backup
# description: >-
#   GDPR Art 32(1)(c): the controller must be able to restore the availability of and access to
#   personal data after an incident. Every data store that is a system of record needs backup.enabled
#   true. A store that does not say whether it is a system of record (system_of_record unset) is
#   treated as one (fail closed): declare system_of_record false for caches, indexes and other
#   derived stores that can be rebuilt.
# custom:
#   id: GDPR-32-04
#   severity: high
#   gate: deny
#   applies_to: [system]
#   frameworks:
#     gdpr: [Art.32(1)(c)]
#   remediation: >-
#     Enable backups (point-in-time recovery or scheduled snapshots) for every system of record and set
#     backup.enabled true with its regions and retention_days; mark stores that can be rebuilt from
#     other data system_of_record false.
package cxgov.gdpr.gdpr_32_04

import rego.v1

import data.cxgov.lib.result
import data.cxgov.lib.subject

d := subject.descriptor

why(s) := "a system of record has no backup" if s.system_of_record == true

why(s) := "no backup, and system_of_record is not declared (set it false if the store can be rebuilt)" if not is_boolean(object.get(s, "system_of_record", null))

# backup.enabled, else backup, else the store
store_loc(i) := subject.loc(sprintf("data_stores.%d.backup.enabled", [i]))

deny contains result.at(msg, concat(" ", ["data store", s.name]), store_loc(i)) if {
	is_object(input.descriptor)
	some i, s in d.data_stores
	not s.system_of_record == false
	not s.backup.enabled == true
	msg := concat("", ["data store ", s.name, ": ", why(s), " (backup.enabled is not true)"])
}
