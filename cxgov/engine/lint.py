"""A lint pass over policy source that turns every known rego-cpp divergence into an early error.

rego-cpp 1.5 (the embedded engine) accepts some policies that OPA rejects or evaluates differently
(see "Engines" in DESIGN.md). A compliance gate cannot let those through silently, so each one is
reported here, before anything is compiled, with the file, line and the alternative.
"""

from __future__ import annotations

from dataclasses import dataclass

from cxgov.engine.metadata import is_control_rule
from cxgov.engine.rego_source import OPEN, CLOSE, Module, Token

ENGINE_HINT = "or run this policy with --engine opa"

# dotted builtins the embedded engine lacks or gets wrong, with what to write instead
UNSUPPORTED_CALLS = {
    "net.": "the net.* builtins are missing from the embedded engine",
    "json.match_schema": "json.match_schema is missing from the embedded engine",
    "json.verify_schema": "json.verify_schema is missing from the embedded engine",
    "http.send": "http.send is missing from the embedded engine (and a gate must not depend on the network)",
    "rego.metadata.": "rego.metadata.* is empty on the embedded engine; cxgov reads METADATA itself",
    "opa.runtime": "opa.runtime() returns the whole process environment on the embedded engine",
    "semver.compare": "semver.compare gives wrong answers on the embedded engine (1.10.0 < 1.9.0)",
    "time.parse_rfc3339_ns": "time.parse_rfc3339_ns rejects a 'Z' suffix on the embedded engine; "
    "use time.parse_ns(\"2006-01-02\", d) or compare ISO date strings",
}
BUILTIN_ONLY_CALLS = {
    "time.now_ns": "builtin policies compare dates against input.evaluation_date, never the wall clock",
}


@dataclass(frozen=True, slots=True)
class LintError:
    path: str
    line: int
    col: int
    code: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message} ({self.hint})"


def lint(module: Module, *, is_test: bool = False, builtin: bool = False) -> list[LintError]:
    """Every divergence found in one module, in source order."""
    errors: list[LintError] = []
    code = [t for t in module.tokens if t.kind not in ("comment", "newline")]
    errors += _v0_bodies(module)
    errors += _object_control_rules(module)
    errors += _every_not(module, code)
    if not is_test:
        errors += _with_keyword(module, code)
    errors += _calls(module, code, builtin)
    return sorted(errors, key=lambda e: (e.line, e.col, e.code))


def lint_together(modules: list[Module], tests: list[Module] = ()) -> list[LintError]:
    """Divergences that only show across modules compiled into one bundle: a function name defined
    with different numbers of arguments in two packages aborts rego-cpp's build(). Policies are
    compiled together; each test file is compiled with the policies alone."""
    errors = _arity_clashes(modules) + _rule_function_clashes(modules)
    for test in tests:
        together = [*modules, test]
        errors += [e for e in _arity_clashes(together) + _rule_function_clashes(together) if e.path == test.path
                   or any(e.path == m.path for m in modules) and test.path in e.message]
    return errors


def _rule_function_clashes(modules: list[Module]) -> list[LintError]:
    """A rule and a function with one name in one package compile on rego-cpp, then fail (or crash)."""
    kinds: dict[tuple[str, str], dict[bool, tuple[Module, Token]]] = {}
    for module in modules:
        for rule in module.rules:
            kinds.setdefault((module.package, rule.name), {}).setdefault(rule.is_function, (module, rule.statement.code()[0]))
    errors = []
    for (package, name), seen in sorted(kinds.items()):
        if len(seen) == 2:
            module, tok = seen[True]
            errors.append(_err(module, tok, "CX010", f"{name!r} is both a rule and a function in package {package} "
                               f"(the rule is in {seen[False][0].path}); the embedded engine fails on that",
                               "rename one of them"))
    return errors


def _arity_clashes(modules: list[Module]) -> list[LintError]:
    arities: dict[str, dict[int, tuple[Module, Token]]] = {}
    for module in modules:
        for rule in module.rules:
            if rule.is_function:
                code = rule.statement.code()
                arities.setdefault(rule.name, {}).setdefault(_arity(code, 2 if rule.is_default else 1),
                                                             (module, code[0]))
    errors = []
    for name, seen in sorted(arities.items()):
        if len(seen) > 1:
            (first, _), *others = seen.items()  # the first definition read is the reference
            for arity, (module, tok) in others:
                errors.append(_err(module, tok, "CX008",
                                   f"function {name!r} takes {arity} arguments here and {first} in "
                                   f"{seen[first][0].path}; the embedded engine aborts on that",
                                   "give one of them another name"))
    return errors


