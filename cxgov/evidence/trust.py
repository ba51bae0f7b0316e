"""Whose signature a bundle must carry: keys pinned outside the bundle, never read from it.

A bundle names the key that signed it, and anyone can make a key, edit a bundle, re-hash it and sign
it with their own. So a signature proves who made a bundle only when it is checked against a key the
reader already trusts (as cosign verifies against a given key or identity, and in-toto against a
layout's pinned keys). Trusted keys come from, in this order (the first that gives any wins):

1. `--public-key` (repeatable): a PEM public key file, or a key id `sha256:<64 hex>`;
2. `CXGOV_TRUSTED_KEYS`: the same, separated by commas or new lines (PEM text is accepted too);
3. `evidence.trusted_keys` in cxgov.yaml (paths relative to that file, or key ids).

Every reader (`evidence verify|show|replay|diff`, `drift check|watch --baseline/--current`) opens a
bundle through `open_verified()`: an altered bundle is refused, and so is one whose signature was
not checked against a trusted key (unless `--allow-untrusted`) or that carries none (unless
`--allow-unsigned`). What was accepted, and how, is returned for the reader to record.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cxgov.errors import InputError, UsageError

ENV = "CXGOV_TRUSTED_KEYS"
_KEYID = re.compile(r"^sha256:([0-9a-f]{64})$")
_PEM = re.compile(r"-----BEGIN PUBLIC KEY-----.*?-----END PUBLIC KEY-----", re.S)


@dataclass(frozen=True)
class TrustedKey:
    keyid: str
    public_key: object | None  # an Ed25519 public key; None when pinned by key id only
    source: str  # the file, or where the key id or PEM text was given


@dataclass(frozen=True)
class Trust:
    """The keys a reader trusts and what it accepts without one."""

    keys: tuple[TrustedKey, ...] = ()
    origin: str = ""  # where the keys came from: --public-key, $CXGOV_TRUSTED_KEYS, <file>: evidence.trusted_keys
    allow_unsigned: bool = False
    allow_untrusted: bool = False

    @classmethod
    def of_key(cls, public_key, source: str = "--public-key") -> Trust:
        from cxgov.evidence.sign import keyid_of

        return cls((TrustedKey(keyid_of(public_key), public_key, source),), source)

    def keyids(self) -> list[str]:
        return sorted({k.keyid for k in self.keys})

    def to_dict(self) -> dict:
        return {"trusted_keys": self.keyids(), "trusted_keys_from": self.origin or None,
                "allow_unsigned": self.allow_unsigned, "allow_untrusted": self.allow_untrusted}


def parse_keys(entries: Sequence[str], origin: str, base: Path | None = None) -> tuple[TrustedKey, ...]:
    """Key files (relative to `base`), key ids and PEM texts; a UsageError naming what cannot be read."""
    from cxgov.evidence.sign import keyid_of, load_public, public_from_pem_text

    keys = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        if _KEYID.match(entry.lower()):
            keys.append(TrustedKey(entry.lower().removeprefix("sha256:"), None, origin))
        elif entry.startswith("-----BEGIN"):
            key = public_from_pem_text(entry, where=origin)
            keys.append(TrustedKey(keyid_of(key), key, origin))
        else:
            path = Path(entry).expanduser()
            if base is not None and not path.is_absolute():
                path = base / path
            key = load_public(path)
            keys.append(TrustedKey(keyid_of(key), key, str(path)))
    return tuple(keys)


def split_env(value: str) -> list[str]:
    """CXGOV_TRUSTED_KEYS: PEM blocks, then key files and key ids separated by commas or new lines."""
    blocks = _PEM.findall(value)
    rest = _PEM.sub("\n", value)
    return blocks + [part for part in re.split(r"[,\n]", rest) if part.strip()]


def resolve(public_keys: Sequence[str] = (), *, config_path: Path | None = None, allow_unsigned: bool = False,
            allow_untrusted: bool = False, env: Mapping[str, str] = os.environ) -> Trust:
    """The trust of one command: --public-key, else $CXGOV_TRUSTED_KEYS, else the config's
    evidence.trusted_keys (when `config_path` exists)."""
    def trust(keys: tuple[TrustedKey, ...], origin: str) -> Trust:
        return Trust(keys, origin, allow_unsigned, allow_untrusted)

    if public_keys:
        return trust(parse_keys(public_keys, "--public-key"), "--public-key")
    if env.get(ENV, "").strip():
        keys = parse_keys(split_env(env[ENV]), f"${ENV}")
        if not keys:
            raise UsageError(f"${ENV} names no key", hint="give PEM public key files or sha256:<key id>")
        return trust(keys, f"${ENV}")
    if config_path is not None and Path(config_path).is_file():
        from cxgov.audit_config import load_config

        config = load_config(config_path)
        if config.evidence.trusted_keys:
            origin = f"{config_path}: evidence.trusted_keys"
            return trust(parse_keys(config.evidence.trusted_keys, origin, Path(config_path).resolve().parent), origin)
    return trust((), "")


def open_verified(path: str | Path, trust: Trust):
    """The bundle at `path`, once it verified against `trust`; InputError (exit 2) naming every
    problem otherwise. Returns (bundle, verification)."""
    from cxgov.evidence.bundle import open_bundle
    from cxgov.evidence.verify import outcome, verify

    bundle = open_bundle(path)
    report = verify(bundle, trust)
    line, code = outcome(report, trust)
    if code != 0:
        problems = "".join(f"\n  {p}" for p in report.problems)
        # the verdict line of an untrusted or unsigned bundle already says what to pass
        raise InputError(f"{line}{problems}", where=str(path),
                         hint=None if report.ok else "a bundle that does not verify is never read")
    return bundle, report
