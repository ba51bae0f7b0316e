"""The lint pass over policy source, run by `cxgov policy lint` and by every policy load.

- CX013: OPA hoists a possibly undefined value out of a negation when it is a call argument, an
  object key, or an operand of `in`, `<`, `>`, `!=` or arithmetic (and a user function's result in
  any operand). `not is_string(x.f)` is then undefined, not true, when `x.f` is missing: the most
  common silent Rego bug (OPA issues 1877, 4743, 5793, 7558). An error in builtin packs, a warning
  in a user's policies.
- CX004: builtins that make a verdict depend on the network, the clock or chance. A gate must be
  replayable, so they are refused unless the run explicitly allows them (and records that).
- CX006: `deny[msg] if` defines an object in Rego v1, so conftest semantics would see no failures.
"""

from __future__ import annotations

from dataclasses import dataclass

from cxgov.engine.metadata import is_control_rule
from cxgov.engine.rego_source import OPEN, CLOSE, Module, Token

NONDETERMINISTIC = {
    "http.send": "reaches the network",
    "net.lookup_ip_addr": "reaches the network (DNS)",
    "opa.runtime": "reads the process environment",
    "time.now_ns": "reads the wall clock; compare against input.evaluation_date",
    "rand.intn": "is random",
    "uuid.rfc4122": "is random",
}
ALLOW_FLAG = "--allow-nondeterministic"

# operators whose operands OPA hoists out of `not` (`==` and `=` keep a plain ref in place)
_HOISTING_OPS = {"<", ">", "<=", ">=", "!=", "+", "-", "*", "/", "%", "&", "|", "in"}
_COMPARISONS = _HOISTING_OPS | {"==", "="}
_KEYWORDS = {"if", "contains", "as", "in", "not", "some", "every", "with", "default", "import", "package",
             "else", "true", "false", "null"}


@dataclass(frozen=True, slots=True)
class LintError:
    path: str
    line: int
    col: int
    code: str
    message: str
    hint: str
    severity: str = "error"  # error stops the load; warning is reported and the run goes on

    def __str__(self) -> str:
        label = "" if self.severity == "error" else "warning: "
        return f"{self.path}:{self.line}:{self.col}: {label}{self.code} {self.message} ({self.hint})"


def lint(module: Module, *, builtin: bool = False, allow_nondeterministic: bool = False,
         functions: frozenset[str] = frozenset(), packages: frozenset[str] = frozenset()) -> list[LintError]:
    """Every problem found in one module, in source order. `functions`: the simple names of the
    functions the policy set defines (their results can be undefined; a builtin's cannot);
    `packages`: its packages (a dotted path into one is the policy's own constant)."""
    code = [t for t in module.tokens if t.kind not in ("comment", "newline")]
    errors = _object_control_rules(module)
    if not allow_nondeterministic:
        errors += _nondeterministic(module, code)
    constants = _aliases(module, packages | set(GUARANTEED_DATA))
    errors += negation_hoisting(module, functions, constants, "error" if builtin else "warning",
                                conditional_rules(module, constants | {"data"}))
    return sorted(errors, key=lambda e: (e.line, e.col, e.code))


def _err(module: Module, tok: Token, code: str, message: str, hint: str, severity: str = "error") -> LintError:
    return LintError(module.path, tok.line, tok.col, code, message, hint, severity)


def _object_control_rules(module: Module) -> list[LintError]:
    out = []
    for rule in module.rules:
        toks = rule.statement.code()
        if not (is_control_rule(rule.name) and len(toks) > 1 and toks[1].text == "["):
            continue
        close = next((i for i, t in enumerate(toks) if t.text == "]"), len(toks) - 1)
        if close + 1 < len(toks) and toks[close + 1].text in ("if", ":=", "=", "{"):
            out.append(_err(module, toks[1], "CX006", f"{rule.name}[...] defines an object in Rego v1, not a set of messages",
                            f"write `{rule.name} contains msg if {{ ... }}`"))
    return out


_NONDETERMINISTIC_HEADS = {name.split(".")[0] for name in NONDETERMINISTIC}


