"""`cxgov evidence verify`: is this bundle exactly what was signed?

Four checks, every problem named: the manifest lists exactly the files present (added, removed,
renamed), each file's size and sha256 match, the attestation's statement names manifest.json by
its current sha256, and the DSSE signature over that statement is valid (for the key given with
--public-key, or else the key the manifest names, which proves integrity but not authorship).
An unsigned bundle whose hashes match is never a plain OK: it is UNSIGNED (exit 2) unless the
caller accepts unsigned bundles, and then still marked so (`outcome`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field

from cxgov.evidence import bundle as layout
from cxgov.evidence.bundle import Bundle
from cxgov.evidence import sign


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signed: bool = False
    keyid: str | None = None
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(bundle: Bundle, public_key=None) -> Verification:
    out = Verification()
    manifest = _json(bundle, layout.MANIFEST, out)
    envelope = _json(bundle, layout.ATTESTATION, out)
    if isinstance(manifest, dict):
        _files(bundle, manifest, out)
    if isinstance(envelope, dict):
        statement = _statement(bundle, envelope, out)
        if statement is not None:
            try:
                _signature(envelope, manifest if isinstance(manifest, dict) else {}, public_key, out)
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
    by_hash = {hashlib.sha256(bundle.files[p]).hexdigest(): p for p in added}
    for path in removed:
        moved = by_hash.pop(listed[path].get("sha256"), None)
        if moved is not None:
            out.problems.append(f"renamed: {path} -> {moved}")
            added.remove(moved)
        else:
            out.problems.append(f"removed: {path} (listed in {layout.MANIFEST}, not in the bundle)")
    out.problems += [f"added: {path} (not listed in {layout.MANIFEST})" for path in added]
    for path in sorted(set(listed) & present):
        data, entry = bundle.files[path], listed[path]
        actual = hashlib.sha256(data).hexdigest()
        if len(data) != entry.get("size") or actual != entry.get("sha256"):
            out.problems.append(f"changed: {path} (sha256 {actual}, size {len(data)}; the manifest lists "
                                f"sha256 {entry.get('sha256')}, size {entry.get('size')})")


def _statement(bundle: Bundle, envelope: dict, out: Verification) -> dict | None:
    try:
        payload = base64.b64decode(envelope["payload"], validate=True)
        statement = json.loads(payload)
        subject = {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}
        assert envelope["payloadType"] == sign.PAYLOAD_TYPE and statement["_type"] == sign.STATEMENT_TYPE
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        out.problems.append(f"changed: {layout.ATTESTATION} is not a DSSE envelope of an in-toto statement ({exc})")
        return None
    if layout.MANIFEST in bundle.files:
        actual = hashlib.sha256(bundle.files[layout.MANIFEST]).hexdigest()
        if subject.get(layout.MANIFEST) != actual:
            out.problems.append(f"changed: {layout.MANIFEST} (sha256 {actual}; the attestation names "
                                f"{subject.get(layout.MANIFEST)}): edited after the bundle was made")
    return statement


def _signature(envelope: dict, manifest: dict, public_key, out: Verification) -> None:
    declared = manifest.get("signature")
    signatures = envelope.get("signatures") or []
    payload = base64.b64decode(envelope["payload"])
    if not declared:
        if signatures:
            out.problems.append(f"changed: {layout.ATTESTATION} carries signatures but {layout.MANIFEST} says unsigned")
        elif public_key is not None:
            out.problems.append("unsigned: the bundle carries no signature, so it cannot be checked against --public-key")
        else:
            out.notes.append("UNSIGNED: the hashes are consistent, but nothing shows who made this bundle")
        return
    out.signed = True
    out.keyid = declared.get("keyid")
    if public_key is None:
        try:
            public_key = sign.public_from_pem(declared["public_key"])
        except (KeyError, TypeError, ValueError):
            out.problems.append(f"changed: {layout.MANIFEST} names no readable public key")
            return
        out.notes.append("the signature was checked with the public key inside the bundle: this shows the bundle "
                         "is intact, not who signed it; pass --public-key with the signer's published key")
    keyid = sign.keyid_of(public_key)
    if keyid != declared.get("keyid"):
        out.problems.append(f"signed by key {declared.get('keyid')}, not by the given key {keyid}")
        return
    mine = [s for s in signatures if isinstance(s, dict) and s.get("keyid") == keyid]
    if not mine:
        out.problems.append(f"removed: the signature of key {keyid} ({layout.ATTESTATION})")
        return
    if not any(sign.verify_signature(public_key, envelope["payloadType"], payload, str(s.get("sig", "")))
               for s in mine):
        out.problems.append(f"changed: the signature in {layout.ATTESTATION} is not valid for key {keyid}")


def outcome(report: Verification, *, allow_unsigned: bool = False) -> tuple[str, int]:
    """The verdict line and exit code of `cxgov evidence verify`: 0 intact and signed, 1 any
    difference, 2 intact but unsigned (nothing shows who made it) unless `allow_unsigned`; then 0,
    still marked UNSIGNED."""
    if not report.ok:
        return f"FAILED: {len(report.problems)} problem(s); this bundle is not what was produced", 1
    if report.signed:
        return f"OK: {report.files} files match the manifest; signature valid (key {report.keyid})", 0
    if allow_unsigned:
        return (f"OK (UNSIGNED): {report.files} files match the manifest; the bundle carries no signature "
                "(accepted with --allow-unsigned)"), 0
    return (f"UNSIGNED: {report.files} files match the manifest, but the bundle carries no signature, so nothing "
            "shows who made it; pass --allow-unsigned to accept it, or have it signed "
            "(`cxgov audit --key FILE`)"), 2


def as_json(report: Verification, *, allow_unsigned: bool = False) -> dict:
    """`cxgov evidence verify --json`: the checks, and the same verdict and exit code as the text."""
    _, code = outcome(report, allow_unsigned=allow_unsigned)
    verdict = "altered" if not report.ok else "signed" if report.signed else "unsigned"
    return {"ok": report.ok and code == 0, "intact": report.ok, "signed": report.signed, "verdict": verdict,
            "allow_unsigned": allow_unsigned, "exit_code": code, "keyid": report.keyid, "files": report.files,
            "problems": report.problems, "notes": report.notes}
