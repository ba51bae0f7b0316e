"""`--engine opa`: the same findings as the embedded engine, and every failure an exit-2 error.

Parity cases run against every OPA server this machine has (tests/opa_servers.py): a real `opa`
when one is on PATH (the project's GitHub CI installs it), and always the OPA-REST test server
backed by the embedded OPA (tests/opa_test_server.py). Against the test server they prove the
REST path (run prefix, data, collectors, result mapping, cleanup) maps to identical findings; a
real `opa` server proves the server build agrees with the embedded library.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import requests

from conftest import DATA, EVALUATION_DATE, ROOT, run_cxgov
from evidence_bundles import live_args
from opa_servers import data_on, policies_on, running, servers, silent_server

EXAMPLES = ROOT / "examples"

#: (name, directory, arguments): every builtin pack (acme-cx judges all their rules) and every example policy
CASES = [
    ("acme-cx-noncompliant", EXAMPLES / "acme-cx" / "noncompliant", ("cxgov", "k8s", "terraform/plan.json")),
    ("acme-cx-compliant", EXAMPLES / "acme-cx" / "compliant", ("cxgov", "k8s", "terraform/plan.json")),
    ("chatbot", EXAMPLES / "chatbot", ("k8s", "terraform/plan.json", "--no-builtin")),
    ("conftest", DATA / "conftest", ("files", "--no-builtin", "-p", "policy", "-p", "network", "-d", "data",
                                     "--all-namespaces")),
]


def check(directory, *args, **kw):
    return run_cxgov("check", *args, "--evaluation-date", EVALUATION_DATE, "-o", "json", cwd=directory, **kw)


def comparable(stdout: str) -> dict:
    """The JSON result without the fields that name the engine, nor the digests of UI scans (each run
    scans the widget again, at another time) and of the system view that holds them."""
    doc = json.loads(stdout)
    for key in ("engine", "engine_version"):
        doc["cxgov"].pop(key)
    for subject in doc["subjects"]:
        if subject["kind"] in ("ui-scan", "system"):
            subject.pop("sha256")
    return doc


@pytest.fixture(scope="module")
def live(acme_registry, acme_ui):
    """The acme-cx variants' live sources: the model registry in the variant's state, and the example
    widget (broken for the non-compliant variant, fixed for the compliant one) served locally."""
    def sources(case: str) -> tuple[str, ...]:
        if not case.startswith("acme-cx-"):
            return ()
        variant = case.removeprefix("acme-cx-")
        acme_registry.compliant() if variant == "compliant" else acme_registry.noncompliant()
        return tuple(live_args(acme_registry, acme_ui, variant))
    return sources


@pytest.fixture(scope="module", params=servers())
def server(request):
    with running(request.param) as url:
        yield url


@pytest.fixture(scope="module")
def copies(tmp_path_factory, live):
    """Each case copied once (evidence hashes are relative to the descriptor; nothing is written into the
    repository), with its embedded-engine result."""
    out = {}
    for name, directory, args in CASES:
        target = tmp_path_factory.mktemp("cases") / name
        shutil.copytree(directory, target)
        embedded = check(target, *args, *live(name))
        assert embedded.code in (0, 1), embedded.stderr
        out[name] = (target, args, embedded)
    return out


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_identical_findings_on_both_engines(case, copies, server, live):
    directory, args, embedded = copies[case]
    opa = check(directory, *args, *live(case), "--engine", "opa", "--opa-url", server)
    assert opa.code == embedded.code, opa.stderr
    assert comparable(opa.stdout) == comparable(embedded.stdout)
    assert json.loads(opa.stdout)["cxgov"]["engine"] == "opa"
    # the run's policies and data are gone from the server afterwards
    assert not [p for p in policies_on(server) if p.startswith("cxgov_run_")]
    assert not [k for k in data_on(server) if k.startswith("cxgov_run_")]


def test_the_examples_judge_something(copies):
    # parity over empty results would prove nothing: the cases between them fail and pass
    findings = {name: len(json.loads(run.stdout)["findings"]) for name, (_, _, run) in copies.items()}
    assert findings["acme-cx-noncompliant"] >= 30 and findings["acme-cx-compliant"] == 0
    assert findings["chatbot"] > 0 and findings["conftest"] > 0


def test_preloaded_server_is_queried_as_is(copies, server):
    """--opa-preloaded pushes nothing: the server already holds the policies (here pushed by hand,
    as an operator's bundle would); the findings are the same."""
    directory, args, embedded = copies["chatbot"]
    for rego in sorted((directory / "policy").glob("*.rego")):
        if not rego.name.endswith("_test.rego"):
            r = requests.put(f"{server}/v1/policies/preloaded/{rego.name}", data=rego.read_bytes(), timeout=10)
            assert r.status_code == 200, r.text
    from cxgov.engine.policyset import load_data_path

    data = load_data_path(directory / "data")
    assert requests.put(f"{server}/v1/data", json=data, timeout=10).status_code == 204
    try:
        opa = check(directory, *args, "--engine", "opa", "--opa-url", server, "--opa-preloaded")
        assert opa.code == embedded.code, opa.stderr
        assert comparable(opa.stdout) == comparable(embedded.stdout)
        assert sorted(p for p in policies_on(server) if p.startswith("preloaded/")) == [
            "preloaded/kubernetes.rego", "preloaded/terraform.rego"]  # nothing pushed, nothing removed
    finally:
        for rego in ("kubernetes.rego", "terraform.rego"):
            requests.delete(f"{server}/v1/policies/preloaded/{rego}", timeout=10)
        for key in data:
            requests.delete(f"{server}/v1/data/{key}", timeout=10)


def test_preloaded_server_without_the_policies_is_an_error(copies, server):
    directory, args, _ = copies["chatbot"]
    run = check(directory, *args, "--engine", "opa", "--opa-url", server, "--opa-preloaded")
    assert run.code == 2
    assert "package main is not loaded on the OPA server" in run.stderr
    assert server in run.stderr


# --- failures: each an exit 2 naming the server and what to do --------------------------------------

POLICY_MAIN = """package main

import rego.v1

deny contains msg if {
\tinput.kind == "Deployment"
\tmsg := sprintf("%s has no owner", [input.metadata.name])
}
"""
DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"


def test_builtin_unit_tests_give_the_same_outcomes_on_the_server(server):
    # every builtin rule's unit tests, evaluated by the server through the one aggregate rule that
    # `cxgov policy test` queries on the embedded OPA: the same value for every test
    from cxgov.engine.policyset import load
    from cxgov.engine.unit_tests import aggregate_module, run_tests, test_cases

    policies = load([], builtin=True, include_tests=True)
    cases = test_cases(policies.tests)
    embedded = {o.name: o.status for o in run_tests(policies, cases).outcomes}
    assert len(embedded) >= 600 and set(embedded.values()) == {"pass"}
    requests.put(f"{server}/v1/data", json=policies.data, timeout=60).raise_for_status()
    try:
        for module in [*policies.modules, *policies.tests]:
            requests.put(f"{server}/v1/policies/{module.path}", data=module.source.encode(), timeout=60).raise_for_status()
        aggregate = aggregate_module("cxgov_unit", cases)
        requests.put(f"{server}/v1/policies/cxgov_unit.rego", data=aggregate.encode(), timeout=60).raise_for_status()
        answer = requests.post(f"{server}/v1/data/cxgov_unit/results", json={}, timeout=120).json()["result"]
    finally:
        for module in [*policies.modules, *policies.tests]:
            requests.delete(f"{server}/v1/policies/{module.path}", timeout=60)
        requests.delete(f"{server}/v1/policies/cxgov_unit.rego", timeout=60)
        requests.put(f"{server}/v1/data", json={}, timeout=60)
    on_server = {name: "pass" if answer.get(name) is True else "fail" for name in embedded}
    assert on_server == embedded


@pytest.fixture
def small(tmp_path):
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "main.rego").write_text(POLICY_MAIN)
    (tmp_path / "app.yaml").write_text(DEPLOYMENT)
    return tmp_path