def _nondeterministic(module: Module, code: list[Token]) -> list[LintError]:
    out = []
    for i, tok in enumerate(code):
        if tok.text not in _NONDETERMINISTIC_HEADS or tok.kind != "ident" or (i > 0 and code[i - 1].text == "."):
            continue
        dotted = _dotted(code, i)
        why = NONDETERMINISTIC.get(dotted) or (NONDETERMINISTIC["rand.intn"] if dotted.startswith("rand.") else None)
        if why:
            out.append(_err(module, tok, "CX004", f"{dotted} {why}, so the verdict could not be replayed",
                            f"pass the value in the input or in data, or run with {ALLOW_FLAG} (recorded in the result)"))
    return out


def _dotted(code: list[Token], i: int) -> str:
    parts = [code[i].text]
    while i + 2 < len(code) and code[i + 1].text == "." and code[i + 2].kind == "ident":
        parts.append(code[i + 2].text)
        i += 2
    return ".".join(parts)


# --- CX013: values OPA hoists out of `not` ---------------------------------------------------------

# data cxgov itself always provides (policies/data); a user's -d data may be absent
GUARANTEED_DATA = ("cxgov.ref", "cxgov.config", "cxgov.run")


def conditional_rules(module: Module, constants: set[str] = frozenset()) -> frozenset[str]:
    """The module's rules that can be undefined: complete rules with a condition and no default
    (a partial set or object is at worst empty; a default or an unconditional value is defined)."""
    maybe, defined = set(), set()
    for rule in module.rules:
        code = rule.statement.code()
        if rule.is_function:
            continue
        if rule.is_default or (len(code) > 1 and code[1].text in ("contains", "[")):
            defined.add(rule.name)
        elif any(t.text == "if" and t.kind == "ident" for t in code) or _plain_ref_value(code, constants):
            maybe.add(rule.name)  # a condition, or a value read straight from a path (`env := d.system.env`)
        else:
            defined.add(rule.name)
    return frozenset(maybe - defined)


def _plain_ref_value(code: list[Token], constants: set[str]) -> bool:
    """`name := a.b.c` (or `a[k]`): a value that is undefined when the path is missing; an alias of
    another package's rule or of cxgov's data (`d := subject.descriptor`) is not counted."""
    value = code[2:] if len(code) > 2 and code[1].text in (":=", "=") else []
    return (len(value) > 2 and value[0].kind == "ident" and value[1].text in (".", "[")
            and value[0].text not in constants and not any(t.text == "(" for t in value))


def negation_hoisting(module: Module, functions: frozenset[str], constants: set[str], severity: str,
                      rules: frozenset[str] = frozenset()) -> list[LintError]:
    """CX013 for each `not` whose expression holds a value OPA hoists; `constants`: the names whose
    dotted paths are the policy's own constants (_aliases); `rules`: conditional_rules()."""
    toks = [t for t in module.tokens if t.kind != "comment"]
    out = []
    for i, tok in enumerate(toks):
        if tok.kind != "ident" or tok.text != "not" or (i > 0 and toks[i - 1].text == "."):
            continue
        expr = _expression(toks, i + 1)
        hit = _first_hoisted(expr, functions, constants, _locals(toks, i) if rules else set(), rules)
        if hit is None:
            continue
        start, end, why = hit
        value = _text(module, expr[start:end + 1])
        negated = _text(module, expr)
        out.append(_err(module, expr[start], "CX013",
                        f"`not {negated}`: {value} is {why}, which OPA evaluates before the negation, "
                        f"so the rule is undefined (not true) when {value} is undefined",
                        _rewrite_hint(module, expr, start, end), severity))
    return out


def _text(module: Module, toks: list[Token]) -> str:
    return " ".join(module.source[toks[0].offset: toks[-1].offset + len(toks[-1].text)].split())


def _expression(toks: list[Token], start: int) -> list[Token]:
    """The tokens of the expression that starts at `start`: up to a newline or `;` at its own
    bracket depth, a closing bracket it did not open, or a `with` modifier."""
    out: list[Token] = []
    depth = 0
    for tok in toks[start:]:
        if tok.kind == "punct" and tok.text in OPEN:
            depth += 1
        elif tok.kind == "punct" and tok.text in CLOSE:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and (tok.kind == "newline" or tok.text == ";" or tok.text == "with" and tok.kind == "ident"):
            break
        if tok.kind != "newline":
            out.append(tok)
    return out


