"""The lint pass: values OPA hoists out of `not` (CX013), unreplayable builtins (CX004), conventions.

The hoisting cases are pinned against OPA itself too: each flagged form is undefined on the
embedded OPA where the field is missing, and each suggested rewrite is true there.
"""

from __future__ import annotations

import json

import pytest

from cxgov.engine.lint import lint
from cxgov.engine.rego_source import parse_module

HEAD = "package main\n\nimport rego.v1\n\n"


def codes(source: str, **kw) -> list[tuple[str, int]]:
    return [(e.code, e.line) for e in lint(parse_module("policy/p.rego", HEAD + source), **kw)]


# (negated expression, flagged?) — the hoisting forms of OPA issues 1877, 4743, 5793, 7558
HOISTING = {
    "not is_string(input.x.y)": True,
    "not input.x.y": False,
    "not input.x.y == \"a\"": False,
    "not input.x.y != \"a\"": True,
    "not input.x.y in {\"a\"}": True,
    "not \"a\" in input.x.tags": True,
    "not input.x.y < 3": True,
    "not startswith(lower(input.x.y), \"a\")": True,
    "not count(input.x.y) == 0": True,
    "not {\"a\": 1}[input.x.y]": True,
    "not input.m[\"a\"]": False,
    "not is_string(object.get(input, [\"x\", \"y\"], null))": False,
    "not count([1 | input.x.y]) > 0": False,
    "not g(1) == 2": True,
    "not g(1)": False,
    "not is_number(g(1))": True,
}


@pytest.mark.parametrize("expr", sorted(HOISTING))
def test_hoisting_is_flagged_exactly_where_opa_hoists(expr):
    source = f"g(x) := 5 if x == 99\n\nr if {{\n\t{expr}\n}}\n"
    found = codes(source, functions=frozenset({"g"}))
    assert found == ([("CX013", 8)] if HOISTING[expr] else []), found


@pytest.mark.parametrize("expr", sorted(HOISTING))
def test_opa_itself_agrees_with_the_lint(expr):
    # on OPA, a flagged form is undefined when input.x.y is missing; an unflagged one is true
    from opa_bindings import OpaEngine, OpaUndefinedError

    opa = OpaEngine()
    opa.add_policy("p.rego", HEAD + f"g(x) := 5 if x == 99\n\nr if {{\n\t{expr}\n}}\n")
    try:
        value = opa.eval_document("main.r", {"x": {}, "m": {}})
    except OpaUndefinedError:
        value = None
    assert value is (None if HOISTING[expr] else True)


def test_the_hint_is_a_rewrite_that_opa_evaluates_as_meant(tmp_path):
    [error] = lint(parse_module("policy/p.rego", HEAD + "r if {\n\tnot is_string(input.x.y)\n}\n"),
                   builtin=True)
    assert str(error).startswith("policy/p.rego:6:16: CX013 `not is_string(input.x.y)`: input.x.y is a call argument")
    assert 'write `not is_string(object.get(input, ["x", "y"], null))`' in error.hint
    assert error.severity == "error"
    user = lint(parse_module("policy/p.rego", HEAD + "r if {\n\tnot is_string(input.x.y)\n}\n"))
    assert [e.severity for e in user] == ["warning"]


def test_constants_of_imported_packages_are_not_flagged():
    source = ("import data.cxgov.ref as ref\n\n"
              "r if {\n\tnot regex.match(ref.pattern, \"abc\")\n}\n\n"
              "q if {\n\tnot regex.match(ref.patterns[input.k], \"a\")\n}\n")
    assert codes(source) == [("CX013", 12)]


def test_a_user_policy_with_the_pitfall_runs_with_a_warning(tmp_path, cxgov):
    (tmp_path / "p.rego").write_text(HEAD + "deny contains \"no region\" if {\n\tnot is_string(input.svc.region)\n}\n")
    (tmp_path / "a.json").write_text('{"svc": {}}')
    run = cxgov("check", "--no-builtin", "-p", "p.rego", "a.json", "-o", "json", cwd=tmp_path)
    assert run.code == 0  # OPA's answer: the rule is undefined, so nothing is denied
    assert "p.rego:6:16: warning: CX013" in run.stderr and "object.get(input, [\"svc\", \"region\"], null)" in run.stderr
    lint_run = cxgov("policy", "lint", "p.rego", cwd=tmp_path)
    assert lint_run.code == 1 and "1 warnings" in lint_run.stdout


