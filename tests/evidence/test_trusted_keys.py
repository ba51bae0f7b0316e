"""A signature proves nothing without a pinned key: every reader of a bundle (verify, show, replay,
diff, drift) checks it against trusted keys first, through the real CLI.

Two attacks on a genuine signed bundle: findings.json edited, the manifest re-hashed and the whole
bundle re-signed with the attacker's own key (which the bundle then names), and the signature
stripped (the bundle re-hashed as an unsigned one). Without a trusted key both are refused by every
reader; with the signer's key both are refused; each is read only with the explicit flag
(--allow-untrusted, --allow-unsigned), and the run says so. Empty directories and extra members are
refused by every reader too, and a large extra member is hashed as a stream, never read into memory.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

from conftest import EVALUATION_DATE, run_cxgov

POLICY = """\
package main

import rego.v1

deny contains msg if {
	input.kind == "Deployment"
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("Deployment %s must set runAsNonRoot", [input.metadata.name])
}
"""


def deployment(name: str, non_root: bool) -> dict:
    spec = {"containers": [{"name": "app", "image": f"registry.example/{name}:1"}]}
    if non_root:
        spec["securityContext"] = {"runAsNonRoot": True}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"template": {"spec": spec}}}


@pytest.fixture(scope="module")
def genuine(tmp_path_factory):
    """A small system audited once and signed with the team's key: (root, bundle dir, archive, public key)."""
    root = tmp_path_factory.mktemp("trust")
    (root / "policy").mkdir()
    (root / "policy" / "main.rego").write_text(POLICY)
    (root / "k8s").mkdir()
    (root / "k8s" / "apps.yaml").write_text(yaml.safe_dump_all([deployment("api", False), deployment("web", False),
                                                                  deployment("ok", True)]))
    (root / "cxgov.yaml").write_text("system: trust-demo\nmanifests: [k8s]\npolicies: {builtin: false, paths: [policy]}\n"
                                     "models: {skip: not in this test}\nui: {skip: not in this test}\n")
    assert run_cxgov("evidence", "keygen", "--out", str(root / "team.key")).code == 0
    run = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--out", str(root / "bundle"), "--key",
                    str(root / "team.key"), cwd=root)
    assert run.code == 1, run.stderr  # two deployments fail the rule
    return root, root / "bundle", root / "bundle.tar.gz", root / "team.key.pub"


def rehash(bundle: Path, *, key=None, strip: bool = False) -> None:
    """Make a tampered bundle consistent again: manifest hashes, the statement's digest of the
    manifest, and the signature (with `key`, the attacker's; or none with `strip`)."""
    from cxgov.evidence.sign import PAYLOAD_TYPE, envelope, keyid_of, public_pem

    manifest = json.loads((bundle / "manifest.json").read_text())
    for entry in manifest["files"]:
        data = (bundle / entry["path"]).read_bytes()
        entry["sha256"], entry["size"] = hashlib.sha256(data).hexdigest(), len(data)
    if strip:
        manifest["signature"] = None
    elif key is not None:
        manifest["signature"] = {"algorithm": "ed25519", "keyid": keyid_of(key.public_key()),
                                 "public_key": public_pem(key.public_key())}
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    (bundle / "manifest.json").write_bytes(manifest_bytes)
    env = json.loads((bundle / "attestation.intoto.json").read_text())
    statement = json.loads(base64.b64decode(env["payload"]))
    statement["subject"][0]["digest"]["sha256"] = hashlib.sha256(manifest_bytes).hexdigest()
    payload = json.dumps(statement, sort_keys=True, separators=(",", ":")).encode()

    class Signer:  # the attacker's key, shaped as cxgov's SigningKey
        keyid = keyid_of(key.public_key()) if key is not None else None

        @staticmethod
        def sign(data: bytes) -> bytes:
            return key.sign(data)

    new = envelope(payload, None if strip else Signer())
    assert new["payloadType"] == PAYLOAD_TYPE
    (bundle / "attestation.intoto.json").write_text(json.dumps(new, indent=2, sort_keys=True) + "\n")