def _arity(code: list[Token], open_at: int) -> int:
    depth, count, empty = 0, 1, True
    for tok in code[open_at:]:
        if tok.text in OPEN:
            depth += 1
            continue
        if tok.text in CLOSE:
            depth -= 1
            if depth == 0:
                break
            continue
        if depth == 1:
            empty = False
            if tok.text == ",":
                count += 1
    return 0 if empty else count


def _err(module: Module, tok: Token, code: str, message: str, hint: str) -> LintError:
    return LintError(module.path, tok.line, tok.col, code, message, hint)


def _v0_bodies(module: Module) -> list[LintError]:
    """A rule body `{` not introduced by `if`: Rego v0, which rego-cpp reads as something else."""
    out = []
    for rule in module.rules:
        depth = 0
        prev: Token | None = None
        for tok in rule.statement.code():
            if tok.kind == "punct" and tok.text == "{" and depth == 0 and prev is not None:
                if _ends_head(prev):
                    out.append(_err(module, tok, "CX001", f"rule {rule.name!r} uses Rego v0 syntax (a body without `if`)",
                                    "rewrite in Rego v1: `deny contains msg if { ... }`, `allow if { ... }` "
                                    "(opa fmt --v0-v1 does it), " + ENGINE_HINT))
                    break
            if tok.kind == "punct" and tok.text in OPEN:
                depth += 1
            elif tok.kind == "punct" and tok.text in CLOSE:
                depth -= 1
            prev = tok
    return out


_KEYWORDS = {"if", "contains", "as", "in", "not", "some", "every", "with", "default", "import", "package"}


def _ends_head(tok: Token) -> bool:
    """A token after which `{` opens a v0 body rather than an object or set value."""
    if tok.kind == "ident":
        return tok.text not in _KEYWORDS
    return tok.text in ("]", ")") or tok.kind in ("string", "raw", "number")


def _object_control_rules(module: Module) -> list[LintError]:
    """`deny[msg] if` defines an object in Rego v1, so conftest semantics would see no failures."""
    out = []
    for rule in module.rules:
        toks = rule.statement.code()
        if not (is_control_rule(rule.name) and len(toks) > 1 and toks[1].text == "["):
            continue
        close = next((i for i, t in enumerate(toks) if t.text == "]"), len(toks) - 1)
        if close + 1 < len(toks) and toks[close + 1].text in ("if", ":=", "="):  # `deny[x] {` is CX001's
            out.append(_err(module, toks[1], "CX006", f"{rule.name}[...] defines an object in Rego v1, not a set of messages",
                            f"write `{rule.name} contains msg if {{ ... }}`"))
    return out


def _every_not(module: Module, code: list[Token]) -> list[LintError]:
    """`every x in xs { not ... }` is true on rego-cpp where OPA says undefined."""
    out = []
    for i, tok in enumerate(code):
        if tok.kind != "ident" or tok.text != "every":
            continue
        j = i + 1
        while j < len(code) and code[j].text != "{":
            j += 1
        depth = 0
        for body_tok in code[j:]:
            if body_tok.text == "{":
                depth += 1
            elif body_tok.text == "}":
                depth -= 1
                if depth == 0:
                    break
            elif body_tok.kind == "ident" and body_tok.text == "not":
                out.append(_err(module, tok, "CX002", "`every` with a negated expression in its body evaluates wrongly on the embedded engine",
                                "state the violation positively: `not any_bad` with `any_bad if { some x in xs; bad(x) }`, " + ENGINE_HINT))
                break
    return out


def _with_keyword(module: Module, code: list[Token]) -> list[LintError]:
    """`with` outside tests returns broken results (and can crash) on the embedded engine."""
    return [
        _err(module, tok, "CX003", "`with` in a policy evaluates wrongly and can crash the embedded engine",
             "pass the value in the input or in data instead, " + ENGINE_HINT)
        for tok in code
        if tok.kind == "ident" and tok.text == "with"
    ]


