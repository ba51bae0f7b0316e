"""`cxgov evidence verify`: is this bundle exactly what a trusted key signed?

Four checks, every problem named: the manifest lists exactly the files present (added, removed,
renamed; an empty directory is an addition too), each file's size and sha256 match, the
attestation's statement names manifest.json by its current sha256, and the DSSE signature over that
statement is valid. Then whose signature it is (cxgov/evidence/trust.py): with trusted keys given,
it must be one of theirs; with none, it was checked only with the key the bundle itself names,
which anyone can make, so the bundle is UNTRUSTED. `outcome` turns that into the verdict: 0 intact
and signed by a trusted key, 1 any difference, 2 intact but untrusted or unsigned, unless the reader
accepts that with --allow-untrusted / --allow-unsigned (then 0, still marked so).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

from cxgov.evidence import bundle as layout
from cxgov.evidence.bundle import Bundle
from cxgov.evidence import sign
from cxgov.evidence.trust import Trust

TRUSTED, UNTRUSTED, UNSIGNED = "trusted", "untrusted", "unsigned"


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signed: bool = False
    keyid: str | None = None
    files: int = 0
    trust: str | None = None  # trusted, untrusted or unsigned, once the signature fields could be read
    statement: dict | None = None  # the in-toto statement, once its envelope decoded

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(bundle: Bundle, trust: Trust | object | None = None) -> Verification:
    """`trust`: the keys to trust (a Trust, or one public key object); None trusts no key."""
    if trust is None:
        trust = Trust()
    elif not isinstance(trust, Trust):
        trust = Trust.of_key(trust)
    out = Verification()
    manifest = _json(bundle, layout.MANIFEST, out)
    envelope = _json(bundle, layout.ATTESTATION, out)
    if isinstance(manifest, dict):
        _files(bundle, manifest, out)
    if isinstance(envelope, dict):
        statement = out.statement = _statement(bundle, envelope, out)
        if statement is not None:
            try:
                _signature(envelope, manifest if isinstance(manifest, dict) else {}, trust, out)
            except (AttributeError, KeyError, TypeError, ValueError) as exc:
                out.problems.append(f"changed: the signature fields of {layout.MANIFEST} or {layout.ATTESTATION} "
                                    f"are malformed ({exc})")
    return out


def _json(bundle: Bundle, rel: str, out: Verification):
    if rel not in bundle.files:
        out.problems.append(f"removed: {rel} (every bundle has one)")
        return None
    try:
        return json.loads(bundle.files[rel])
    except (UnicodeDecodeError, ValueError) as exc:
        out.problems.append(f"changed: {rel} is no longer valid JSON ({exc})")
        return None


def _files(bundle: Bundle, manifest: dict, out: Verification) -> None:
    try:
        listed = {f["path"]: f for f in manifest["files"]}
    except (KeyError, TypeError):
        out.problems.append(f"changed: {layout.MANIFEST} has no valid `files` list")
        return
    present = {p for p in bundle.files if p not in layout.UNLISTED}
    out.files = len(present)
    removed = sorted(set(listed) - present)
    added = sorted(present - set(listed))
    by_hash = {bundle.member(p).sha256: p for p in added}
    for path in removed:
        moved = by_hash.pop(listed[path].get("sha256"), None)
        if moved is not None:
            out.problems.append(f"renamed: {path} -> {moved}")
            added.remove(moved)
        else:
            out.problems.append(f"removed: {path} (listed in {layout.MANIFEST}, not in the bundle)")
    out.problems += [f"added: {path} (not listed in {layout.MANIFEST})" for path in added]
    out.problems += [f"added: {path}/ (an empty directory; a bundle holds only the files its manifest lists)"
                     for path in bundle.empty_dirs]
    for path in sorted(set(listed) & present):
        member, entry = bundle.member(path), listed[path]
        if member.size != entry.get("size") or member.sha256 != entry.get("sha256"):
            out.problems.append(f"changed: {path} (sha256 {member.sha256}, size {member.size}; the manifest lists "
                                f"sha256 {entry.get('sha256')}, size {entry.get('size')})")


def _statement(bundle: Bundle, envelope: dict, out: Verification) -> dict | None:
    try:
        payload = base64.b64decode(envelope["payload"], validate=True)
        statement = json.loads(payload)
        subject = {s["name"]: s["digest"].get("sha256") for s in statement["subject"]}
        assert envelope["payloadType"] == sign.PAYLOAD_TYPE and statement["_type"] == sign.STATEMENT_TYPE
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        out.problems.append(f"changed: {layout.ATTESTATION} is not a DSSE envelope of an in-toto statement ({exc})")
        return None
    if layout.MANIFEST in bundle.files:
        actual = bundle.member(layout.MANIFEST).sha256
        if subject.get(layout.MANIFEST) != actual:
            out.problems.append(f"changed: {layout.MANIFEST} (sha256 {actual}; the attestation names "
                                f"{subject.get(layout.MANIFEST)}): edited after the bundle was made")
    return statement


def _signature(envelope: dict, manifest: dict, trust: Trust, out: Verification) -> None:
    declared = manifest.get("signature")
    signatures = envelope.get("signatures") or []
    payload = base64.b64decode(envelope["payload"])
    if not declared:
        if signatures:
            out.problems.append(f"changed: {layout.ATTESTATION} carries signatures but {layout.MANIFEST} says unsigned")
            return
        out.trust = UNSIGNED
        if trust.keys and not trust.allow_unsigned:
            out.problems.append(f"unsigned: the bundle carries no signature, so it cannot be checked against the "
                                f"trusted key {', '.join(trust.keyids())} ({trust.origin})")
        else:
            out.notes.append("UNSIGNED: the hashes are consistent, but nothing shows who made this bundle")
        return
    out.signed = True
    out.keyid = declared.get("keyid")
    try:
        named = sign.public_from_pem(declared["public_key"])
    except (KeyError, TypeError, ValueError):
        out.problems.append(f"changed: {layout.MANIFEST} names no readable public key")
        return
    if sign.keyid_of(named) != out.keyid:
        out.problems.append(f"changed: {layout.MANIFEST} names key {out.keyid} but holds the public key of "
                            f"{sign.keyid_of(named)}")
        return
    if trust.keys:
        pinned = next((k for k in trust.keys if k.keyid == out.keyid), None)
        if pinned is None:
            out.problems.append(f"signed by key {out.keyid}, not by the given key {', '.join(trust.keyids())} "
                                f"({trust.origin})")
            return
        public_key = pinned.public_key or named  # a key id pins the key the manifest holds
        out.trust = TRUSTED
    else:
        public_key = named
        out.trust = UNTRUSTED
        out.notes.append("the signature was checked with the public key the bundle names, which anyone can "
                         "make: it shows the bundle is intact, not who made it; pass the signer's published key "
                         "with --public-key (or set CXGOV_TRUSTED_KEYS or evidence.trusted_keys)")
    keyid = sign.keyid_of(public_key)
    mine = [s for s in signatures if isinstance(s, dict) and s.get("keyid") == keyid]
    if not mine:
        out.problems.append(f"removed: the signature of key {keyid} ({layout.ATTESTATION})")
        return
    if not any(sign.verify_signature(public_key, envelope["payloadType"], payload, str(s.get("sig", "")))
               for s in mine):
        out.problems.append(f"changed: the signature in {layout.ATTESTATION} is not valid for key {keyid}")


def outcome(report: Verification, trust: Trust | None = None, *, allow_unsigned: bool | None = None,
            allow_untrusted: bool | None = None) -> tuple[str, int]:
    """The verdict line and exit code every reader applies: 0 intact and signed by a trusted key, 1 any
    difference, 2 intact but untrusted or unsigned, unless accepted (then 0, still marked so)."""
    trust = trust or Trust()
    allow_unsigned = trust.allow_unsigned if allow_unsigned is None else allow_unsigned
    allow_untrusted = trust.allow_untrusted if allow_untrusted is None else allow_untrusted
    if not report.ok:
        return f"FAILED: {len(report.problems)} problem(s); this bundle is not what was produced", 1
    if report.trust == TRUSTED:
        return (f"OK: {report.files} files match the manifest; signature valid (key {report.keyid}, a trusted "
                f"key from {trust.origin})"), 0
    if report.trust == UNTRUSTED:
        if allow_untrusted:
            return (f"OK (UNTRUSTED): {report.files} files match the manifest; signature valid for key "
                    f"{report.keyid}, but not checked against a trusted key (accepted with --allow-untrusted)"), 0
        return (f"UNTRUSTED: {report.files} files match the manifest and the signature is valid for key "
                f"{report.keyid}, but the signature was not checked against a trusted key: anyone can sign a bundle "
                "with a key of their own; pass the signer's published key with --public-key, or --allow-untrusted "
                "to accept it"), 2
    if allow_unsigned:
        return (f"OK (UNSIGNED): {report.files} files match the manifest; the bundle carries no signature "
                "(accepted with --allow-unsigned)"), 0
    return (f"UNSIGNED: {report.files} files match the manifest, but the bundle carries no signature, so nothing "
            "shows who made it; pass --allow-unsigned to accept it, or have it signed "
            "(`cxgov audit --key FILE`)"), 2


def as_json(report: Verification, trust: Trust | None = None, *, allow_unsigned: bool | None = None) -> dict:
    """`cxgov evidence verify --json`: the checks, the trust they were made under, and the same verdict
    and exit code as the text."""
    trust = trust or Trust()
    _, code = outcome(report, trust, allow_unsigned=allow_unsigned)
    verdict = "altered" if not report.ok else {TRUSTED: "signed", UNTRUSTED: "untrusted"}.get(report.trust, "unsigned")
    allowed = trust.allow_unsigned if allow_unsigned is None else allow_unsigned
    return {"ok": report.ok and code == 0, "intact": report.ok, "signed": report.signed, "verdict": verdict,
            "trust": report.trust, **trust.to_dict(), "allow_unsigned": allowed, "exit_code": code,
            "keyid": report.keyid, "files": report.files, "problems": report.problems, "notes": report.notes}
