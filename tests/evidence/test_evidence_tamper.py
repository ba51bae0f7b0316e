"""Every single tamper with a signed bundle makes `evidence verify` fail and name what changed, and
every other reader refuses the bundle before reading it.

The property runs over every file of the real acme-cx bundle: a changed byte (first, last and a
seeded random position), a removed file, an added file, a renamed file; then a replaced signature,
a stripped signature, and a manifest edited to match a changed file without re-signing. Most cases
go through verify() directly (hundreds of them); the command line is checked for its exit codes on
a directory and on a re-packed archive.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import shutil
import tarfile

import pytest

from conftest import run_cxgov


@pytest.fixture(scope="module")
def pristine(noncompliant_bundle):
    from cxgov.evidence.bundle import open_bundle
    from cxgov.evidence.sign import load_public

    bundle = open_bundle(noncompliant_bundle.bundle)
    return bundle, load_public(noncompliant_bundle.public_key)


def check(files: dict[str, bytes], public_key):
    from cxgov.evidence.bundle import Bundle
    from cxgov.evidence.verify import verify

    return verify(Bundle("tampered", dict(files)), public_key)


def test_the_pristine_bundle_verifies(pristine):
    bundle, key = pristine
    report = check(bundle.files, key)
    assert report.ok and report.signed, report.problems


def test_a_changed_byte_in_any_file_is_named(pristine):
    bundle, key = pristine
    rng = random.Random(6)
    cases = 0
    for path, data in sorted(bundle.files.items()):
        for pos in sorted({0, len(data) - 1, rng.randrange(len(data))}):
            files = dict(bundle.files)
            changed = bytearray(data)
            changed[pos] ^= 0x01
            files[path] = bytes(changed)
            report = check(files, key)
            assert not report.ok, (path, pos)
            assert any(path in p for p in report.problems), (path, pos, report.problems)
            cases += 1
    assert cases >= 3 * 50  # every file of the bundle, several positions each


def test_a_removed_file_is_named(pristine):
    bundle, key = pristine
    for path in sorted(bundle.files):
        files = {p: d for p, d in bundle.files.items() if p != path}
        report = check(files, key)
        assert any(p.startswith("removed: " + path) for p in report.problems), (path, report.problems)


@pytest.mark.parametrize("path", ["extra.txt", "inputs/k8s/backdoor.yaml.json", "policies/user/allow-all.rego",
                                  "wcag/page.png"])
def test_an_added_file_is_named(pristine, path):
    bundle, key = pristine
    report = check({**bundle.files, path: b"anything"}, key)
    assert report.problems == [f"added: {path} (not listed in manifest.json)"]


def test_a_renamed_file_is_named(pristine):
    bundle, key = pristine
    for path in sorted(p for p in bundle.files if p not in ("manifest.json", "attestation.intoto.json")):
        files = dict(bundle.files)
        files[path + ".renamed"] = files.pop(path)
        report = check(files, key)
        assert report.problems == [f"renamed: {path} -> {path}.renamed"], report.problems


def test_a_replaced_signature_fails(pristine):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cxgov.evidence.sign import PAYLOAD_TYPE, pae

    bundle, key = pristine
    envelope = json.loads(bundle.files["attestation.intoto.json"])
    payload = base64.b64decode(envelope["payload"])
    forged = Ed25519PrivateKey.generate().sign(pae(PAYLOAD_TYPE, payload))
    envelope["signatures"][0]["sig"] = base64.b64encode(forged).decode()
    report = check({**bundle.files, "attestation.intoto.json": json.dumps(envelope).encode()}, key)
    assert report.problems == [f"changed: the signature in attestation.intoto.json is not valid for key {report.keyid}"]


def test_a_stripped_signature_fails(pristine):
    bundle, key = pristine
    envelope = json.loads(bundle.files["attestation.intoto.json"])
    envelope["signatures"] = []
    report = check({**bundle.files, "attestation.intoto.json": json.dumps(envelope).encode()}, key)
    assert not report.ok and "removed: the signature" in report.problems[0]


def manifest_matching(bundle, path: str, new: bytes) -> bytes:
    manifest = json.loads(bundle.files["manifest.json"])
    for entry in manifest["files"]:
        if entry["path"] == path:
            entry["sha256"], entry["size"] = hashlib.sha256(new).hexdigest(), len(new)
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()


def test_a_manifest_edited_to_match_a_changed_file_fails(pristine):
    bundle, key = pristine
    findings = json.loads(bundle.files["findings.json"])
    findings["findings"] = findings["findings"][1:]  # quietly drop a finding
    new = (json.dumps(findings, indent=2, sort_keys=True) + "\n").encode()
    files = {**bundle.files, "findings.json": new, "manifest.json": manifest_matching(bundle, "findings.json", new)}
    report = check(files, key)
    assert len(report.problems) == 1 and report.problems[0].startswith("changed: manifest.json")
    assert "edited after the bundle was made" in report.problems[0]


def test_the_command_line_names_the_change_and_exits_1(noncompliant_bundle, tmp_path):
    b = noncompliant_bundle
    copy = tmp_path / "bundle"
    shutil.copytree(b.bundle, copy)
    target = copy / "inputs" / "k8s" / "retrieval.yaml.json"
    target.write_text(target.read_text().replace("retrieval:latest", "retrieval@sha256:" + "0" * 64))
    run = run_cxgov("evidence", "verify", str(copy), "--public-key", str(b.public_key))
    assert run.code == 1
    assert "changed: inputs/k8s/retrieval.yaml.json" in run.stdout and "FAILED" in run.stdout
    # the same tamper, re-packed as an archive
    archive = tmp_path / "bundle.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(copy, arcname="bundle")
    run = run_cxgov("evidence", "verify", str(archive), "--public-key", str(b.public_key))
    assert run.code == 1 and "changed: inputs/k8s/retrieval.yaml.json" in run.stdout


@pytest.mark.parametrize("content", [b"not a gzip file", b""])
def test_an_unreadable_bundle_exits_2(tmp_path, content):
    path = tmp_path / "bundle.tar.gz"
    path.write_bytes(content)
    run = run_cxgov("evidence", "verify", str(path))
    assert run.code == 2 and "bundle.tar.gz" in run.stderr


def test_a_missing_bundle_exits_2(tmp_path):
    run = run_cxgov("evidence", "verify", str(tmp_path / "nowhere"))
    assert run.code == 2 and "no such bundle" in run.stderr


@pytest.mark.parametrize("field, value", [("signature", "ed25519"), ("files", "all of them"), ("signature", None)])
def test_malformed_manifest_fields_fail_cleanly(pristine, field, value):
    bundle, key = pristine
    manifest = json.loads(bundle.files["manifest.json"])
    manifest[field] = value
    report = check({**bundle.files, "manifest.json": json.dumps(manifest).encode()}, key)
    assert not report.ok and any("manifest.json" in p for p in report.problems), report.problems


def test_show_and_diff_refuse_an_altered_bundle_before_reading_it(noncompliant_bundle, tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(noncompliant_bundle.bundle, copy)
    (copy / "summary.json").write_text("{}")
    key = str(noncompliant_bundle.public_key)
    for args in (("show", str(copy)), ("diff", str(copy), str(noncompliant_bundle.bundle)),
                 ("replay", str(copy))):
        run = run_cxgov("evidence", *args, "--public-key", key)
        assert run.code == 2 and "FAILED: 1 problem(s)" in run.stderr and "changed: summary.json" in run.stderr, \
            run.stderr


def test_show_and_diff_refuse_a_consistent_bundle_of_another_shape(noncompliant_bundle, tmp_path):
    """Hashes re-made to match (so unsigned), but summary.json is not format 1.0: an input error, not a
    traceback, once the reader accepts the unsigned bundle."""
    copy = tmp_path / "bundle"
    shutil.copytree(noncompliant_bundle.bundle, copy)
    (copy / "summary.json").write_text("{}")
    unsign(copy)
    for args in (("show", str(copy)), ("diff", str(copy), str(copy))):
        run = run_cxgov("evidence", *args, "--allow-unsigned")
        assert run.code == 2 and "not a cxgov evidence bundle of format 1.0" in run.stderr, run.stderr


def unsign(bundle) -> None:
    """Re-hash every file into the manifest, drop the signature, and point the statement at the new manifest."""
    from cxgov.evidence.sign import envelope

    manifest = json.loads((bundle / "manifest.json").read_text())
    for entry in manifest["files"]:
        data = (bundle / entry["path"]).read_bytes()
        entry["sha256"], entry["size"] = hashlib.sha256(data).hexdigest(), len(data)
    manifest["signature"] = None
    raw = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    (bundle / "manifest.json").write_bytes(raw)
    statement = json.loads(base64.b64decode(json.loads((bundle / "attestation.intoto.json").read_text())["payload"]))
    statement["subject"][0]["digest"]["sha256"] = hashlib.sha256(raw).hexdigest()
    payload = json.dumps(statement, sort_keys=True, separators=(",", ":")).encode()
    (bundle / "attestation.intoto.json").write_text(json.dumps(envelope(payload, None)))


def test_an_empty_directory_is_named(pristine):
    from cxgov.evidence.bundle import Bundle
    from cxgov.evidence.verify import verify

    bundle, key = pristine
    report = verify(Bundle("padded", dict(bundle.files), empty_dirs=["inputs/extra"]), key)
    assert report.problems == ["added: inputs/extra/ (an empty directory; a bundle holds only the files its "
                               "manifest lists)"]


def test_a_bundle_signed_by_a_key_it_does_not_hold_is_named(pristine):
    """The manifest names one key id but carries another key's PEM: changed, whatever is trusted."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cxgov.evidence.sign import public_pem

    bundle, key = pristine
    manifest = json.loads(bundle.files["manifest.json"])
    manifest["signature"]["public_key"] = public_pem(Ed25519PrivateKey.generate().public_key())
    report = check({**bundle.files, "manifest.json": json.dumps(manifest).encode()}, None)
    assert any("holds the public key of" in p for p in report.problems), report.problems
