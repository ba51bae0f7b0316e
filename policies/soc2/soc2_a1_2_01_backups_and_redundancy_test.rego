package cxgov.soc2.soc2_a1_2_01

import rego.v1

import data.cxgov.lib.fixtures
import data.cxgov.lib.fixtures.plan
import data.cxgov.lib.terraform

system(d, docs) := fixtures.system_with(d, {"lines": {"data_stores.0": 40}, "documents": docs})

k8s(doc) := {"id": doc.metadata.name, "kind": "kubernetes", "file": "k8s/app.yaml", "line": 5, "document": doc}

deployment(name, spec) := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "acme-cx"}, "spec": spec}

hpa(target, min) := {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": target, "namespace": "acme-cx"}, "spec": {"scaleTargetRef": {"kind": "Deployment", "name": target}, "minReplicas": min}}

resilient_store := {"name": "conversations", "system_of_record": true, "multi_az": true, "backup": {"enabled": true, "last_restore_test": "2026-05-01"}}

test_soc2_a1_2_01_pass_resilient_system if {
	inp := system({"data_stores": [resilient_store, {"name": "cache", "system_of_record": false}]}, [k8s(deployment("chat-api", {})), k8s(hpa("chat-api", 3)), k8s(deployment("worker", {"replicas": 2}))])
	count(deny) == 0 with input as inp
	count(warn) == 0 with input as inp
}

test_soc2_a1_2_01_fail_system_of_record_without_backup if {
	r := deny with input as system({"data_stores": [object.union(resilient_store, {"backup": {"enabled": false}})]}, [])
	r == {{"msg": "data store conversations: a system of record without backup (backup.enabled is not true)", "resource": "data store conversations", "_loc": {"file": "cxgov.yaml", "line": 40}}}
}

test_soc2_a1_2_01_fail_single_az_warns if {
	inp := system({"data_stores": [object.union(resilient_store, {"multi_az": false})]}, [])
	count(deny) == 0 with input as inp
	count(warn) == 1 with input as inp
}

test_soc2_a1_2_01_fail_restore_test_stale if {
	r := warn with input as system({"data_stores": [object.union(resilient_store, {"backup": {"enabled": true, "last_restore_test": "2025-06-01"}})]}, [])
	some f in r
	f.msg == "data store conversations: last restore test 2025-06-01 is 539 days old (at most 365)"
}

test_soc2_a1_2_01_fail_never_restore_tested if {
	r := warn with input as system({"data_stores": [object.union(object.remove(resilient_store, ["backup"]), {"backup": {"enabled": true}})]}, [])
	some f in r
	contains(f.msg, "never been restore-tested")
}

test_soc2_a1_2_01_fail_no_replicas_no_hpa if {
	r := warn with input as system({}, [k8s(deployment("chat-api", {})), k8s(hpa("other", 3))])
	r == {{"msg": "Deployment/chat-api: spec.replicas is not set (1 pod) and no HorizontalPodAutoscaler of the system scales it", "resource": "Deployment/chat-api", "_loc": {"file": "k8s/app.yaml", "line": 5, "path": "spec"}}}
}

test_soc2_a1_2_01_fail_deployment_without_spec if {
	r := warn with input as system({}, [k8s({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "chat-api"}})])
	r == {{"msg": "Deployment/chat-api: spec.replicas is not set (1 pod) and no HorizontalPodAutoscaler of the system scales it", "resource": "Deployment/chat-api", "_loc": {"file": "k8s/app.yaml", "line": 5, "path": "spec"}}}
}

test_soc2_a1_2_01_fail_one_replica if {
	r := warn with input as deployment("chat-api", {"replicas": 1})
	r == {{"msg": "Deployment/chat-api: 1 replica(s), a single point of failure (run at least 2)", "resource": "Deployment/chat-api", "_path": "spec.replicas"}}
}

test_soc2_a1_2_01_pass_two_replicas if {
	count(warn) == 0 with input as deployment("chat-api", {"replicas": 2})
}

test_soc2_a1_2_01_fail_hpa_min_default if {
	r := warn with input as {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "x"}, "spec": {"maxReplicas": 5}}
	count(r) == 1
	{f._path | some f in r} == {"spec"}
	{f._path | some f in warn} == {"spec.minReplicas"} with input as hpa("x", 1)
}

test_soc2_a1_2_01_fail_descriptor_points_at_the_field if {
	inp := object.union(system({"data_stores": [{"name": "conversations", "system_of_record": true, "multi_az": false, "backup": {"enabled": false}}]}, []), {"lines": {"data_stores.0.multi_az": 43, "data_stores.0.backup": 44, "data_stores.0.backup.enabled": 45}})
	{f._loc.line | some f in deny} == {45} with input as inp
	{f._loc.line | some f in warn} == {43} with input as inp
}

