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

    # no auto-refresh thread: the engine forks workers while the bar is up
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True,
                  auto_refresh=False) as bar:
        task = bar.add_task(label, total=total)

        def advance(n: int) -> None:
            bar.advance(task, n)
            bar.refresh()

        yield advance
