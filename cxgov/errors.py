"""The errors cxgov turns into one clear message and exit code 2.

Every error names what it could not check (a file and line, a URL, a policy) and, where there is
one, what to do about it. Nothing that raises one of these is ever reported as a pass.
"""

from __future__ import annotations


class CxgovError(Exception):
    """Something could not be checked: usage, input, policy, engine or source."""

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class UsageError(CxgovError):
    """Options that do not fit together or name nothing."""


class InputError(CxgovError):
    """A document that cannot be read safely: malformed, too large, binary, missing."""


class PolicyError(CxgovError):
    """A policy that cannot be compiled or would be evaluated wrongly by the engine."""


class EngineError(CxgovError):
    """The policy engine failed or crashed while evaluating."""


class SourceError(CxgovError):
    """A live source (model registry, web UI) could not be read."""
