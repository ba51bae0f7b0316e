"""Progress on long runs: a rich bar on an interactive stderr, nothing otherwise."""

from __future__ import annotations

import contextlib
import sys

# Runs smaller than this finish before a bar would be worth drawing.
MIN_ITEMS = 2000


@contextlib.contextmanager
def progress_for(total: int, label: str):
    """Yields a callback taking the number of items just finished, or None when no bar is shown."""
    if total < MIN_ITEMS or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # no auto-refresh thread: a forked worker must not inherit a thread holding the terminal
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True,
                  auto_refresh=False) as bar:
        task = bar.add_task(label, total=total)

        def advance(n: int) -> None:
            bar.advance(task, n)
            bar.refresh()

        yield advance


class Stages:
    """One line per stage of a long command (`[2/5] evaluating ... 34 findings (3.1s)`) on stderr:
    styled by rich on a terminal, plain lines in CI logs. No live display or spinner thread: the
    file parser may fork while a stage runs (long evaluations get progress_for's bar)."""

    def __init__(self, total: int, stream=None):
        self.total, self.n = total, 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()

    @contextlib.contextmanager
    def stage(self, label: str):
        import time

        self.n += 1
        prefix = f"[{self.n}/{self.total}] {label}"
        self._line(f"{prefix} ...", dim=True)
        start = time.perf_counter()
        outcome: dict[str, str] = {}
        yield outcome  # the stage may set outcome["detail"]
        took = time.perf_counter() - start
        detail = f": {outcome['detail']}" if outcome.get("detail") else ""
        self._line(f"{prefix}{detail} ({took:.1f}s)")

    def _line(self, text: str, dim: bool = False) -> None:
        if self.tty:
            from rich.console import Console
            from rich.text import Text

            Console(file=self.stream, highlight=False).print(Text(text, style="dim" if dim else "bold"))
            return
        print(text, file=self.stream, flush=True)
