"""The embedded OPA: threads give the same answers as one, and whatever fails is an error, never a pass."""

from __future__ import annotations

import json

import pytest

from conftest import DATA, EVALUATION_DATE
from cxgov.errors import EngineError, PolicyError
from cxgov.model import Location, Subject

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
spec:
  template:
    spec:
      {ctx}containers:
        - name: app
          image: {image}
"""


def many_documents(tmp_path, n: int):
    docs = []
    for i in range(n):
        ctx = "securityContext: {runAsNonRoot: true}\n      " if i % 3 else ""
        image = "registry.acme.example/app:latest" if i % 5 == 0 else "registry.acme.example/app@sha256:ab"
        docs.append(DEPLOYMENT.format(i=i, ctx=ctx, image=image))
    (tmp_path / "many.yaml").write_text("---\n".join(docs))


def test_worker_pool_matches_a_single_worker(tmp_path, cxgov):
    many_documents(tmp_path, 1500)  # enough subjects for several workers
    args = ("check", "--no-builtin", "-p", str(DATA / "conftest" / "policy"), "-d", str(DATA / "conftest" / "data"),
            "many.yaml", "--evaluation-date", EVALUATION_DATE, "-o", "json")
    one = cxgov(*args, "-j", "1", cwd=tmp_path)
    two = cxgov(*args, "-j", "2", cwd=tmp_path)
    assert one.code == two.code == 1
    assert one.stdout == two.stdout  # byte for byte, order included
    doc = json.loads(one.stdout)
    assert doc["verdict"]["counts"]["deny"] == 500 + 300  # runAsNonRoot on every third, :latest on every fifth
    assert doc["verdict"]["counts"]["tests"] == 1500 * 5


def _prepared_engine(policy_source: str):
    from cxgov.engine.embedded import EmbeddedEngine
    from cxgov.engine.policyset import PolicySet
    from cxgov.engine.metadata import rule_infos
    from cxgov.engine.rego_source import parse_module

    module = parse_module("p.rego", policy_source)
    policies = PolicySet([module], [], {}, {("main", k): v for k, v in rule_infos(module).items()})
    engine = EmbeddedEngine(jobs=2)
    engine.prepare(policies, policies.plan(["main"]), EVALUATION_DATE)
    return engine


POLICY = "package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.bad\n\tmsg := \"bad\"\n}\n"


def test_the_failing_subject_of_a_batch_is_named():
    # 900 subjects go to OPA in batches; one document makes a builtin fail: the error names that
    # document, never the batch, and nothing passes
    engine = _prepared_engine("package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tx := 1 / input.n\n"
                              "\tmsg := sprintf(\"%v\", [x])\n}\n")
    subjects = [Subject("config", f"doc{i}", Location("docs.yaml", i + 1), {"n": 0 if i == 700 else 1})
                for i in range(900)]
    with pytest.raises(EngineError) as err:
        engine.evaluate(subjects)
    assert "docs.yaml:701" in str(err.value) and "divide by zero" in str(err.value)


def test_a_document_the_engine_cannot_take_is_named():
    engine = _prepared_engine(POLICY)
    subjects = [Subject("config", "a", Location("a.json", 1), {"bad": False}),
                Subject("config", "b", Location("b.json", 3), {"bad": float("nan")})]
    with pytest.raises(EngineError) as err:
        engine.evaluate(subjects)
    assert "b.json:3" in str(err.value)


def test_engine_records_the_embedded_opa_version():
    assert _prepared_engine(POLICY).version() == "OPA v1.20.2 (embedded)"


def test_compile_errors_keep_file_and_line():
    engine = _prepared_engine("package main\n\nimport rego.v1\n\ndeny contains \"x\" if {\n\tinput.a == nope(1)\n}\n")
    with pytest.raises(PolicyError) as err:
        engine.evaluate([Subject("config", "a", Location("a.json", 1), {})])
    assert str(err.value).startswith("p.rego:6:13: rego_type_error: undefined function nope")


def test_builtin_errors_are_errors_not_undefined():
    engine = _prepared_engine("package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tx := 1 / input.n\n\tmsg := sprintf(\"%v\", [x])\n}\n")
    with pytest.raises(EngineError) as err:
        engine.evaluate([Subject("config", "a", Location("a.json", 1), {"n": 0})])
    assert "a.json:1" in str(err.value)


def test_non_set_control_rule_is_a_policy_error():
    engine = _prepared_engine("package main\n\nimport rego.v1\n\ndeny if input.bad\n")
    with pytest.raises(PolicyError) as err:
        engine.evaluate([Subject("config", "a", Location("a.json", 1), {"bad": True})])
    assert "data.main.deny is bool" in str(err.value)


def test_policy_print_does_not_reach_stdout(tmp_path, cxgov):
    (tmp_path / "p.rego").write_text("package main\n\nimport rego.v1\n\nwarn contains \"w\" if {\n\tprint(\"debug noise\")\n}\n")
    (tmp_path / "a.json").write_text("{}")
    run = cxgov("check", "--no-builtin", "-p", "p.rego", "a.json", "-o", "json", cwd=tmp_path)
    assert "debug noise" not in run.stdout
    assert json.loads(run.stdout)["verdict"]["counts"]["warn"] == 1


def test_a_kind_no_package_judges_gets_no_findings_and_no_error():
    # `config` documents beside a policy scoped to Kubernetes only: the collector for `config`
    # has no rule to gather, and is still a defined (empty) set
    from cxgov.engine.embedded import collector_module
    from cxgov.engine.policyset import NamespacePlan

    plan = NamespacePlan("main", ("deny",), 1, False, frozenset({"kubernetes"}))
    source = collector_module("config", [plan])
    assert "results := set()" in source and "data.main.deny" not in source
    engine = _prepared_engine(POLICY)
    engine._plans = [plan]
    [(checks, findings)] = engine.evaluate([Subject("config", "a", Location("a.json", 1), {"bad": True})])
    assert checks == [] and findings == []


def test_files_are_parsed_without_forking_a_process_that_runs_opa(tmp_path):
    # a long-lived process (drift watch) evaluates, then reads many files again: evaluation runs in
    # spawned workers, so this process never loads the Go runtime (a fork of it would hang), and
    # parsing in forked workers stays safe and gives the same subjects
    from cxgov.engine.opa_library import go_runtime_loaded
    from cxgov.sources.files import FileSource

    many_documents(tmp_path, 10)
    for i in range(40):
        (tmp_path / f"f{i}.yaml").write_text(DEPLOYMENT.format(i=i, ctx="", image="nginx:1"))
    before = [s.id for s in FileSource([str(tmp_path)], root=tmp_path).subjects()]
    engine = _prepared_engine(POLICY)
    [(checks, _)] = engine.evaluate([Subject("config", "a", Location("a.json", 1), {"bad": False})])
    assert checks and not go_runtime_loaded()
    after = [s.id for s in FileSource([str(tmp_path)], root=tmp_path).subjects()]
    assert after == before and len(after) == 50


def test_a_missing_engine_library_is_exit_2_naming_the_install_command(tmp_path, cxgov):
    # the wheel shadowed by one that cannot be imported: no fallback engine, a clear exit 2
    broken = tmp_path / "shadow" / "opa_bindings"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('no such library')\n")
    (tmp_path / "p.rego").write_text(POLICY)
    (tmp_path / "a.json").write_text('{"bad": true}')
    run = cxgov("check", "--no-builtin", "-p", "p.rego", "a.json", cwd=tmp_path,
                env={"PYTHONPATH": str(tmp_path / "shadow")})
    assert run.code == 2 and run.stdout == ""
    assert "the embedded OPA engine is not installed" in run.stderr
    assert "pip install --no-deps --ignore-requires-python opa-golib-python-bindings==0.4.4" in run.stderr
