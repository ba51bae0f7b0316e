"""The lint pass: each known rego-cpp divergence is an early, clear error naming file:line.

The divergences themselves are pinned too (test_divergence_*): if a regopy upgrade fixes one, its
test fails and the lint rule can be retired deliberately rather than by accident.
"""

from __future__ import annotations

import pytest

from cxgov.engine.lint import lint
from cxgov.engine.rego_source import parse_module

HEAD = "package main\n\nimport rego.v1\n\n"

CASES = {
    "v0_set": ("deny[msg] {\n\tmsg := \"x\"\n}\n", "CX001", 5),
    "v0_boolean": ("allow {\n\tinput.x\n}\n", "CX001", 5),
    "v0_function": ("f(x) = y {\n\ty := x\n}\n", "CX001", 5),
    "object_deny": ("deny[msg] if {\n\tmsg := \"x\"\n}\n", "CX006", 5),
    "every_not": ("deny contains \"x\" if {\n\tevery c in input.cs {\n\t\tnot c.ok\n\t}\n}\n", "CX002", 6),
    "with_in_policy": ("deny contains m if {\n\tm := \"x\"\n\tallow with input as {}\n}\nallow if input.a\n", "CX003", 7),
    "net": ("deny contains \"x\" if net.cidr_contains(\"10.0.0.0/8\", input.ip)\n", "CX004", 5),
    "match_schema": ("deny contains \"x\" if {\n\t[ok, _] := json.match_schema(input, {})\n\tnot ok\n}\n", "CX004", 6),
    "http_send": ("deny contains \"x\" if http.send({\"method\": \"get\", \"url\": input.u}).status_code != 200\n", "CX004", 5),
    "metadata": ("deny contains rego.metadata.rule().title if input.x\n", "CX004", 5),
    "runtime": ("deny contains \"x\" if opa.runtime().env.CI\n", "CX004", 5),
    "semver": ("deny contains \"old\" if semver.compare(input.v, \"1.9.0\") < 0\n", "CX004", 5),
    "rfc3339": ("deny contains \"x\" if time.parse_rfc3339_ns(input.t) < 0\n", "CX004", 5),
    "sprintf_q": ("deny contains msg if {\n\tmsg := sprintf(\"bad %q\", [input.x])\n}\n", "CX005", 6),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_divergence_is_an_error_with_its_line(name):
    body, code, line = CASES[name]
    errors = lint(parse_module("policy/p.rego", HEAD + body))
    assert [(e.code, e.line) for e in errors][:1] == [(code, line)], errors
    assert str(errors[0]).startswith(f"policy/p.rego:{line}:")
    assert "--engine opa" in str(errors[0]) or code in ("CX005", "CX006")


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_divergence_stops_check_with_exit_2(name, tmp_path, cxgov):
    body, code, line = CASES[name]
    (tmp_path / "p.rego").write_text(HEAD + body)
    (tmp_path / "a.json").write_text("{}")
    run = cxgov("check", "--no-builtin", "-p", "p.rego", "a.json", cwd=tmp_path)
    assert run.code == 2
    assert len(run.error_lines) == 1
    assert f"p.rego:{line}:" in run.stderr and code in run.stderr


def test_clean_v1_policy_has_no_findings():
    source = HEAD + (
        "x := {\"a\": 1}\n\n"
        "helper := [n | some n in input.names]\n\n"
        "deny contains {\"msg\": m} if {\n\tsome n in helper\n\tm := sprintf(\"%v\", [n])\n}\n\n"
        "f(x) := y if {\n\ty := x\n} else := 0\n\n"
        "allow if {\n\tevery c in input.cs {\n\t\tc.ok\n\t}\n}\n\n"
        "warn contains msg if {\n\tinput.net.enabled\n\tmsg := \"field refs are not calls\"\n}\n"
    )
    assert lint(parse_module("p.rego", source)) == []


def test_with_is_allowed_in_tests():
    test = HEAD + "test_x if {\n\tdeny[\"x\"] with input as {\"a\": 1}\n}\n"
    assert lint(parse_module("p_test.rego", test), is_test=True) == []


def test_wall_clock_is_refused_in_builtin_packs_only():
    source = HEAD + "warn contains \"late\" if time.now_ns() > 0\n"
    assert lint(parse_module("p.rego", source)) == []
    assert [e.code for e in lint(parse_module("p.rego", source), builtin=True)] == ["CX004"]


# --- the divergences themselves, on the real engine -----------------------------------------

def _value(source: str, rule: str, input_value=None):
    from regopy import Input, Interpreter

    from cxgov.engine.regocpp import query

    interp = Interpreter()
    interp.add_module("p.rego", source)
    bundle = interp.build(None, [f"main/{rule}"])
    if input_value is not None:
        interp.set_input(Input(input_value))
    return query(interp, bundle, f"main/{rule}")


def test_divergence_every_not_is_true_where_opa_is_undefined():
    # OPA: `every c in [true] { not c }` is false, so r is undefined
    assert _value(HEAD + "r if {\n\tevery c in input.cs {\n\t\tnot c\n\t}\n}\n", "r", {"cs": [True]}) is True


def test_divergence_semver_compare_orders_lexically():
    # OPA: semver.compare("1.10.0", "1.9.0") == 1
    assert _value(HEAD + "r := semver.compare(\"1.10.0\", \"1.9.0\")\n", "r") == -1


def test_divergence_v0_body_is_accepted_silently():
    # OPA 1.x rejects `deny[msg] { ... }`; rego-cpp compiles it into an object
    assert _value("package main\n\ndeny[msg] {\n\tmsg := \"x\"\n}\n", "deny") == {"x": True}


def test_divergence_sprintf_has_no_q_verb():
    assert _value(HEAD + "r := sprintf(\"%q\", [\"a\"])\n", "r") == "%q"


def test_sprintf_of_builtin_strings_is_flagged_but_input_strings_are_not():
    flagged = lint(parse_module("p.rego", HEAD + "deny contains m if {\n\tm := sprintf(\"x %s\", [lower(input.a)])\n}\n"))
    assert [(e.code, e.line) for e in flagged] == [("CX007", 6)]
    fine = lint(parse_module("p.rego", HEAD + "deny contains m if {\n\tm := sprintf(\"x %s %d %s\", "
                                              "[input.a, count(input.b), trim_prefix(input.c, \"x\")])\n}\n"))
    assert fine == []


def test_function_arity_clash_across_packages_is_flagged():
    from cxgov.engine.lint import lint_together

    a = parse_module("a.rego", "package a\n\nimport rego.v1\n\nf(x, y) if x == y\n")
    b = parse_module("b.rego", "package b\n\nimport rego.v1\n\nf(x, y, z) if x == z\n")
    t = parse_module("t_test.rego", "package t\n\nimport rego.v1\n\nf(x) := x\n")
    errors = lint_together([a, b], [t])
    assert [(e.path, e.line, e.code) for e in errors] == [("b.rego", 5, "CX008"), ("t_test.rego", 5, "CX008")]
    assert lint_together([a]) == []


def test_divergence_sprintf_keeps_quotes_of_builtin_strings():
    # OPA: "x abc"
    assert _value(HEAD + "r := sprintf(\"x %s\", [lower(input.a)])\n", "r", {"a": "ABC"}) == 'x "abc"'


def test_divergence_unescaped_quotes_in_results_are_still_read_exactly():
    # rego-cpp serialises `say "hi"` without escaping its quotes; cxgov reads the result tree instead
    assert _value(HEAD + "r contains m if {\n\tm := input.q\n}\n", "r", {"q": 'say "hi"'}) == ['say "hi"']


def test_regex_inline_flags_are_flagged():
    errors = lint(parse_module("p.rego", HEAD + "deny contains \"x\" if regex.match(\"(?i)^prod\", input.env)\n"))
    assert [(e.code, e.line) for e in errors] == [("CX009", 5)]


def test_divergence_regex_inline_flag_is_silently_undefined():
    # OPA: true
    assert _value(HEAD + "r := regex.match(\"(?i)abc\", \"ABC\")\n", "r") is None


def test_rule_and_function_with_one_name_in_a_package_are_flagged():
    from cxgov.engine.lint import lint_together

    policy = parse_module("p.rego", "package p\n\nimport rego.v1\n\nrunbook := input.r\n")
    test = parse_module("p_test.rego", "package p\n\nimport rego.v1\n\nrunbook(tags) := {\"tags\": tags}\n")
    errors = lint_together([policy], [test])
    assert [(e.path, e.code) for e in errors] == [("p_test.rego", "CX010")]


def test_max_min_and_empty_replace_are_flagged():
    source = HEAD + ("deny contains \"x\" if max([input.a, 3]) > 10\n\n"
                     "warn contains \"y\" if replace(input.s, \"\", \"-\") == \"a\"\n")
    assert [(e.code, e.line) for e in lint(parse_module("p.rego", source))] == [("CX011", 5), ("CX012", 7)]
    assert lint(parse_module("p.rego", HEAD + "warn contains \"y\" if replace(input.s, \"a\", \"\") == \"b\"\n")) == []


def test_divergence_max_compares_numbers_as_text():
    # OPA: 12
    assert _value(HEAD + "r := max([12, 3])\n", "r") == 3
