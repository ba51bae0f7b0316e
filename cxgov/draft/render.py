"""The drafted descriptor as YAML a person reviews: every inferred value with where it came from,
every TODO with what is expected, as comments beside them."""

from __future__ import annotations

import json
import re
from typing import Any

from cxgov.descriptor import API_VERSION, KIND
from cxgov.draft import TODO, Draft, Item

COLUMN = 40  # where comments start, when the line leaves room
_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./@+-]*")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}

HEADER = """\
# The AISystem descriptor of {system}, drafted by `cxgov init` from {sources}.
# Review every value. A TODO is a fact only a person can give: until it is replaced it is a GOV-004
# finding at its line, and the rules that need the field report it missing. Delete a field that
# does not apply. Schema: `cxgov schema descriptor`.
"""

EMPTY = {
    "services": "none found: add each service of the system (name, provider, region)",
    "data_stores": "none found: add each database, bucket, cache and index holding the system's data",
    "log_sinks": "none found: add where logs and AI events go",
    "ai_providers": "none found: add each LLM or AI API the system calls",
}


def scalar(value: Any) -> str:
    """A YAML 1.2 scalar that also reads the same under YAML 1.1 (quoted when it could be misread)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def _line(text: str, note: str | None) -> str:
    if not note:
        return text
    return f"{text.ljust(max(COLUMN, len(text) + 2))}# {note}"


def _field(key: str, value: Any, note: str | None, indent: str, first: str | None = None) -> list[str]:
    """`key: value  # note`; `first` replaces the indent of the first line (a list item's `- `)."""
    lead = first if first is not None else indent
    if value == TODO:
        note = f"TODO: {note}" if note else "TODO"
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        lines = [_line(f"{lead}{key}:", note)]
        for entry in value:
            lines += _mapping(entry, {}, indent + "    ", indent + "  - ")
        return lines
    if isinstance(value, list):
        return [_line(f"{lead}{key}: [{', '.join(scalar(v) for v in value)}]", note)]
    return [_line(f"{lead}{key}: {scalar(value)}", note)]


def _mapping(fields: dict, notes: dict, indent: str, first: str | None = None) -> list[str]:
    lines: list[str] = []
    for key, value in fields.items():
        if value is None:
            continue
        lines += _field(key, value, notes.get(key), indent, first if not lines else None)
    return lines


def _section(name: str, items: list[Item]) -> list[str]:
    if not items:
        return [_line(f"{name}: []", EMPTY[name]), ""]
    lines = [f"{name}:"]
    for item in items:
        lines.append(f"  # {item.source}")
        lines += _mapping(item.fields, item.notes, "    ", "  - ")
    return lines + [""]


def render(draft: Draft, sources: list[str]) -> str:
    listed = ", ".join(sources[:4]) + (f" and {len(sources) - 4} more" if len(sources) > 4 else "")
    lines = HEADER.format(system=draft.system, sources=listed or "nothing it could read").splitlines()
    lines += [f"apiVersion: {API_VERSION}", f"kind: {KIND}", "metadata:", f"  name: {scalar(draft.system)}",
              _line(f"  owner: {TODO}", "TODO: the accountable team or person (e-mail)"),
              "system:",
              _line(f"  environment: {TODO}", "TODO: production, staging, development or test"),
              "  ai_act:",
              _line(f"    role: {TODO}", "TODO: provider, deployer or both (AI Act Art 3(3), 3(4))"),
              _line(f"    risk_class: {TODO}", "TODO: minimal, limited, high or prohibited (Art 6, Annex III)"),
              ""]
    for name, items in draft.sections().items():
        lines += _section(name, items)
    if draft.ui_candidates:
        lines += ["# The Ingresses route these URLs. List the pages customers use the assistant on as UI entry",
                  "# points, and cxgov scans them with axe-core in headless Chromium (`cxgov check --no-ui` skips):",
                  "# ui:", "#   entry_points:"]
        lines += [f"#     - url: {scalar(url)}" for url in draft.ui_candidates]
    return "\n".join(lines).rstrip("\n") + "\n"


def todo_count(text: str) -> int:
    """TODO values in a rendered descriptor (what GOV-004 will report)."""
    from cxgov.descriptor_todo import todo_paths
    from cxgov.sources.readers import DEFAULT_LIMITS
    from cxgov.sources.yaml12 import read_yaml

    return sum(len(todo_paths(d.value)) for d in read_yaml(text, "descriptor", DEFAULT_LIMITS))