test_soc2_a1_2_01_pass_plan if {
	inp := plan([
		["aws_db_instance", "main", {"backup_retention_period": 7, "multi_az": true}],
		["aws_db_instance", "replica", {"replicate_source_db": "main", "backup_retention_period": 0, "multi_az": false}],
		["aws_dynamodb_table", "conversations", {"point_in_time_recovery": [{"enabled": true}]}],
		["google_sql_database_instance", "pg", {"settings": [{"availability_type": "REGIONAL", "backup_configuration": [{"enabled": true}]}]}],
	])
	count(deny) == 0 with input as inp
	count(warn) == 0 with input as inp
}

test_soc2_a1_2_01_fail_rds_no_backups if {
	r := deny with input as plan([["aws_db_instance", "main", {"backup_retention_period": 0, "multi_az": true}]])
	r == {{"msg": "aws_db_instance.main: backup_retention_period is 0 (automated backups are off)", "resource": "aws_db_instance.main", "_path": "resource_changes.0.change.after.backup_retention_period"}}
}

test_soc2_a1_2_01_fail_rds_single_az_warns if {
	inp := plan([["aws_db_instance", "main", {"backup_retention_period": 7, "multi_az": false}]])
	count(deny) == 0 with input as inp
	count(warn) == 1 with input as inp
}

test_soc2_a1_2_01_fail_dynamodb_no_pitr if {
	r := warn with input as plan([["aws_dynamodb_table", "t", {"point_in_time_recovery": [{"enabled": false}]}]])
	count(r) == 1
	{f._path | some f in r} == {"resource_changes.0.change.after.point_in_time_recovery.0.enabled"}
}

test_soc2_a1_2_01_fail_cloud_sql if {
	inp := plan([["google_sql_database_instance", "pg", {"settings": [{"availability_type": "ZONAL", "backup_configuration": [{"enabled": false}]}]}]])
	count(deny) == 1 with input as inp
	count(warn) == 1 with input as inp
	{f._path | some f in deny} == {"resource_changes.0.change.after.settings.0.backup_configuration.0.enabled"} with input as inp
	{f._path | some f in warn} == {"resource_changes.0.change.after.settings.0.availability_type"} with input as inp
}

# --- a value known only at apply is TF-001's (could not check), not judged here ---

test_soc2_a1_2_01_unknown_availability_settings_are_tf_001s if {
	doc := terraform.source_doc([
		terraform.expression_row("aws_db_instance", "main", {"backup_retention_period": 7}, {"multi_az": "multi_az"}),
		terraform.expression_row("aws_db_instance", "copy", {"backup_retention_period": 0, "multi_az": false}, {"replicate_source_db": "source"}),
		["aws_dynamodb_table", "t", {"point_in_time_recovery": [{"enabled": null}]}, {"point_in_time_recovery": [{"enabled": true}]}, {"point_in_time_recovery": [{"enabled": terraform.var_ref("pitr")}]}],
		["google_sql_database_instance", "g", {"settings": [{"availability_type": null, "backup_configuration": [{"enabled": null}]}]}, {"settings": [{"availability_type": true, "backup_configuration": [{"enabled": true}]}]}, {"settings": [{"availability_type": terraform.var_ref("availability"), "backup_configuration": [{"enabled": terraform.var_ref("backups")}]}]}],
	])
	count(deny) == 0 with input as doc
	count(warn) == 0 with input as doc
	reported := terraform.tf_001_paths(doc)
	["aws_db_instance.main", "resource_changes.0.change.after.multi_az"] in reported
	["aws_db_instance.copy", "resource_changes.1.change.after.replicate_source_db"] in reported
	["aws_dynamodb_table.t", "resource_changes.2.change.after.point_in_time_recovery.0.enabled"] in reported
	["google_sql_database_instance.g", "resource_changes.3.change.after.settings.0.availability_type"] in reported
	["google_sql_database_instance.g", "resource_changes.3.change.after.settings.0.backup_configuration.0.enabled"] in reported
	literal := terraform.source_doc([
		terraform.literal_row("aws_db_instance", "main", {"backup_retention_period": 7, "multi_az": false}),
		terraform.literal_row("aws_db_instance", "copy", {"backup_retention_period": 0, "multi_az": false}),
		terraform.literal_row("aws_dynamodb_table", "t", {"point_in_time_recovery": [{"enabled": false}]}),
		terraform.literal_row("google_sql_database_instance", "g", {"settings": [{"availability_type": false, "backup_configuration": [{"enabled": false}]}]}),
	])
	{f.msg | some f in deny} == {
		"aws_db_instance.copy: backup_retention_period is 0 (automated backups are off)",
		"google_sql_database_instance.g: settings.backup_configuration.enabled is not true (automated backups are off)",
	} with input as literal
	{f.msg | some f in warn} == {
		"aws_db_instance.main: single-AZ database (multi_az is not true)",
		"aws_db_instance.copy: single-AZ database (multi_az is not true)",
		"aws_dynamodb_table.t: point-in-time recovery is off",
		"google_sql_database_instance.g: zonal instance (settings.availability_type is not REGIONAL)",
	} with input as literal
}
