"""The one interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Generic, TypeVar

#: what a format reads: a gate Result (cxgov.model), a drift run's Outcome (cxgov.drift.outcome), a
#: drift state file's HistoryView (cxgov.drift.history), an Inventory (cxgov.evidence.aibom)
R = TypeVar("R")


class Format(ABC, Generic[R]):
    """Turns one result into text. Byte-stable: the same result always gives the same output."""

    name: str = ""
    #: the file extension used when writing this format next to others
    extension: str = ".txt"
    #: a format read by people reads the Result with terminal controls taken out of what came from
    #: the inputs (formats._common.plain_result); the writer makes that once for every such format,
    #: so a caller outside commands/outputs.write_outputs must pass plain_result(result) itself
    reads_plain_result: bool = False

    @abstractmethod
    def render(self, result: R, *, color: bool = False) -> str:
        """The whole output for `result`; `color` only matters to formats for a terminal."""

    def side_effects(self, result: R, redact: Callable[[str], str] = str) -> None:
        """Anything a format does beyond its text (e.g. the GitHub step summary), every text it writes
        passed through `redact`, as the writer passes what render() returns. Default: nothing."""
