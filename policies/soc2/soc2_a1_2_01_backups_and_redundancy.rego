# METADATA
# title: Backups, redundancy and restore testing
# description: >-
#   Every system of record is backed up (descriptor backup.enabled; Terraform RDS
#   backup_retention_period above 0, Cloud SQL backups on). Warnings: a single-AZ database or
#   system of record, DynamoDB without point-in-time recovery, a restore test older than
#   thresholds.restore_test_max_days (or none), and Deployments/StatefulSets with fewer than two
#   replicas (an explicit value, an HPA minReplicas, or, across the system's manifests, a workload
#   without replicas that no HPA scales).
# custom:
#   id: SOC2-A1.2-01
#   severity: high
#   gate: deny
#   applies_to: [system, terraform-plan, kubernetes]
#   frameworks:
#     soc2: [A1.2, A1.3]
#     gdpr: [Art.32]
#   remediation: >-
#     Enable backups for every system of record (backup.enabled: true; backup_retention_period of
#     7 days or more on RDS, backup_configuration.enabled on Cloud SQL) and test a restore at least
#     yearly (backup.last_restore_test); run databases multi-AZ / REGIONAL, turn on DynamoDB
#     point-in-time recovery, and run at least two replicas (or an HPA with minReplicas >= 2).
package cxgov.soc2.soc2_a1_2_01

import rego.v1

import data.cxgov.lib.dates
import data.cxgov.lib.kubernetes
import data.cxgov.lib.result
import data.cxgov.lib.subject
import data.cxgov.lib.terraform

th := data.cxgov.config.thresholds

min_replicas := data.cxgov.ref.soc2_availability.min_replicas

# --- descriptor (system) ---

d := subject.descriptor

stores := object.get(d, "data_stores", [])

deny contains result.at(msg, res, subject.loc(sprintf("data_stores.%d.backup.enabled", [i]))) if {
	some i, s in stores
	s.system_of_record == true
	not s.backup.enabled == true
	res := concat("", ["data store ", s.name])
	msg := concat("", [res, ": a system of record without backup (backup.enabled is not true)"])
}

warn contains result.at(msg, res, subject.loc(sprintf("data_stores.%d.multi_az", [i]))) if {
	some i, s in stores
	s.system_of_record == true
	not s.multi_az == true
	res := concat("", ["data store ", s.name])
	msg := concat("", [res, ": a system of record that is not multi-AZ (multi_az is not true)"])
}

warn contains result.at(msg, res, subject.loc(sprintf("data_stores.%d.backup.last_restore_test", [i]))) if {
	some i, s in stores
	s.backup.enabled == true
	not restore_tested(s)
	res := concat("", ["data store ", s.name])
	msg := concat("", [res, ": backups have never been restore-tested (no backup.last_restore_test)"])
}

warn contains result.at(msg, res, subject.loc(sprintf("data_stores.%d.backup.last_restore_test", [i]))) if {
	some i, s in stores
	s.backup.enabled == true
	age := dates.age_days(s.backup.last_restore_test)
	age > th.restore_test_max_days
	res := concat("", ["data store ", s.name])
	msg := concat("", [res, ": last restore test ", s.backup.last_restore_test, " is ", sprintf("%v", [age]), " days old (at most ", sprintf("%d", [th.restore_test_max_days]), ")"])
}

# a restore test with a date (undefined as a whole when backup.last_restore_test is missing)
restore_tested(s) if dates.age_days(s.backup.last_restore_test)

# Deployments and StatefulSets of the system without spec.replicas (1 pod) and without an HPA (an
# HPA's own minReplicas is judged on the HPA manifest)
replicated_kinds := {"Deployment", "StatefulSet"}

warn contains result.at(msg, concat("", [w.kind, "/", w.metadata.name]), subject.doc_loc(doc, "spec")) if {
	some doc in subject.documents("kubernetes")
	w := doc.document
	w.kind in replicated_kinds
	not kubernetes.has_key(object.get(w, "spec", {}), "replicas")
	not scaled_by_hpa(w)
	msg := concat("", [w.kind, "/", w.metadata.name, ": spec.replicas is not set (1 pod) and no HorizontalPodAutoscaler of the system scales it"])
}

