"""The bounds of one policy evaluation: wall-clock time per batch and memory per worker process.

A policy can ask for anything (`[x | some x in numbers.range(1, 1e8)]` grows by gigabytes), and a
call into the Go runtime cannot be interrupted from Python. So the embedded engine evaluates in
spawned worker processes that the cxgov process can kill: each batch has a deadline, and each
worker an address-space limit (RLIMIT_AS) set once OPA is loaded. Hitting either is exit 2 naming
the limit, the policy package and the subject.

The CLI sets the bounds for the command it runs (`evaluation_bounds()`), so every engine a command
creates, directly or through an audit, a replay or a drift run, inherits them.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from dataclasses import dataclass

from cxgov.errors import EngineError, UsageError

DEFAULT_TIMEOUT = 60.0  # seconds per batch of documents
DEFAULT_MEMORY = 2 << 30  # bytes of address space a worker may add once OPA is loaded
MIN_MEMORY = 64 << 20  # below this not even the builtin packs compile


@dataclass(frozen=True)
class EvalBounds:
    timeout: float = DEFAULT_TIMEOUT
    memory: int = DEFAULT_MEMORY

    def describe_memory(self) -> str:
        return format_size(self.memory)

    def reached(self, kind: str, doing: str, where: str | None, per: str = "") -> EngineError | None:
        """The error for `doing` having reached the time (`kind` "time") or memory limit; None for
        any other failure. `per` qualifies the time limit (" per batch")."""
        if kind == "time":
            return EngineError(f"{doing} passed the time limit of {self.timeout:g} s{per} (--eval-timeout)",
                               where=where, hint="raise --eval-timeout, or fix the rule that loops without bound")
        if kind == "memory":
            return EngineError(f"{doing} reached the memory limit of {self.describe_memory()} per worker "
                               "(--eval-memory)", where=where,
                               hint="raise --eval-memory, or fix the rule that builds an unbounded collection")
        return None


_CURRENT: contextvars.ContextVar[EvalBounds] = contextvars.ContextVar("cxgov_eval_bounds", default=EvalBounds())


def current() -> EvalBounds:
    """The bounds of the command being run (defaults outside one)."""
    return _CURRENT.get()


@contextlib.contextmanager
def evaluation_bounds(bounds: EvalBounds):
    token = _CURRENT.set(bounds)
    try:
        yield bounds
    finally:
        _CURRENT.reset(token)


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.I)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def parse_size(text: str, option: str = "--eval-memory") -> int:
    """`2G`, `512M`, `1.5GiB`, `1073741824`: bytes (binary units; K, M, G, T with or without `iB`)."""
    match = _SIZE.match(str(text))
    if not match or (match[3] and not match[2]):
        raise UsageError(f"{option} {text!r} is not a size", hint="e.g. 512M, 2G or a number of bytes")
    size = int(float(match[1]) * _UNITS[match[2].lower()])
    if size < MIN_MEMORY:
        raise UsageError(f"{option} {text!r} is below {format_size(MIN_MEMORY)}",
                         hint="the engine needs that much to load the policies")
    return size


def format_size(size: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"