def _matching(expr: list[Token], i: int) -> int:
    depth = 0
    for j in range(i, len(expr)):
        if expr[j].text in OPEN and expr[j].kind == "punct":
            depth += 1
        elif expr[j].text in CLOSE and expr[j].kind == "punct":
            depth -= 1
            if depth == 0:
                return j
    return len(expr) - 1


def _is_comprehension(expr: list[Token], i: int, end: int) -> bool:
    depth = 0
    for tok in expr[i + 1:end]:
        if tok.kind == "punct" and tok.text in OPEN:
            depth += 1
        elif tok.kind == "punct" and tok.text in CLOSE:
            depth -= 1
        elif depth == 0 and tok.text == "|":
            return True
    return False


def _aliases(module: Module, roots: set[str]) -> set[str]:
    """Names imports bind to a package or to cxgov's own data (`import data.a.b as c` -> c, `import
    data.a.b` -> b): dotted paths under them are the policy's constants."""
    names = set()
    for st in module.statements:
        texts = [t.text for t in st.code()]
        if texts[:2] == ["import", "data"]:
            path = "".join(texts[3:texts.index("as") if "as" in texts else len(texts)])
            if any(path == r or path.startswith(r + ".") for r in roots):
                names.add(texts[-1])
    return names


def _locals(toks: list[Token], i: int) -> set[str]:
    """Names bound before token i in its rule body (`x :=`, `some x`, `x = `, `some k, v in`)."""
    names = set()
    j = i
    while j > 0 and not (toks[j].kind == "newline" and j + 1 < len(toks) and toks[j + 1].col == 1
                         and toks[j + 1].kind == "ident"):
        j -= 1
    for k in range(j, i):
        t = toks[k]
        if t.kind == "ident" and k + 1 < i and toks[k + 1].text in (":=", "=", ",", "in"):
            names.add(t.text)
        elif t.kind == "ident" and k > 0 and toks[k - 1].text == "some":
            names.add(t.text)
    return names


def _first_hoisted(expr: list[Token], functions: frozenset[str], constants: set[str], local: set[str] = frozenset(),
                   rules: frozenset[str] = frozenset()) -> tuple[int, int, str] | None:
    """(start, end, why) of the first value in `expr` that OPA hoists out of the negation."""
    top_ops = {t.text for t in _top_level(expr) if t.text in _COMPARISONS and t.kind in ("op", "punct", "ident")}
    return _scan(expr, 0, len(expr), functions, None, top_ops, constants, frozenset(rules - set(local)))


def _constant(expr: list[Token], i: int, end: int, constants: set[str]) -> bool:
    """A dotted path into an imported package or cxgov's own data (`contract.pattern`,
    `data.cxgov.ref.x`): the policy's own constant, defined whenever the policy is. A path with a
    computed key is not, nor one into data a user passes with -d (it may be absent)."""
    if not all(t.kind == "ident" or t.text == "." for t in expr[i:end + 1]):
        return False
    if expr[i].text in constants:
        return True
    path = "".join(t.text for t in expr[i:end + 1])
    return path.startswith("data.") and any(path[5:].startswith(r + ".") for r in GUARANTEED_DATA)


def _position(context: str | None, ops: set[str]) -> str:
    """Where a hoisted value sits, in the words of the finding."""
    if context == "argument":
        return "a call argument"
    if context == "key":
        return "an object key"
    return "an operand of " + _ops(ops)


def _top_level(expr: list[Token]) -> list[Token]:
    out, depth = [], 0
    for tok in expr:
        if tok.kind == "punct" and tok.text in OPEN:
            depth += 1
        elif tok.kind == "punct" and tok.text in CLOSE:
            depth -= 1
        elif depth == 0:
            out.append(tok)
    return out


