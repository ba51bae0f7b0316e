"""Running Rego unit tests (`test_*` rules) on the embedded engine.

Conftest-style tests write `deny["msg"] with input as {...}`, and `with input as` crashes or
misleads rego-cpp. So each test is rewritten before compiling: the value after `with input as`
becomes a rule of its own (evaluated with no input), and the assertion becomes a rule evaluated
with that value as the real input. Statements before the first `with` (fixtures such as
`inp := {...}`) are kept in both. The rewrite is textual and keeps the test's package and imports,
so names resolve exactly as they did.
"""

from __future__ import annotations

from dataclasses import dataclass

from cxgov.errors import PolicyError
from cxgov.engine.rego_source import OPEN, CLOSE, Module, Rule, Token, split_body
from cxgov.engine.regocpp import QueryError, compile_bundle, query


@dataclass(frozen=True, slots=True)
class TestCase:
    """One test after rewriting: the entrypoints to query, in order."""

    name: str
    line: int
    plain: bool  # no `with`: query the test rule itself
    segments: tuple[tuple[str, str, int], ...] = ()  # (input rule, assertion rule, line)
    unsupported: str | None = None


@dataclass(frozen=True, slots=True)
class Rewritten:
    source: str
    cases: list[TestCase]


def _text(module: Module, tokens: list[Token]) -> str:
    return module.source[tokens[0].offset : tokens[-1].offset + len(tokens[-1].text)]


def _split_with(expr: list[Token]) -> tuple[list[Token], list[tuple[list[Token], list[Token]]]]:
    """An expression's core and its `with TARGET as VALUE` clauses (at bracket depth zero)."""
    depth, cuts = 0, []
    for i, tok in enumerate(expr):
        if tok.kind == "punct" and tok.text in OPEN:
            depth += 1
        elif tok.kind == "punct" and tok.text in CLOSE:
            depth -= 1
        elif depth == 0 and tok.kind == "ident" and tok.text == "with":
            cuts.append(i)
    if not cuts:
        return expr, []
    clauses = []
    for n, start in enumerate(cuts):
        end = cuts[n + 1] if n + 1 < len(cuts) else len(expr)
        part = expr[start + 1 : end]
        as_at = next((i for i, t in enumerate(part) if t.kind == "ident" and t.text == "as"), None)
        clauses.append((part[:as_at] if as_at is not None else part, part[as_at + 1 :] if as_at is not None else []))
    return expr[: cuts[0]], clauses


def rewrite(module: Module) -> Rewritten:
    """The test module's source with every `with`-using test replaced by plain rules."""
    cases: list[TestCase] = []
    edits: list[tuple[int, int, str]] = []
    for rule in module.rules:
        if not rule.name.startswith("test_"):
            continue
        case, replacement = _rewrite_rule(module, rule)
        cases.append(case)
        if replacement is not None:
            toks = rule.statement.tokens
            edits.append((toks[0].offset, toks[-1].offset + len(toks[-1].text), replacement))
    source = module.source
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return Rewritten(source, cases)