@pytest.fixture(scope="module")
def attacks(genuine, tmp_path_factory):
    """The forged (re-signed by an attacker) and stripped bundles, as directories."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _, bundle, _, _ = genuine
    base = tmp_path_factory.mktemp("attacks")
    forged, stripped = base / "forged", base / "stripped"
    shutil.copytree(bundle, forged)
    findings = json.loads((forged / "findings.json").read_text())
    findings["findings"] = findings["findings"][1:]  # quietly drop a failure
    (forged / "findings.json").write_text(json.dumps(findings, indent=2, sort_keys=True) + "\n")
    rehash(forged, key=Ed25519PrivateKey.generate())
    shutil.copytree(bundle, stripped)
    rehash(stripped, strip=True)
    return forged, stripped


def readers(path: Path, other: Path) -> dict[str, tuple[str, ...]]:
    """Every command that reads a bundle, reading `path` (diff and drift against `other`)."""
    return {
        "verify": ("evidence", "verify", str(path)),
        "show": ("evidence", "show", str(path)),
        "replay": ("evidence", "replay", str(path)),
        "diff": ("evidence", "diff", str(path), str(other)),
        "drift": ("drift", "check", "--baseline", str(path), "--current", str(other), "-o", "json"),
    }


def run_in(cwd: Path, *args: str, env: dict | None = None):
    return run_cxgov(*args, cwd=cwd, env={"CXGOV_TRUSTED_KEYS": "", **(env or {})})


def test_the_cli_verifies_the_genuine_bundle_only_against_the_published_key(genuine, tmp_path):
    root, bundle, archive, pub = genuine
    for target in (bundle, archive):
        ok = run_in(tmp_path, "evidence", "verify", str(target), "--public-key", str(pub))
        assert ok.code == 0 and "a trusted key from --public-key" in ok.stdout, ok.stdout
        untrusted = run_in(tmp_path, "evidence", "verify", str(target))
        assert untrusted.code == 2 and "UNTRUSTED" in untrusted.stdout and not untrusted.stdout.startswith("OK")
        allowed = run_in(tmp_path, "evidence", "verify", str(target), "--allow-untrusted")
        assert allowed.code == 0 and "OK (UNTRUSTED)" in allowed.stdout
    as_json = json.loads(run_in(tmp_path, "evidence", "verify", str(bundle), "--json", "--allow-untrusted").stdout)
    assert as_json["verdict"] == "untrusted" and as_json["allow_untrusted"] is True and as_json["exit_code"] == 0


@pytest.mark.parametrize("attack", ["forged", "stripped"])
def test_an_attacked_bundle_fails_every_reader_without_a_trusted_key(genuine, attacks, attack, tmp_path):
    _, bundle, _, _ = genuine
    target = dict(zip(("forged", "stripped"), attacks))[attack]
    for name, args in readers(target, bundle).items():
        run = run_in(tmp_path, *args)
        assert run.code != 0, (name, run.stdout, run.stderr)
        said = run.stdout + run.stderr
        assert ("UNSIGNED" if attack == "stripped" else "UNTRUSTED") in said, (name, said)
        assert name == "verify" or f"{target}: " in said, (name, said)  # the attacked bundle is the one named
        if name not in ("verify", "drift"):
            assert run.code == 2 and "REPRODUCED" not in run.stdout, (name, said)


@pytest.mark.parametrize("attack", ["forged", "stripped"])
def test_an_attacked_bundle_fails_every_reader_with_the_signers_key(genuine, attacks, attack, tmp_path):
    _, bundle, _, pub = genuine
    target = dict(zip(("forged", "stripped"), attacks))[attack]
    for name, args in readers(target, bundle).items():
        run = run_in(tmp_path, *args, "--public-key", str(pub))
        assert run.code != 0, (name, run.stdout, run.stderr)
        said = run.stdout + run.stderr
        expected = "carries no signature" if attack == "stripped" else "not by the given key"
        assert expected in said, (name, said)
    # drift records the refusal as an errored run, never as clean
    drift = run_in(tmp_path, *readers(target, bundle)["drift"], "--public-key", str(pub), "--state", "s.db")
    assert drift.code == 2 and json.loads(drift.stdout)["status"] == "errored"


def test_an_attacked_bundle_is_read_only_with_the_explicit_flag_and_marked(genuine, attacks, tmp_path):
    _, bundle, _, pub = genuine
    forged, stripped = attacks
    show = run_in(tmp_path, "evidence", "show", str(forged), "--allow-untrusted")
    assert show.code == 0 and "NOT checked against a trusted key (accepted with --allow-untrusted)" in show.stdout
    replay = run_in(tmp_path, "evidence", "replay", str(forged), "--allow-untrusted")
    assert "NOT checked against a trusted key" in replay.stdout
    assert replay.code == 1 and "NOT REPRODUCED" in replay.stdout  # the dropped finding comes back
    show = run_in(tmp_path, "evidence", "show", str(stripped), "--allow-unsigned")
    assert show.code == 0 and "UNSIGNED (accepted with --allow-unsigned)" in show.stdout
    replay = run_in(tmp_path, "evidence", "replay", str(stripped), "--allow-unsigned")
    assert replay.code == 0 and "REPRODUCED" in replay.stdout
    # drift reads the stripped baseline only when allowed, against the genuine bundle pinned by key,
    # and the history records how the baseline was accepted
    drift = run_in(tmp_path, "drift", "check", "--baseline", str(stripped), "--current", str(bundle), "--public-key",
                   str(pub), "--allow-unsigned", "--state", "state.db", "-o", "json")
    assert drift.code == 0, drift.stdout + drift.stderr
    report = json.loads(drift.stdout)
    assert report["trust"]["baseline"]["trust"] == "unsigned" and report["trust"]["current"]["trust"] == "trusted"
    with sqlite3.connect(tmp_path / "state.db") as db:
        recorded = json.loads(db.execute("SELECT trust FROM runs").fetchone()[0])
    assert recorded["baseline"]["allow_unsigned"] is True and recorded["current"]["trust"] == "trusted"
    history = run_in(tmp_path, "drift", "history", "--state", "state.db")
    assert "[baseline UNSIGNED]" in history.stdout


def test_trusted_keys_from_the_environment_the_config_and_by_key_id(genuine, tmp_path):
    root, bundle, archive, pub = genuine
    keyid = json.loads((bundle / "manifest.json").read_text())["signature"]["keyid"]
    by_env = run_in(tmp_path, "evidence", "verify", str(archive), env={"CXGOV_TRUSTED_KEYS": str(pub)})
    assert by_env.code == 0 and "$CXGOV_TRUSTED_KEYS" in by_env.stdout, by_env.stdout
    by_pem = run_in(tmp_path, "evidence", "verify", str(archive), env={"CXGOV_TRUSTED_KEYS": pub.read_text()})
    assert by_pem.code == 0, by_pem.stdout
    by_id = run_in(tmp_path, "evidence", "show", str(archive), "--public-key", f"sha256:{keyid}")
    assert by_id.code == 0 and "a trusted key" in by_id.stdout
    # the repository's cxgov.yaml pins the key for every reader run there
    config = yaml.safe_load((root / "cxgov.yaml").read_text())
    config["evidence"] = {"trusted_keys": ["team.key.pub"]}
    work = tmp_path / "repo"
    work.mkdir()
    shutil.copy(pub, work / "team.key.pub")
    (work / "cxgov.yaml").write_text(yaml.safe_dump(config))
    in_repo = run_in(work, "evidence", "replay", str(archive))
    assert in_repo.code == 0 and "cxgov.yaml: evidence.trusted_keys" in in_repo.stdout, in_repo.stdout + in_repo.stderr
    # a wrong pin from the environment beats the config and fails
    other = run_in(work, "evidence", "verify", str(archive), env={"CXGOV_TRUSTED_KEYS": "sha256:" + "0" * 64})
    assert other.code == 1 and "not by the given key" in other.stdout


def with_empty_dir(bundle: Path, target: Path) -> Path:
    shutil.copytree(bundle, target)
    (target / "inputs" / "smuggled").mkdir()
    return target


def tar_of(directory: Path, archive: Path, extra_dir: str | None = None) -> Path:
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(directory, arcname=directory.name)
        if extra_dir:
            info = tarfile.TarInfo(f"{directory.name}/{extra_dir}")
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
    return archive


def test_a_bundle_with_an_empty_directory_is_rejected_by_every_reader(genuine, tmp_path):
    _, bundle, _, pub = genuine
    padded = with_empty_dir(bundle, tmp_path / "padded")
    archive = tar_of(bundle, tmp_path / "padded.tar.gz", extra_dir="wcag/empty")
    for target, name in ((padded, "inputs/smuggled/"), (archive, "wcag/empty/")):
        for reader, args in readers(target, bundle).items():
            run = run_in(tmp_path, *args, "--public-key", str(pub))
            assert run.code == (1 if reader == "verify" else 2), (reader, run.stdout, run.stderr)
            assert f"added: {name} (an empty directory" in run.stdout + run.stderr, (reader, run.stdout, run.stderr)


MEASURE = """\
import json, resource, subprocess, sys
proc = subprocess.run([sys.executable, "-m", "cxgov", *sys.argv[1:]], capture_output=True, text=True)
print(json.dumps({"code": proc.returncode, "out": proc.stdout + proc.stderr,
                  "max_rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}))
"""


def test_a_large_extra_member_is_streamed_and_refused(genuine, tmp_path):
    """600 MiB added to a bundle (a directory and an archive): every reader refuses it, and no process
    of the run holds it in memory."""
    _, bundle, _, pub = genuine
    big = tmp_path / "big"
    shutil.copytree(bundle, big)
    with open(big / "weights.bin", "wb") as fh:
        fh.truncate(600 << 20)
    archive = tar_of(big, tmp_path / "big.tar.gz")
    for target in (big, archive):
        for args in (("evidence", "show", str(target)), ("evidence", "replay", str(target))):
            proc = subprocess.run([sys.executable, "-c", MEASURE, *args, "--public-key", str(pub)], cwd=tmp_path,
                                  capture_output=True, text=True, env={**os.environ, "CXGOV_TRUSTED_KEYS": ""},
                                  timeout=600)
            result = json.loads(proc.stdout)
            assert result["code"] == 2 and "weights.bin (not listed in manifest.json)" in result["out"], result
            assert result["max_rss"] < 300 << 20, (args, result["max_rss"] >> 20)


def test_an_archive_member_changed_after_it_was_hashed_cannot_be_read(genuine):
    """What a reader parses is what was verified: a file read later is checked against its hash."""
    from cxgov.errors import InputError
    from cxgov.evidence.bundle import open_bundle

    _, bundle, _, _ = genuine
    opened = open_bundle(bundle)
    target = bundle / "summary.json"
    original = target.read_bytes()
    try:
        target.write_bytes(original.replace(b"trust-demo", b"trust-DEMO"))
        with pytest.raises(InputError, match="changed while the bundle was being read"):
            opened.read("summary.json")
    finally:
        target.write_bytes(original)


def test_a_directory_and_its_archive_hash_alike(genuine):
    from cxgov.evidence.bundle import open_bundle

    _, bundle, archive, _ = genuine
    d, a = open_bundle(bundle), open_bundle(archive)
    assert d.members == a.members and d.empty_dirs == a.empty_dirs == []
    assert dict(d.files) == dict(a.files)