def _calls(module: Module, code: list[Token], builtin: bool) -> list[LintError]:
    out = []
    banned = {**UNSUPPORTED_CALLS, **(BUILTIN_ONLY_CALLS if builtin else {})}
    heads = {name.split(".")[0] for name in [*banned, *_REGEX_CALLS, "sprintf", "max", "min", "replace"]}
    for i, tok in enumerate(code):
        if tok.text not in heads or tok.kind != "ident" or (i > 0 and code[i - 1].text == "."):
            continue
        dotted = _dotted(code, i)
        for prefix, why in banned.items():
            if dotted == prefix.rstrip(".") or (prefix.endswith(".") and dotted.startswith(prefix)):
                out.append(_err(module, tok, "CX004", f"{dotted}: {why}", "rewrite it, " + ENGINE_HINT))
        first_arg = i + 2 * dotted.count(".") + 2  # past the dotted name and "("
        if dotted in _REGEX_CALLS and first_arg < len(code) and code[first_arg].kind in ("string", "raw") \
                and "(?" in code[first_arg].text:
            out.append(_err(module, tok, "CX009", f"{dotted} with an inline flag such as (?i): the embedded engine "
                            "does not support them and the match is silently undefined", "lower() both sides instead"))
        if dotted in ("max", "min") and first_arg - 1 < len(code) and code[first_arg - 1].text == "(":
            out.append(_err(module, tok, "CX011", f"{dotted} compares numbers as text on the embedded engine "
                            f"({dotted}([12, 3]) is {3 if dotted == 'max' else 12})",
                            "compare explicitly (`x >= y` for every y), " + ENGINE_HINT))
        if dotted == "replace" and first_arg < len(code) and _second_argument_is_empty(code, first_arg):
            out.append(_err(module, tok, "CX012", "replace with an empty pattern never returns on the embedded engine",
                            "guard the pattern, or drop the call"))
        if dotted == "sprintf" and i + 2 < len(code) and code[i + 2].kind == "string":
            fmt = code[i + 2].text
            if "%q" in fmt:
                out.append(_err(module, tok, "CX005", "sprintf has no %q verb on the embedded engine",
                                "use %v or %s with explicit quotes"))
            elif "%s" in fmt and _quoted_string_argument(code, i + 3):
                out.append(_err(module, tok, "CX007", "sprintf %s of a string that lower, concat, replace and some "
                                "other builtins made keeps its JSON quotes on the embedded engine", "build the message with concat"))
    return out


_REGEX_CALLS = {"regex.match", "re_match", "regex.find_n", "regex.find_all_string_submatch_n", "regex.replace",
                "regex.split"}

# builtins whose string results rego-cpp's sprintf prints with their JSON quotes (measured on 1.5.2;
# trim*, substring, split, strings.reverse and base64.encode are fine)
_QUOTED_RESULTS = {"lower", "upper", "concat", "replace", "format_int", "object.get", "json.marshal", "yaml.marshal",
                   "urlquery.encode", "regex.replace"}


def _quoted_string_argument(code: list[Token], i: int) -> bool:
    """Whether sprintf's argument array (starting after the format, at `, [`) holds a call to a
    builtin in _QUOTED_RESULTS at its top level. (A string bound to a variable, or passed to a
    function, can carry the same quotes; no lint sees that far, so builtin packs' tests assert
    their exact messages.)"""
    if i + 1 >= len(code) or code[i].text != "," or code[i + 1].text != "[":
        return False
    depth = 0
    expect_arg = True
    for j in range(i + 1, len(code)):
        tok = code[j]
        if tok.text in OPEN:
            depth += 1
        elif tok.text in CLOSE:
            depth -= 1
            if depth == 0:
                return False
        elif depth == 1 and tok.text == ",":
            expect_arg = True
            continue
        if depth == 1 and expect_arg and tok.text != "[":
            if tok.kind == "ident" and _dotted(code, j) in _QUOTED_RESULTS:
                return True
            expect_arg = False
    return False


def _second_argument_is_empty(code: list[Token], i: int) -> bool:
    """Whether the call whose first argument starts at i has "" as its second argument."""
    depth = 0
    for j in range(i, len(code)):
        tok = code[j]
        if tok.text in OPEN:
            depth += 1
        elif tok.text in CLOSE:
            if depth == 0:
                return False
            depth -= 1
        elif depth == 0 and tok.text == ",":
            return j + 1 < len(code) and code[j + 1].text in ('""', "``")
    return False


def _dotted(code: list[Token], i: int) -> str:
    parts = [code[i].text]
    while i + 2 < len(code) and code[i + 1].text == "." and code[i + 2].kind == "ident":
        parts.append(code[i + 2].text)
        i += 2
    return ".".join(parts)