def opa_check(directory, url, *extra, **kw):
    return check(directory, "app.yaml", "--no-builtin", "--engine", "opa", "--opa-url", url, *extra, **kw)


def test_unreachable_server(small):
    with silent_server() as url:
        port = url.rsplit(":", 1)[1]
    url = f"http://127.0.0.1:{port}"  # the port is closed again: nothing listens
    run = opa_check(small, url)
    assert run.code == 2 and run.stdout == ""
    assert f"{url}: cannot reach the OPA server while storing the policy data" in run.stderr
    assert "check --opa-url" in run.stderr


def test_server_that_never_answers_times_out(small):
    with silent_server() as url:
        run = opa_check(small, url, "--opa-timeout", "0.5")
    assert run.code == 2 and run.stdout == ""
    assert "the OPA server did not answer within 0.5s" in run.stderr
    assert "--opa-timeout" in run.stderr


def test_policy_the_server_rejects(small, server):
    # cxgov's own reader accepts this (it checks structure, not expressions); the engine's compiler does not
    (small / "policy" / "main.rego").write_text(POLICY_MAIN.replace('[input.metadata.name])', '[input.metadata.name]) + * 2'))
    run = opa_check(small, server)
    assert run.code == 2 and run.stdout == ""
    assert "OPA" in run.stderr and "policy/main.rego:7" in run.stderr
    assert "cxgov_run_" not in run.stderr  # names are the user's, not the run prefix's
    assert not [p for p in policies_on(server) if p.startswith("cxgov_run_")]


