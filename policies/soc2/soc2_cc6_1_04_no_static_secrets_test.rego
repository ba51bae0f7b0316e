package cxgov.soc2.soc2_cc6_1_04

import rego.v1

deployment(env) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "chat-api"}, "evaluation_date": "2026-11-22",
	"spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "api", "image": "app@sha256:abc", "env": env}]}}},
}

plan(config) := {"format_version": "1.2", "terraform_version": "1.9.8", "evaluation_date": "2026-11-22", "resource_changes": [], "configuration": config}

test_soc2_cc6_1_04_pass_secret_key_ref if {
	count(deny) == 0 with input as deployment([
		{"name": "OPENAI_API_KEY", "valueFrom": {"secretKeyRef": {"name": "llm", "key": "openai"}}},
		{"name": "LOG_LEVEL", "value": "info"},
		{"name": "DB_PASSWORD", "value": ""},
	])
}

test_soc2_cc6_1_04_fail_literal_openai_key if {
	r := deny with input as deployment([{"name": "OPENAI_API_KEY", "value": "sk-proj-123"}])
	count(r) == 1
	some f in r
	f.resource == "container api env OPENAI_API_KEY"
	f._path == "spec.template.spec.containers.0.env.0.value"
	contains(f.msg, "container api sets OPENAI_API_KEY to a literal value")
}

test_soc2_cc6_1_04_fail_lowercase_password if {
	count(deny) == 1 with input as deployment([{"name": "db_password", "value": "hunter2"}])
}

test_soc2_cc6_1_04_fail_init_container if {
	inp := {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "sync"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"containers": [{"name": "main", "image": "x"}],
		"initContainers": [{"name": "init", "image": "y", "env": [{"name": "GITHUB_TOKEN", "value": "ghp_x"}]}],
	}}}}}}
	r := deny with input as inp
	count(r) == 1
	some f in r
	f.resource == "container init env GITHUB_TOKEN"
	f._path == "spec.jobTemplate.spec.template.spec.initContainers.0.env.0.value"
}

test_soc2_cc6_1_04_fail_configmap if {
	inp := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cx-runtime"}, "data": {"LOG_LEVEL": "info", "ANTHROPIC_API_KEY": "sk-ant-1"}}
	r := deny with input as inp
	count(r) == 1
	some f in r
	contains(f.msg, "ANTHROPIC_API_KEY")
	f.resource == "key ANTHROPIC_API_KEY"
	f._path == "data.ANTHROPIC_API_KEY"
}

test_soc2_cc6_1_04_pass_configmap_plain if {
	count(deny) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cx-runtime"}, "data": {"LOG_LEVEL": "info"}}
}

test_soc2_cc6_1_04_fail_secret_manifest if {
	r := deny with input as {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "llm"}, "data": {"b": "eA=="}, "stringData": {"a": "sk-1"}}
	r == {{"msg": "Secret/llm: the manifest carries the secret values (a, b); keep them out of the repository", "resource": "Secret/llm", "_path": "data"}}
}

test_soc2_cc6_1_04_pass_terraform_references if {
	count(deny) == 0 with input as plan({"root_module": {
		"resources": [{"address": "aws_db_instance.main", "type": "aws_db_instance", "expressions": {
			"password": {"references": ["var.db_password"]},
			"username": {"constant_value": "app"},
		}}],
		"variables": {"db_password": {"sensitive": true}, "region": {"default": "eu-central-1"}},
	}})
}

test_soc2_cc6_1_04_fail_terraform_literal_password if {
	r := deny with input as plan({"root_module": {"resources": [{"address": "aws_db_instance.main", "type": "aws_db_instance", "expressions": {"password": {"constant_value": "hunter2"}}}]}})
	some f in r
	f.resource == "aws_db_instance.main"
	contains(f.msg, "password is a literal")
	f._path == "configuration.root_module.resources.0.expressions.password.constant_value"
}

test_soc2_cc6_1_04_fail_terraform_lambda_env if {
	r := deny with input as plan({"root_module": {"resources": [{"address": "aws_lambda_function.f", "type": "aws_lambda_function", "expressions": {"environment": [{"variables": {"constant_value": {"OPENAI_API_KEY": "sk-1", "STAGE": "prod"}}}]}}]}})
	count(r) == 1
	some f in r
	contains(f.msg, "variables sets OPENAI_API_KEY")
	f._path == "configuration.root_module.resources.0.expressions.environment.0.variables.constant_value.OPENAI_API_KEY"
}

test_soc2_cc6_1_04_fail_terraform_module_call if {
	r := deny with input as plan({"root_module": {"module_calls": {"db": {"source": "./db", "expressions": {"master_password": {"constant_value": "x"}}, "module": {}}}}})
	r == {{"msg": "root_module.module_calls.db: master_password is a literal in the Terraform configuration", "resource": "root_module.module_calls.db", "_path": "configuration.root_module.module_calls.db.expressions.master_password.constant_value"}}
}

test_soc2_cc6_1_04_fail_terraform_variable_default if {
	r := deny with input as plan({"root_module": {"variables": {"openai_api_key": {"default": "sk-1"}}}})
	some f in r
	f.resource == "var.openai_api_key"
	f._path == "configuration.root_module.variables.openai_api_key.default"
}

test_soc2_cc6_1_04_fail_ssm_secure_string if {
	count(deny) == 1 with input as plan({"root_module": {"resources": [{"address": "aws_ssm_parameter.p", "type": "aws_ssm_parameter", "expressions": {"type": {"constant_value": "SecureString"}, "value": {"constant_value": "s3cr3t"}}}]}})
}
