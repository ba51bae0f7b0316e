"""The options every reader of an evidence bundle shares: which keys it trusts, and what it accepts
without one (cxgov/evidence/trust.py). Collapsed into one `trust=TrustRequest(...)` argument."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class TrustRequest:
    """The trust options as given; `resolve()` reads the keys (files, $CXGOV_TRUSTED_KEYS, the config)."""

    public_keys: tuple[str, ...] = ()
    allow_unsigned: bool = False
    allow_untrusted: bool = False

    def resolve(self, config_path: str | Path | None = "cxgov.yaml"):
        from cxgov.evidence.trust import resolve

        return resolve(self.public_keys, config_path=Path(config_path) if config_path else None,
                       allow_unsigned=self.allow_unsigned, allow_untrusted=self.allow_untrusted)


_OPTIONS = [
    click.option("--public-key", "public_keys", multiple=True, metavar="FILE|sha256:KEYID",
                 help="A signer's published public key (PEM), or its key id, to trust (repeatable). Default: "
                      "$CXGOV_TRUSTED_KEYS, else evidence.trusted_keys of cxgov.yaml."),
    click.option("--allow-untrusted", is_flag=True,
                 help="Accept a bundle whose signature could not be checked against a trusted key (it was checked "
                      "only with the key the bundle names); still marked UNTRUSTED."),
    click.option("--allow-unsigned", is_flag=True,
                 help="Accept a bundle that carries no signature if its hashes match; still marked UNSIGNED."),
]


def trust_options(command):
    """Adds --public-key, --allow-untrusted and --allow-unsigned; passes them on as `trust=TrustRequest(...)`."""

    @functools.wraps(command)
    def wrapper(*args, public_keys, allow_untrusted, allow_unsigned, **kwargs):
        return command(*args, trust=TrustRequest(tuple(public_keys), allow_unsigned, allow_untrusted), **kwargs)

    for option in reversed(_OPTIONS):
        wrapper = option(wrapper)
    return wrapper
