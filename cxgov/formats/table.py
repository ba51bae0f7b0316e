"""`-o table`: conftest's `--output table`, a bordered table of result, file, namespace and message
for every warning, skipped result (waived, suppressed, baselined, nothing judged), exception and
failure, then the tally line."""

from __future__ import annotations

from cxgov.formats._common import summary_line
from cxgov.formats._conftest import check_results
from cxgov.formats.interface import Format
from cxgov.model import Result

HEADER = ("RESULT", "FILE", "NAMESPACE", "MESSAGE")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _border(widths: list[int]) -> str:
    return "+" + "+".join("-" * (w + 2) for w in widths) + "+"


def _row(cells: list[str], widths: list[int], centre: bool = False) -> str:
    parts = []
    for cell, width in zip(cells, widths):
        if centre:
            left = (width - len(cell)) // 2
            cell = " " * left + cell + " " * (width - len(cell) - left)
        parts.append(f" {cell:<{width}} ")
    return "|" + "|".join(parts) + "|"


class TableFormat(Format[Result]):
    name = "table"
    extension = ".txt"
    reads_plain_result = True

    def render(self, result: Result, *, color: bool = False) -> str:
        rows = []
        for c in check_results(result):
            for word, entries in (("warning", c.warnings), ("skipped", c.skipped), ("exception", c.exceptions),
                                  ("failure", c.failures)):
                rows += [[word, c.filename, c.namespace, _one_line(r["msg"])] for r in entries]
        lines = []
        if rows:
            widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HEADER)]
            lines += [_border(widths), _row(list(HEADER), widths, centre=True), _border(widths)]
            lines += [_row(r, widths) for r in rows]
            lines.append(_border(widths))
        lines.append(summary_line(result.verdict.counts))
        return "\n".join(lines) + "\n"
