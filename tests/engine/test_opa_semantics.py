"""Everyday Rego gets OPA's own answers, through `cxgov check` and `cxgov policy test`.

Each rule below is one construct a conftest user writes; the embedded engine is OPA, so the
answers are OPA's (semver ordering, `%q`, RFC 3339 with `Z`, `every` with `not`, net, JSON Schema,
`rego.metadata.rule()`), and a conftest-style unit test runs unchanged.
"""

from __future__ import annotations

import json

HEAD = "package main\n\nimport rego.v1\n\n"

POLICY = HEAD + """\
deny contains msg if {
	endswith(input.services[_].image, ":latest")
	msg := "No images tagged latest"
}

deny contains msg if {
	some name, svc in input.services
	not svc.read_only
	msg := sprintf("service %q is not read-only", [name])
}

deny contains "every service needs a healthcheck and no privileges" if {
	not all_safe
}

all_safe if {
	every svc in input.services {
		svc.healthcheck
		not svc.privileged
	}
}

deny contains msg if {
	semver.compare(input.x_cxgov.version, input.x_cxgov.minimum) < 0
	msg := sprintf("version %s is older than %s", [input.x_cxgov.version, input.x_cxgov.minimum])
}

warn contains "release date is after the evaluation date" if {
	time.parse_rfc3339_ns(input.x_cxgov.released) > time.parse_rfc3339_ns(sprintf("%sT00:00:00Z", [input.evaluation_date]))
}

deny contains msg if {
	some cidr in input.x_cxgov.allowed_from
	not net.cidr_contains("10.0.0.0/8", cidr)
	msg := sprintf("%s is outside the private network", [cidr])
}

deny contains msg if {
	[ok, errors] := json.match_schema(input.x_cxgov, {"type": "object", "required": ["owner"]})
	not ok
	msg := sprintf("x-cxgov: %s", [errors[0].desc])
}

# METADATA
# title: Compose files name their owner team
deny_owner contains msg if {
	not input.x_cxgov.owner
	msg := sprintf("%s (%s)", [rego.metadata.rule().title, "x-cxgov.owner"])
}
"""

TESTS = HEAD + """\
test_latest_denied if {
	deny["No images tagged latest"] with input as {"services": {"web": {"image": "nginx:latest", "read_only": true,
		"healthcheck": {}}}}
}

test_pinned_allowed if {
	not deny["No images tagged latest"] with input as {"services": {"web": {"image": "nginx:1.27"}}}
}

test_semver_is_numeric if {
	not deny["version 1.10.0 is older than 1.9.0"] with input as {"x_cxgov": {"version": "1.10.0", "minimum": "1.9.0"}}
}
"""

COMPOSE = """\
services:
  web:
    image: nginx:latest
    healthcheck: {test: ["CMD", "true"]}
  worker:
    image: acme/worker:2.1
    read_only: true
    privileged: true
    healthcheck: {test: ["CMD", "true"]}
x_cxgov:
  version: 1.10.0
  minimum: 1.9.0
  released: 2026-12-24T10:00:00Z
  allowed_from: [10.1.0.0/16, 192.168.0.0/24]
"""


def test_check_gives_opas_answers(tmp_path, cxgov):
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "compose.rego").write_text(POLICY)
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    run = cxgov("check", "--no-builtin", "docker-compose.yml", "--evaluation-date", "2026-12-04", "-o", "json",
                cwd=tmp_path)
    assert run.code == 1, run.stderr
    messages = sorted(f["message"] for f in json.loads(run.stdout)["findings"])
    assert messages == sorted([
        "No images tagged latest",  # a wildcard inside a call argument
        'service "web" is not read-only',  # sprintf %q
        "every service needs a healthcheck and no privileges",  # every with not: worker is privileged
        "192.168.0.0/24 is outside the private network",  # net.cidr_contains
        "x-cxgov: owner is required",  # json.match_schema
        "Compose files name their owner team (x-cxgov.owner)",  # rego.metadata.rule()
        "release date is after the evaluation date",  # RFC 3339 with Z
    ])  # and no semver finding: 1.10.0 is newer than 1.9.0


def test_policy_test_runs_conftest_style_tests(tmp_path, cxgov):
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "compose.rego").write_text(POLICY)
    (tmp_path / "policy" / "compose_test.rego").write_text(TESTS)
    run = cxgov("policy", "test", "policy", "-v", cwd=tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    assert "PASS: 3/3" in run.stdout
    for name in ("test_latest_denied", "test_pinned_allowed", "test_semver_is_numeric"):
        assert f"data.main.{name}: PASS" in run.stdout


def test_compile_errors_name_file_line_and_column(tmp_path, cxgov):
    (tmp_path / "p.rego").write_text(HEAD + "deny contains msg if {\n\tmsg := \n}\n")
    (tmp_path / "a.json").write_text("{}")
    run = cxgov("check", "--no-builtin", "-p", "p.rego", "a.json", cwd=tmp_path)
    assert run.code == 2
    assert "p.rego:7:1: rego_parse_error:" in run.stderr, run.stderr
