"""Splitting a run's inputs across CI jobs (`--shard i/n`) so `cxgov merge` can put the verdict back together.

The split is by input file: every shard discovers the same files in the same order and keeps those
whose position is i-1 modulo n, so each file lands in exactly one shard whatever machine runs it.
Each shard records the split (index, count, and a digest of the whole file list) in its result;
merge refuses shards that did not split the same inputs, a missing shard, or one given twice.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cxgov.errors import UsageError

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True, slots=True)
class Shard:
    index: int  # 1-based, as CI matrices count
    count: int

    @classmethod
    def parse(cls, spec: str) -> Shard:
        m = _SPEC.match(spec or "")
        if not m:
            raise UsageError(f"--shard {spec!r} is not I/N", hint="e.g. --shard 2/4 for the second of four shards")
        index, count = int(m.group(1)), int(m.group(2))
        if count < 1 or not 1 <= index <= count:
            raise UsageError(f"--shard {spec!r}: I must be between 1 and N", hint="shards are numbered 1/N to N/N")
        return cls(index, count)

    def owns(self, position: int) -> bool:
        return position % self.count == self.index - 1

    def pick(self, items: Sequence[Any]) -> list[Any]:
        """This shard's items of the (identically ordered) full list."""
        return [item for position, item in enumerate(items) if self.owns(position)]

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass(frozen=True, slots=True)
class ShardInfo:
    """What a shard's result records so a merge can prove the shards cover the inputs exactly once."""

    index: int
    count: int
    inputs: int  # files in the whole split
    inputs_sha256: str  # over the whole, ordered file list
    files: int  # files this shard evaluated

    @classmethod
    def of(cls, shard: Shard, all_files: Sequence[str], mine: int) -> ShardInfo:
        return cls(shard.index, shard.count, len(all_files), digest_of_files(all_files), mine)

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "count": self.count, "inputs": self.inputs,
                "inputs_sha256": self.inputs_sha256, "files": self.files}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ShardInfo:
        return cls(int(raw["index"]), int(raw["count"]), int(raw["inputs"]), str(raw["inputs_sha256"]),
                   int(raw["files"]))


def digest_of_files(files: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(files).encode()).hexdigest()
