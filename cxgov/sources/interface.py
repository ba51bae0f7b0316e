"""The one interface every source implements, and the two plain shapes of one."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator

from cxgov.model import Subject


class Source(ABC):
    """Yields the Subjects it was asked for, or raises a CxgovError naming what it could not read."""

    @abstractmethod
    def subjects(self) -> Iterator[Subject]:
        """Every subject this source holds, in a stable order."""


class Given(Source):
    """Subjects already at hand: files a command has read to look at them first, a bundle's subjects
    brought back by a replay, documents a caller built."""

    def __init__(self, subjects: Iterable[Subject]):
        self._subjects = list(subjects)

    def subjects(self) -> Iterator[Subject]:
        return iter(self._subjects)


class ReadOnce(Source):
    """A source read at most once (a registry, a browser scan): the run and the outputs written
    after it see the same subjects, and nothing is asked for twice."""

    _read: list[Subject] | None = None

    @abstractmethod
    def read(self) -> list[Subject]:
        """Read the subjects; called once, on the first subjects()."""

    def subjects(self) -> Iterator[Subject]:
        if self._read is None:
            self._read = self.read()
        return iter(self._read)