scaled_by_hpa(w) if {
	some doc in subject.documents("kubernetes")
	hpa := doc.document
	hpa.kind == "HorizontalPodAutoscaler"
	hpa.spec.scaleTargetRef.kind == w.kind
	hpa.spec.scaleTargetRef.name == w.metadata.name
	object.get(hpa.metadata, "namespace", "") == object.get(w.metadata, "namespace", "")
}

# --- Kubernetes manifest ---

warn contains result.at_path(msg, kubernetes.label, "spec.replicas") if {
	input.kind in replicated_kinds
	is_number(input.spec.replicas)
	input.spec.replicas < min_replicas
	msg := concat("", [kubernetes.label, ": ", sprintf("%d", [input.spec.replicas]), " replica(s), a single point of failure (run at least 2)"])
}

warn contains result.at_path(msg, kubernetes.label, kubernetes.field_path("spec", input.spec, "minReplicas")) if {
	input.kind == "HorizontalPodAutoscaler"
	hpa_min(input.spec) < min_replicas
	msg := concat("", [kubernetes.label, ": minReplicas is ", sprintf("%d", [hpa_min(input.spec)]), " (run at least 2)"])
}

# minReplicas defaults to 1
hpa_min(spec) := spec.minReplicas if is_number(spec.minReplicas)

hpa_min(spec) := 1 if not is_number(object.get(spec, "minReplicas", null))

# --- Terraform plan ---
# a value known only at apply (terraform.unknown_at / unknown_in) is not judged: TF-001 reports it

deny contains result.at_path(msg, r.address, subject.tf_path(r, "backup_retention_period")) if {
	some r in terraform.of_type("aws_db_instance")
	not replica(r)
	not terraform.unknown_at(r, "replicate_source_db")
	r.values.backup_retention_period == 0
	msg := concat("", [r.address, ": backup_retention_period is 0 (automated backups are off)"])
}

warn contains result.at_path(msg, r.address, subject.tf_path(r, "multi_az")) if {
	some r in terraform.of_type("aws_db_instance")
	not replica(r)
	not terraform.unknown_at(r, "replicate_source_db")
	not r.values.multi_az == true
	not terraform.unknown_at(r, "multi_az")
	msg := concat("", [r.address, ": single-AZ database (multi_az is not true)"])
}

warn contains result.at_path(msg, r.address, subject.tf_path(r, ["point_in_time_recovery", 0, "enabled"])) if {
	some r in terraform.of_type("aws_dynamodb_table")
	not pitr(object.get(r, "values", {}))
	not terraform.unknown_in(r, ["point_in_time_recovery", "enabled"])
	msg := concat("", [r.address, ": point-in-time recovery is off"])
}

deny contains result.at_path(msg, r.address, subject.tf_path(r, ["settings", 0, "backup_configuration", 0, "enabled"])) if {
	some r in terraform.of_type("google_sql_database_instance")
	not gcp_replica(r)
	not terraform.unknown_at(r, "master_instance_name")
	not gcp_backups(object.get(r, "values", {}))
	not terraform.unknown_in(r, ["settings", "backup_configuration", "enabled"])
	msg := concat("", [r.address, ": settings.backup_configuration.enabled is not true (automated backups are off)"])
}

warn contains result.at_path(msg, r.address, subject.tf_path(r, ["settings", k, "availability_type"])) if {
	some r in terraform.of_type("google_sql_database_instance")
	not gcp_replica(r)
	not terraform.unknown_at(r, "master_instance_name")
	some k, settings in r.values.settings
	not settings.availability_type == "REGIONAL"
	not terraform.unknown_at(r, ["settings", k, "availability_type"])
	msg := concat("", [r.address, ": zonal instance (settings.availability_type is not REGIONAL)"])
}

replica(r) if {
	is_string(r.values.replicate_source_db)
	r.values.replicate_source_db != ""
}

gcp_replica(r) if {
	is_string(r.values.master_instance_name)
	r.values.master_instance_name != ""
}

pitr(values) if {
	some p in values.point_in_time_recovery
	p.enabled == true
}

gcp_backups(values) if {
	some settings in values.settings
	some b in settings.backup_configuration
	b.enabled == true
}