def _scan(expr: list[Token], i: int, stop: int, functions: frozenset[str], context: str | None,
          top_ops: set[str], constants: set[str], rules: frozenset[str] = frozenset()) -> tuple[int, int, str] | None:
    """Walk terms from i to stop. `context`: "argument" (inside a call's parentheses), "key" (inside
    a ref's brackets) or None (an operand of the negated expression itself)."""
    while i < stop:
        tok = expr[i]
        if tok.kind == "punct" and tok.text in OPEN:
            end = _matching(expr, i)
            # `[` after a term indexes it (`{"a": 1}[k]`): its contents are a key
            index = tok.text == "[" and i > 0 and (expr[i - 1].text in ("}", "]", ")") or expr[i - 1].kind == "string")
            if not _is_comprehension(expr, i, end):  # a comprehension is a body of its own
                hit = _scan(expr, i + 1, end, functions, "key" if index else context, top_ops, constants, rules)
                if hit:
                    return hit
            i = end + 1
            continue
        if tok.kind != "ident" or tok.text in _KEYWORDS or (i > 0 and expr[i - 1].text == "."):
            i += 1
            continue
        # a term: NAME(.NAME)* followed by a call's `(`, or a ref NAME(.NAME | [..])*
        j = i
        while j + 2 < stop and expr[j + 1].text == "." and expr[j + 2].kind == "ident":
            j += 2
        if j + 1 < stop and expr[j + 1].text == "(":
            close = _matching(expr, j + 1)
            name = expr[j].text
            after = close + 1 < stop and expr[close + 1].text in (".", "[")
            user = name in functions
            if user and (context is not None or after or top_ops):
                why = "a field of a function result" if after and context is None else _position(context, top_ops)
                return i, _ref_end(expr, close, stop) if after else close, "the result of a function, " + why
            hit = _scan(expr, j + 2, close, functions, "argument", top_ops, constants, rules)
            if hit:
                return hit
            i = close + 1
            continue
        end = _ref_end(expr, i, stop)
        hoisted = context is not None or bool(top_ops & _HOISTING_OPS)
        if end == i and tok.text in rules and hoisted:
            return i, i, "a rule that can be undefined, " + _position(context, top_ops & _HOISTING_OPS)
        if end > i and not _constant(expr, i, end, constants):  # a ref with a path: possibly undefined
            if hoisted:
                return i, end, _position(context, top_ops & _HOISTING_OPS)
            hit = _keys(expr, i, end, functions, top_ops, constants, rules)
            if hit:
                return hit
        i = end + 1
    return None


def _keys(expr, i, end, functions, top_ops, constants, rules):
    """Refs used as keys inside a ref's brackets (`m[x.f]`)."""
    k = i
    while k <= end:
        if expr[k].text == "[":
            close = _matching(expr, k)
            hit = _scan(expr, k + 1, close, functions, "key", top_ops, constants, rules)
            if hit:
                return hit
            k = close
        k += 1
    return None


def _ref_end(expr: list[Token], i: int, stop: int) -> int:
    """The last token of the ref whose head ends at i (`.name` and `[..]` segments)."""
    j = i
    while j + 1 < stop:
        if expr[j + 1].text == "." and j + 2 < stop and expr[j + 2].kind == "ident":
            j += 2
        elif expr[j + 1].text == "[":
            j = _matching(expr, j + 1)
        else:
            break
    return j


def _ops(ops: set[str]) -> str:
    return "`" + "`, `".join(sorted(ops)) + "`"


def _rewrite_hint(module: Module, expr: list[Token], start: int, end: int) -> str:
    segs = expr[start:end + 1]
    plain = all(t.kind == "ident" or t.text == "." for t in segs) and segs[0].kind == "ident" and len(segs) >= 3
    if plain:
        names = [t.text for t in segs if t.kind == "ident"]
        path = f'"{names[1]}"' if len(names) == 2 else "[" + ", ".join(f'"{n}"' for n in names[1:]) + "]"
        safe = f"object.get({names[0]}, {path}, null)"
        before = module.source[expr[0].offset:segs[0].offset]
        after = module.source[segs[-1].offset + len(segs[-1].text):expr[-1].offset + len(expr[-1].text)]
        return f"write `not {' '.join((before + safe + after).split())}`, or test it in a helper rule that is undefined as a whole"
    return "bind it in a helper rule that is undefined as a whole, or read it with object.get(..., default)"
