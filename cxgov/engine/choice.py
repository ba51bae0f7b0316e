"""Which engine a run uses: `--engine embedded` (default) or `--engine opa --opa-url URL`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cxgov.errors import UsageError

if TYPE_CHECKING:  # the CLI imports this module to build its options: keep it light
    from cxgov.engine.interface import Engine

ENGINES = ("embedded", "opa")


@dataclass(frozen=True)
class EngineChoice:
    """The engine options of a command, as given (flags, cxgov.toml or the environment)."""

    name: str = "embedded"
    opa_url: str | None = None
    opa_token: str | None = None
    opa_ca_cert: str | None = None
    opa_client_cert: str | None = None
    opa_client_key: str | None = None
    opa_timeout: float = 10.0
    opa_preloaded: bool = False
    allow_nondeterministic: bool = False  # network, clock and random builtins (refused by default)

    def create(self, jobs: int | None = None) -> Engine:
        if self.name not in ENGINES:
            raise UsageError(f"unknown engine {self.name!r}", hint="choose embedded or opa")
        if self.name == "embedded":
            used = [f"--opa-{n}" for n in ("url", "ca-cert", "client-cert", "client-key")
                    if getattr(self, "opa_" + n.replace("-", "_"))]
            if used or self.opa_preloaded:
                raise UsageError(f"{', '.join(used) or '--opa-preloaded'} needs --engine opa")
            from cxgov.engine.embedded import EmbeddedEngine

            return EmbeddedEngine(jobs)
        if not self.opa_url:
            raise UsageError("--engine opa needs --opa-url", hint="e.g. --opa-url http://127.0.0.1:8181")
        from cxgov.engine.opa import OpaEngine, OpaSettings

        settings = OpaSettings(self.opa_url, token=self.opa_token or None, ca_cert=self.opa_ca_cert,
                               client_cert=self.opa_client_cert, client_key=self.opa_client_key,
                               timeout=self.opa_timeout, preloaded=self.opa_preloaded)
        return OpaEngine(settings, jobs)