def _rewrite_rule(module: Module, rule: Rule) -> tuple[TestCase, str | None]:
    split = split_body(rule.statement)
    if split is None:
        return TestCase(rule.name, rule.line, plain=True), None
    _, exprs = split
    parsed = [_split_with(e) for e in exprs]
    if not any(clauses for _, clauses in parsed):
        return TestCase(rule.name, rule.line, plain=True), None
    for _, clauses in parsed:
        for target, value in clauses:
            target_text = "".join(t.text for t in target)
            if target_text != "input" or not value:
                reason = f"`with {target_text} as ...` is not supported on the embedded engine (only `with input as`)"
                # keep the source compilable: the unsupported test is dropped, not evaluated
                return TestCase(rule.name, rule.line, plain=False, unsupported=reason), f"# {rule.name}: not run ({reason})"
    first = next(i for i, (_, clauses) in enumerate(parsed) if clauses)
    prefix = [_text(module, core) for core, _ in parsed[:first]]
    rules, segments = [], []
    k = 0
    i = first
    while i < len(parsed):
        core, clauses = parsed[i]
        value = _text(module, clauses[-1][1])  # the last `with input` wins, as in OPA
        body = [_text(module, core)]
        i += 1
        while i < len(parsed) and not parsed[i][1]:
            body.append(_text(module, parsed[i][0]))
            i += 1
        in_rule, ok_rule = f"__cx_{rule.name}_in_{k}", f"__cx_{rule.name}_ok_{k}"
        rules.append(f"{in_rule} := __cx_value if {{\n" + "".join(f"  {p}\n" for p in prefix) + f"  __cx_value := {value}\n}}")
        rules.append(f"{ok_rule} if {{\n" + "".join(f"  {p}\n" for p in prefix + body) + "}")
        segments.append((in_rule, ok_rule, core[0].line))
        k += 1
    return TestCase(rule.name, rule.line, plain=False, segments=tuple(segments)), "\n\n".join(rules)


@dataclass(frozen=True, slots=True)
class Outcome:
    file: str
    name: str  # data.<package>.<test>
    line: int
    status: str  # pass, fail, error
    detail: str = ""


def run_test_file(test: Module, policies: list[Module], data: dict, stderr=None) -> list[Outcome]:
    """Compile the policies with the rewritten test file and run each test. Call it in a child
    process: a crash here must take down only this file."""
    from regopy import Input, Interpreter

    rewritten = rewrite(test)
    path = test.package.replace(".", "/")
    sources = {m.path: m.source for m in policies if m.path != test.path}
    sources[test.path] = rewritten.source
    runnable = [c for c in rewritten.cases if not c.unsupported]
    entrypoints = [f"{path}/{c.name}" for c in runnable if c.plain]
    entrypoints += [f"{path}/{rule}" for c in runnable for seg in c.segments for rule in seg[:2]]
    outcomes = [Outcome(test.path, f"data.{test.package}.{c.name}", c.line, "error", c.unsupported)
                for c in rewritten.cases if c.unsupported]
    if not entrypoints:
        return outcomes
    try:
        _, bundle = compile_bundle(data, sources, entrypoints)
    except PolicyError as exc:
        return outcomes + [Outcome(test.path, f"data.{test.package}.{c.name}", c.line, "error", exc.message)
                           for c in runnable]
    for case in runnable:
        name = f"data.{test.package}.{case.name}"
        try:
            status, detail = _run_case(case, bundle, path, Interpreter, Input)
        except QueryError as exc:
            status, detail = "error", _detail(exc, stderr)
        outcomes.append(Outcome(test.path, name, case.line, status, detail))
    return sorted(outcomes, key=lambda o: o.line)


def _run_case(case: TestCase, bundle, path: str, Interpreter, Input) -> tuple[str, str]:
    # a fresh interpreter per query: `input` must be undefined, or exactly the `with` value
    if case.plain:
        ok = query(Interpreter(), bundle, f"{path}/{case.name}") is True
        return ("pass", "") if ok else ("fail", "the test rule is not true")
    for in_rule, ok_rule, line in case.segments:
        given = query(Interpreter(), bundle, f"{path}/{in_rule}")
        if given is None:
            return "error", f"line {line}: the `with input as` value is undefined"
        runner = Interpreter()
        runner.set_input(Input(given))
        if query(runner, bundle, f"{path}/{ok_rule}") is not True:
            return "fail", f"line {line}: assertion is not true"
    return "pass", ""


def _detail(exc: QueryError, stderr) -> str:
    """rego-cpp prints the reason of some failures rather than returning it: use its last line."""
    lines = stderr.text().strip().splitlines() if stderr is not None else []
    return f"{exc}: {lines[-1].strip()}" if lines else str(exc)
