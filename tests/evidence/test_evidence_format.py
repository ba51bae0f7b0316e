"""evidence/: the JSON Schemas hold for a real bundle, and FORMAT.md's recipes for checking a bundle
without cxgov (sha256sum, openssl, a few lines of Python) pass on an intact bundle and fail on a
tampered one."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest

from conftest import ROOT

EVIDENCE = ROOT / "evidence"
FORMAT = (EVIDENCE / "FORMAT.md").read_text()


def validator(name: str):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    schemas = [json.loads(p.read_text()) for p in sorted((EVIDENCE / "schemas").glob("*.schema.json"))]
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)
    schema = next(s for s in schemas if s["$id"].endswith(f"/{name}.schema.json"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry)


@pytest.mark.parametrize("name", ["manifest", "summary", "findings", "controls"])
def test_bundle_files_match_their_schemas(noncompliant_bundle, name):
    path = noncompliant_bundle.bundle / f"{name}.json"
    if name == "controls" and not path.exists():
        manifest = json.loads((noncompliant_bundle.bundle / "manifest.json").read_text())
        assert "controls.json" in manifest["omitted"]  # never silently missing
        return
    errors = sorted(validator(name).iter_errors(json.loads(path.read_text())), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_the_schemas_reject_what_they_should():
    findings = validator("findings")
    assert not findings.is_valid({"findings": [{"rule_id": "X"}]})
    manifest = validator("manifest")
    assert not manifest.is_valid({"format": "cxgov-evidence-bundle", "files": [{"path": "../etc/passwd"}]})


def recipes() -> list[tuple[str, str]]:
    blocks = re.findall(r"```(sh|python)\n(.*?)```", FORMAT, re.S)
    return [(lang, code) for lang, code in blocks if "BUNDLE" in code]


def run_recipe(lang: str, code: str, bundle, pubkey) -> subprocess.CompletedProcess:
    env = {**os.environ, "BUNDLE": str(bundle), "PUBKEY": str(pubkey)}
    cmd = ["bash", "-euo", "pipefail", "-c", code] if lang == "sh" else [sys.executable, "-c", code]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def unpacked(noncompliant_bundle, tmp_path_factory):
    """The archive unpacked as FORMAT.md says (tar -xzf), in an otherwise empty directory."""
    where = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(noncompliant_bundle.archive) as tar:
        tar.extractall(where, filter="data")
    (bundle,) = list(where.iterdir())
    return bundle


def test_format_md_has_the_three_recipes():
    assert [lang for lang, _ in recipes()] == ["sh", "sh", "python"]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_recipes_pass_on_an_intact_bundle(unpacked, noncompliant_bundle, index):
    lang, code = recipes()[index]
    done = run_recipe(lang, code, unpacked, noncompliant_bundle.public_key)
    assert done.returncode == 0, done.stdout + done.stderr
    if index == 1:
        assert "Signature Verified Successfully" in done.stdout


@pytest.mark.parametrize("index, tamper", [
    (0, "change"), (0, "add"), (1, "manifest"), (1, "key"), (2, "change"), (2, "add"), (2, "manifest"), (2, "key"),
])
def test_recipes_fail_on_a_tampered_bundle(unpacked, noncompliant_bundle, tmp_path, index, tamper):
    bundle = tmp_path / "bundle"
    shutil.copytree(unpacked, bundle)
    pubkey = noncompliant_bundle.public_key
    if tamper == "change":
        path = bundle / "findings.json"
        path.write_text(path.read_text().replace('"deny"', '"warn"', 1))
    elif tamper == "add":
        (bundle / "inputs" / "extra.json").write_text("{}")
    elif tamper == "manifest":
        path = bundle / "manifest.json"
        path.write_text(path.read_text().replace('"passed": false', '"passed": true'))
    else:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        pubkey = tmp_path / "other.pub"
        pubkey.write_bytes(Ed25519PrivateKey.generate().public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    lang, code = recipes()[index]
    done = run_recipe(lang, code, bundle, pubkey)
    assert done.returncode != 0, done.stdout