def test_evaluation_error_on_the_server(small, server):
    # a builtin error is an error in strict mode, on both engines, never an undefined (passing) rule
    (small / "policy" / "main.rego").write_text(POLICY_MAIN.replace('sprintf("%s has no owner", [input.metadata.name])',
                                                                   'to_number("not a number")'))
    embedded = check(small, "app.yaml", "--no-builtin")
    run = opa_check(small, server)
    assert embedded.code == 2
    assert run.code == 2 and run.stdout == ""
    assert "the OPA server answered HTTP 500 while evaluating" in run.stderr
    assert "app.yaml:1" in run.stderr
    assert "to_number" in run.stderr and "to_number" in embedded.stderr  # both name the builtin that failed


def test_bearer_token(small):
    embedded = check(small, "app.yaml", "--no-builtin")
    with running("test-server", token="s3cret") as url:
        without = opa_check(small, url)
        wrong = opa_check(small, url, "--opa-token", "nope")
        given = opa_check(small, url, env={"CXGOV_OPA_TOKEN": "s3cret"})
    assert without.code == 2 and "(unauthorized)" in without.stderr and "--opa-token" in without.stderr
    assert wrong.code == 2 and "(unauthorized)" in wrong.stderr
    assert "s3cret" not in without.stderr + wrong.stderr and "nope" not in wrong.stderr
    assert given.code == embedded.code == 1, given.stderr
    assert comparable(given.stdout) == comparable(embedded.stdout)


def test_engine_option_errors(small):
    no_url = check(small, "app.yaml", "--no-builtin", "--engine", "opa", env={"CXGOV_OPA_URL": ""})
    assert no_url.code == 2 and "--engine opa needs --opa-url" in no_url.stderr
    bad_url = opa_check(small, "localhost:8181")
    assert bad_url.code == 2 and "is not an http(s) URL" in bad_url.stderr
    stray = check(small, "app.yaml", "--no-builtin", "--opa-url", "http://127.0.0.1:1")
    assert stray.code == 2 and "--opa-url needs --engine opa" in stray.stderr
    creds = opa_check(small, "http://user:pw@127.0.0.1:1")
    assert creds.code == 2 and "takes no credentials" in creds.stderr


def test_engine_from_the_config_file(small, server):
    (small / "cxgov.toml").write_text(f'[check]\nengine = "opa"\nopa-url = "{server}"\n')
    run = check(small, "app.yaml", "--no-builtin")
    assert run.code == 1, run.stderr
    assert json.loads(run.stdout)["cxgov"]["engine"] == "opa"
    assert [f["message"] for f in json.loads(run.stdout)["findings"]] == ["web has no owner"]


def test_rewrite_moves_package_and_data_references_only():
    from cxgov.engine.opa_modules import rewrite_under
    from cxgov.engine.rego_source import parse_module

    source = ('package main.k8s\n\nimport rego.v1\nimport data.lib.util\n\n# data.not.this\n'
              'deny contains msg if {\n\tinput.data == data.cfg.x\n\tmsg := "data.not.this"\n\tutil.f(data[input.k])\n}\n')
    out = rewrite_under(parse_module("p.rego", source), "run1")
    assert out.splitlines() == [
        "package run1.main.k8s", "", "import rego.v1", "import data.run1.lib.util", "", "# data.not.this",
        "deny contains msg if {", "\tinput.data == data.run1.cfg.x", '\tmsg := "data.not.this"',
        "\tutil.f(data.run1[input.k])", "}",
    ]


def test_tls_with_a_private_ca(small, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    embedded = check(small, "app.yaml", "--no-builtin")
    with running(servers()[-1], tls=(str(cert), str(key))) as url:
        untrusted = opa_check(small, url)
        trusted = opa_check(small, url, "--opa-ca-cert", str(cert))
    assert untrusted.code == 2 and "TLS with the OPA server failed" in untrusted.stderr
    assert "--opa-ca-cert" in untrusted.stderr
    assert trusted.code == embedded.code == 1, trusted.stderr
    assert comparable(trusted.stdout) == comparable(embedded.stdout)
    plain = opa_check(small, "http://127.0.0.1:1", "--opa-ca-cert", str(cert))
    assert plain.code == 2 and "TLS options need an https:// --opa-url" in plain.stderr