def test_builtin_packs_lint_clean(cxgov):
    run = cxgov("policy", "lint")
    assert run.code == 0, run.stderr[-2000:]
    assert "no problems found" in run.stdout


NONDETERMINISTIC = {
    "http_send": "deny contains \"x\" if http.send({\"method\": \"get\", \"url\": input.u}).status_code != 200\n",
    "dns": "deny contains \"x\" if count(net.lookup_ip_addr(input.host)) == 0\n",
    "runtime": "deny contains \"x\" if opa.runtime().env.CI\n",
    "clock": "warn contains \"late\" if time.now_ns() > 0\n",
    "rand": "warn contains \"x\" if rand.intn(\"a\", 10) > 5\n",
    "uuid": "warn contains \"x\" if uuid.rfc4122(\"a\") != \"\"\n",
}


@pytest.mark.parametrize("name", sorted(NONDETERMINISTIC))
def test_unreplayable_builtins_are_refused_unless_allowed(name):
    assert codes(NONDETERMINISTIC[name]) == [("CX004", 5)]
    assert codes(NONDETERMINISTIC[name], allow_nondeterministic=True) == []


def test_http_send_stops_check_with_file_line_and_runs_when_allowed(tmp_path, cxgov):
    # with the flag the policy loads and runs (input.check is false: no request is made), and the
    # JSON result records that the run allowed it
    (tmp_path / "p.rego").write_text(HEAD + "deny contains \"down\" if {\n\tinput.check\n"
                                     "\tr := http.send({\"method\": \"get\", \"url\": input.u, \"raise_error\": false})\n"
                                     "\tr.status_code != 200\n}\n")
    (tmp_path / "a.json").write_text('{"check": false, "u": "http://127.0.0.1:9/"}')
    (tmp_path / "q.rego").write_text(HEAD + "deny contains \"x\" if input.check\n")
    refused = cxgov("check", "--no-builtin", "-p", "p.rego", "a.json", cwd=tmp_path)
    assert refused.code == 2
    assert "p.rego:7:" in refused.stderr and "CX004 http.send reaches the network" in refused.stderr
    assert "--allow-nondeterministic" in refused.stderr
    allowed = cxgov("check", "--no-builtin", "-p", "p.rego", "a.json", "--allow-nondeterministic", "-o", "json",
                    cwd=tmp_path)
    assert allowed.code == 0, allowed.stderr
    assert json.loads(allowed.stdout)["cxgov"]["allow_nondeterministic"] is True
    assert "allow_nondeterministic" not in cxgov("check", "--no-builtin", "-p", "q.rego", "a.json", "-o", "json",
                                                 cwd=tmp_path).stdout


def test_object_control_rule_is_flagged():
    assert codes("deny[msg] if {\n\tmsg := \"x\"\n}\n") == [("CX006", 5)]


def test_clean_v1_policy_has_no_findings():
    source = (
        "x := {\"a\": 1}\n\n"
        "helper := [n | some n in input.names]\n\n"
        "deny contains {\"msg\": m} if {\n\tsome n in helper\n\tm := sprintf(\"%v\", [n])\n}\n\n"
        "f(x) := y if {\n\ty := x\n} else := 0\n\n"
        "allow if {\n\tevery c in input.cs {\n\t\tnot c.ok\n\t}\n}\n\n"
        "warn contains msg if {\n\tnot input.net.enabled\n\tmsg := \"field refs are not calls\"\n}\n"
    )
    assert codes(source) == []


def test_a_rule_that_can_be_undefined_is_flagged_as_an_argument():
    # `environment` is undefined when the field is missing; `not is_string(environment)` is then
    # undefined on OPA too. A local variable of the same body, or a rule with a default, is not.
    source = ("environment := input.system.environment\n\n"
              "level := 3\n\n"
              "r if {\n\tnot is_string(environment)\n}\n\n"
              "q if {\n\tnot is_number(level)\n}\n\n"
              "s if {\n\tenvironment := \"x\"\n\tnot is_string(environment)\n}\n")
    assert codes(source) == [("CX013", 10)]
