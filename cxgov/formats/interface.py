"""The one interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod

from cxgov.model import Result


class Format(ABC):
    """Turns a Result into text. Byte-stable: the same Result always gives the same output."""

    name: str = ""
    #: the file extension used when writing this format next to others
    extension: str = ".txt"

    @abstractmethod
    def render(self, result: Result, *, color: bool = False) -> str:
        """The whole output for `result`; `color` only matters to formats for a terminal."""

    def side_effects(self, result: Result) -> None:
        """Anything a format does beyond its text (e.g. the GitHub step summary). Default: nothing."""
