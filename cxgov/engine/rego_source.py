"""Just enough of Rego's syntax to read policy source without an OPA binary.

cxgov needs to know, before any engine loads a module, its package, its top-level rules (name,
line, head and body tokens) and the comments above them (METADATA), for the plan, the catalog and
the lint. This module tokenises the source itself: comments, strings, raw strings, brackets and
line structure are all it has to get right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<newline>\n)
  | (?P<space>[ \t\r]+)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>:=|==|!=|<=|>=|\|)
  | (?P<punct>[{}()\[\],;.:=<>+\-*/%&!])
  | (?P<error>.)
    """,
    re.VERBOSE,
)

OPEN = {"{": "}", "[": "]", "(": ")"}
CLOSE = {v: k for k, v in OPEN.items()}


class Token(NamedTuple):  # a tuple: loading the builtin packs makes ~50,000 of them
    kind: str  # comment, newline, string, raw, number, ident, op, punct
    text: str
    line: int
    col: int
    offset: int


class RegoSyntaxError(ValueError):
    def __init__(self, message: str, line: int, col: int):
        super().__init__(message)
        self.line = line
        self.col = col


def tokenize(source: str) -> list[Token]:
    """All tokens but spaces; raises RegoSyntaxError on a character Rego does not allow."""
    tokens: list[Token] = []
    append = tokens.append
    new = tuple.__new__
    line, line_start = 1, 0
    for m in _TOKEN.finditer(source):
        kind = m.lastgroup
        if kind == "space":
            continue
        pos = m.start()
        text = m.group()
        if kind == "error":
            raise RegoSyntaxError(f"unexpected character {text!r}", line, pos - line_start + 1)
        append(new(Token, (kind, text, line, pos - line_start + 1, pos)))
        if kind == "newline":
            line += 1
            line_start = pos + 1
        elif kind == "raw" and "\n" in text:
            line += text.count("\n")
            line_start = pos + text.rindex("\n") + 1
    return tokens


@dataclass
class Statement:
    """A top-level statement: package, import, or a rule (with its head and body tokens)."""

    tokens: list[Token]
    comments: list[Token] = field(default_factory=list)  # the comment block right above it
    _code: list[Token] | None = field(default=None, repr=False, compare=False)

    @property
    def line(self) -> int:
        return self.tokens[0].line

    @property
    def keyword(self) -> str:
        return self.tokens[0].text

    def code(self) -> list[Token]:
        """The statement's tokens without comments and line breaks (computed once)."""
        if self._code is None:
            self._code = [t for t in self.tokens if t.kind not in ("comment", "newline")]
        return self._code


def statements(tokens: list[Token]) -> list[Statement]:
    """Split a module into top-level statements.

    A statement ends at a newline at bracket depth zero, unless the next line continues it (an
    `else`, or an opening brace of a body that follows its head on the next line).
    """
    result: list[Statement] = []
    current: list[Token] = []
    pending_comments: list[Token] = []
    depth: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.kind == "comment" and not depth and not current:
            pending_comments.append(tok)
            continue
        if tok.kind == "newline":
            if depth or not current:
                if current:
                    current.append(tok)
                elif pending_comments and _blank_line_follows(tokens, i):
                    pending_comments = []
                continue
            if _continues(tokens, i):
                current.append(tok)
                continue
            result.append(Statement(current, pending_comments))
            current, pending_comments = [], []
            continue
        if tok.kind == "punct" and tok.text in OPEN:
            depth.append(tok.text)
        elif tok.kind == "punct" and tok.text in CLOSE:
            if not depth or depth[-1] != CLOSE[tok.text]:
                raise RegoSyntaxError(f"unbalanced {tok.text!r}", tok.line, tok.col)
            depth.pop()
        current.append(tok)
    if depth:
        last = current[-1] if current else tokens[-1]
        raise RegoSyntaxError("unclosed bracket at end of file", last.line, last.col)
    if current:
        result.append(Statement(current, pending_comments))
    return result


def _blank_line_follows(tokens: list[Token], i: int) -> bool:
    return i + 1 < len(tokens) and tokens[i + 1].kind == "newline"


def _continues(tokens: list[Token], i: int) -> bool:
    """Whether the statement before the newline at i goes on after it."""
    j = i + 1
    while j < len(tokens) and tokens[j].kind in ("newline", "comment"):
        j += 1
    if j >= len(tokens):
        return False
    nxt = tokens[j]
    prev = next((t for t in reversed(tokens[:i]) if t.kind != "comment"), None)
    if nxt.kind == "ident" and nxt.text == "else":
        return True
    if nxt.kind == "punct" and nxt.text == "{" and prev is not None and prev.text in ("if", ")", "]"):
        return True
    # a head whose operator ends the line (`x :=`, `deny contains`, `p if`) continues on the next one
    return prev is not None and (prev.text in (":=", "=", "if", "contains", "else", ",") or prev.kind == "op" and prev.text != "|")


@dataclass(frozen=True, slots=True)
class Rule:
    """A top-level rule as the engine entrypoints and the conftest tallies need it."""

    name: str  # the first segment of the head, e.g. `deny` in `deny contains msg if`
    line: int
    col: int
    statement: Statement | None  # None in a module read back from the policy cache
    is_default: bool = False
    is_function: bool = False


@dataclass
class Module:
    """One parsed .rego file. A module read back from the policy cache has its summary only
    (package, imports, rules, the packages it refers to); its tokens are read again on demand."""

    path: str
    source: str
    package: str
    package_line: int
    imports: list[str]
    rules: list[Rule]
    _statements: list[Statement] | None = field(default=None, repr=False)
    _tokens: list[Token] | None = field(default=None, repr=False)
    refs: frozenset[str] | None = None  # the packages it refers to, when known for its policy set

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = tokenize(self.source)
        return self._tokens

    @property
    def statements(self) -> list[Statement]:
        if self._statements is None:
            self._statements = statements(self.tokens)
        return self._statements


def parse_module(path: str, source: str) -> Module:
    tokens = tokenize(source)
    stmts = statements(tokens)
    package, package_line, imports, rules = "", 0, [], []
    for st in stmts:
        code = st.code()
        if not code:
            continue
        head = code[0]
        if head.text == "package":
            package = "".join(t.text for t in code[1:])
            package_line = head.line
        elif head.text == "import":
            imports.append("".join(t.text for t in code[1:]))
        elif head.kind == "ident":
            is_default = head.text == "default"
            name_tok = code[1] if is_default and len(code) > 1 else head
            is_function = len(code) > 1 + is_default and code[1 + is_default].text == "("
            rules.append(Rule(name_tok.text, name_tok.line, name_tok.col, st, is_default, is_function))
        else:
            raise RegoSyntaxError(f"unexpected {head.text!r} at top level", head.line, head.col)
    if not package:
        raise RegoSyntaxError("no package declaration", 1, 1)
    return Module(path, source, package, package_line, imports, rules, stmts, tokens)
