"""The one interface every source implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator

from cxgov.model import Subject


class Source(ABC):
    """Yields the Subjects it was asked for, or raises a CxgovError naming what it could not read."""

    @abstractmethod
    def subjects(self) -> Iterator[Subject]:
        """Every subject this source holds, in a stable order."""
