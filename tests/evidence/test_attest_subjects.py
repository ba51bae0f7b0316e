"""The attestation names what was deployed: the git commit, the images the acme-cx manifests pin by
digest and the model versions; `cxgov evidence verify --subject` answers whether an artifact was
covered, only for a bundle that verifies against a trusted key."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess

import pytest

from conftest import run_cxgov
from test_audit import files_only_copy, signed_audit

REGISTRY = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/acme-cx"
# what examples/acme-cx/noncompliant/k8s pins: chat-api and agent-assist by digest, retrieval by tag only
CHAT_API = f"{REGISTRY}/chat-api:2.31.0@sha256:27aa9f94c9d92c3c756f50159445058681c2fa10b9ae63e92d81991f478ea815"
AGENT_ASSIST = f"{REGISTRY}/agent-assist:3.7.1@sha256:356d628a30a4ff1f12ddcfef747025c6dc81cefa52ab93a0643ecc62d58a8751"
RETRIEVAL_BY_TAG = f"{REGISTRY}/retrieval:latest"
REMOTE_TOKEN = "ghp_" + "Zq8" * 12  # a credential in the remote URL must reach no file of the bundle


def git(cwd, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.email=ci@acme-shop.eu", "-c", "user.name=ci", *args], cwd=cwd,
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """The non-compliant acme-cx files (live sources skipped), committed to a git repository whose
    remote URL carries a token, audited and signed through the CLI."""
    base = tmp_path_factory.mktemp("attest")
    variant = files_only_copy(base)
    git(variant, "init", "-q", ".")
    git(variant, "add", "-A")
    git(variant, "commit", "-qm", "the audited release")
    git(variant, "remote", "add", "origin", f"https://ci-bot:{REMOTE_TOKEN}@git.example.com/acme/cx.git")
    commit = git(variant, "rev-parse", "HEAD")
    bundle, _ = signed_audit(variant, base)
    return bundle, base / "signing.key.pub", commit


def statement_of(bundle) -> dict:
    return json.loads(base64.b64decode(json.loads((bundle / "attestation.intoto.json").read_text())["payload"]))


def test_the_statement_names_the_commit_and_the_pinned_images(audited):
    bundle, _, commit = audited
    subjects = statement_of(bundle)["subject"]
    assert subjects[0]["name"] == "manifest.json"  # first, as FORMAT.md's recipes read it
    assert subjects[1:] == [
        {"name": f"git+https://git.example.com/acme/cx.git@{commit}", "digest": {"gitCommit": commit}},
        {"name": AGENT_ASSIST, "digest": {"sha256": AGENT_ASSIST.rsplit(":", 1)[1]},
         "annotations": {"pinned_in": ["k8s/agent-assist.yaml"]}},
        {"name": CHAT_API, "digest": {"sha256": CHAT_API.rsplit(":", 1)[1]},
         "annotations": {"pinned_in": ["k8s/chat-api.yaml"]}},
    ]
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["git"] == {"commit": commit, "dirty": False, "remote": "https://git.example.com/acme/cx.git",
                               "path": None}
    assert not [p for p in bundle.rglob("*") if p.is_file() and REMOTE_TOKEN.encode() in p.read_bytes()]


@pytest.mark.parametrize("query", [CHAT_API, "sha256:" + CHAT_API.rsplit(":", 1)[1], "models-are-not-read"])
def test_verify_subject_answers_for_a_pinned_image_and_refuses_another(audited, query):
    bundle, public, _ = audited
    run = run_cxgov("evidence", "verify", str(bundle), "--public-key", str(public), "--subject", query)
    assert "OK: " in run.stdout and "signature valid" in run.stdout, run.stdout + run.stderr
    if query == "models-are-not-read":
        assert run.code == 1 and f"NOT COVERED: {query} is none of the 4 subjects" in run.stdout, run.stdout
    else:
        assert run.code == 0, run.stdout + run.stderr
        assert f"is the attested subject {CHAT_API} (sha256:{CHAT_API.rsplit(':', 1)[1]})" in run.stdout


@pytest.mark.parametrize("query", [RETRIEVAL_BY_TAG, f"{REGISTRY}/chat-api:2.31.0",
                                   f"{REGISTRY}/chat-api:2.31.0@sha256:{'0' * 64}"])
def test_an_image_the_manifests_do_not_pin_is_not_covered(audited, query):
    bundle, public, _ = audited
    run = run_cxgov("evidence", "verify", str(bundle.with_name("bundle.tar.gz")), "--public-key", str(public),
                    "--subject", query)
    assert run.code == 1 and f"NOT COVERED: {query}" in run.stdout, run.stdout + run.stderr


def test_the_commit_is_covered_in_full_or_abbreviated_and_in_json(audited):
    bundle, public, commit = audited
    run = run_cxgov("evidence", "verify", str(bundle), "--public-key", str(public), "--subject", commit[:12], "--json")
    assert run.code == 0, run.stdout + run.stderr
    answer = json.loads(run.stdout)
    assert answer["ok"] and answer["subject"] == {
        "query": commit[:12], "checked": True, "covered": True,
        "matches": [{"name": f"git+https://git.example.com/acme/cx.git@{commit}", "digest": {"gitCommit": commit}}]}
    other = run_cxgov("evidence", "verify", str(bundle), "--public-key", str(public), "--subject", "0" * 40, "--json")
    assert other.code == 1 and json.loads(other.stdout)["subject"]["covered"] is False


def test_a_bundle_that_does_not_verify_answers_nothing(audited, tmp_path):
    bundle, public, _ = audited
    untrusted = run_cxgov("evidence", "verify", str(bundle), "--subject", CHAT_API)
    assert untrusted.code == 2 and "UNTRUSTED" in untrusted.stdout
    assert f"NOT CHECKED: {CHAT_API}: the bundle was not accepted" in untrusted.stdout
    assert "COVERED" not in untrusted.stdout.replace("NOT CHECKED", "")
    altered = tmp_path / "altered"
    shutil.copytree(bundle, altered)
    (altered / "findings.json").write_text('{"findings": []}\n')
    run = run_cxgov("evidence", "verify", str(altered), "--public-key", str(public), "--subject", CHAT_API, "--json")
    answer = json.loads(run.stdout)
    assert run.code == 1 and not answer["intact"]
    assert answer["subject"] == {"query": CHAT_API, "checked": False, "covered": False, "matches": []}


def test_model_versions_are_named_by_artifact_digest_or_by_their_registry_record():
    from cxgov.evidence.attest_subjects import covering, deployed_subjects, remote_without_credentials
    from cxgov.model import Location, Subject

    def version(number: str, tags: dict) -> Subject:
        ref = f"models:/cx-router/{number}"
        return Subject("model-version", ref, Location(ref, None), {
            "name": "cx-router", "version": number, "tags": tags, "run_id": "r1",
            "tracking_uri": "https://mlflow.internal.acme-shop.eu"})

    artifact = "ab" * 32
    subjects = [version("7", {"artifact_sha256": artifact}), version("8", {"artifact_sha256": "not-a-digest"})]
    files = {"models/cx-router-7.json": b"{}\n", "models/cx-router-8.json": b'{"v": 8}\n'}
    evidence = {"models:/cx-router/7": ["models/cx-router-7.json"], "models:/cx-router/8": ["models/cx-router-8.json"]}
    named = deployed_subjects(subjects, {"commit": "c" * 40, "dirty": True, "remote": None, "path": "/srv/cx"},
                              files, evidence)
    assert named[0] == {"name": f"git+/srv/cx@{'c' * 40}", "digest": {"gitCommit": "c" * 40},
                        "annotations": {"uncommitted_changes": True}}
    import hashlib

    assert [(s["name"], s["digest"]) for s in named[1:]] == [
        ("models:/cx-router/7", {"sha256": artifact}),
        ("models:/cx-router/8", {"registryRecordSha256": hashlib.sha256(b'{"v": 8}\n').hexdigest()})]
    assert named[1]["annotations"] == {"registry": "https://mlflow.internal.acme-shop.eu",
                                       "record": "models/cx-router-7.json", "run_id": "r1"}
    statement = {"subject": named}
    assert [s["name"] for s in covering(statement, "models:/cx-router/8")] == ["models:/cx-router/8"]
    assert [s["name"] for s in covering(statement, f"sha256:{artifact}")] == ["models:/cx-router/7"]
    assert covering(statement, "models:/cx-router/9") == [] and covering(statement, "sha512:" + artifact) == []
    stripped = remote_without_credentials("https://u:p@git.example.com:8443/a/b.git")
    assert stripped == "https://git.example.com:8443/a/b.git"
    assert remote_without_credentials("git@github.com:acme/cx.git") == "git@github.com:acme/cx.git"


def test_the_acme_bundle_attests_the_model_versions_it_read(noncompliant_bundle):
    """The live audit read versions 14 (deployed) and 15 (production's alias) from the registry: each
    is a subject, named by its registry URI, and `verify --subject` finds it."""
    import hashlib

    bundle = noncompliant_bundle.bundle
    models = [s for s in statement_of(bundle)["subject"] if s["name"].startswith("models:/")]
    assert [s["name"] for s in models] == ["models:/acme-cx-intent-router/14", "models:/acme-cx-intent-router/15"]
    for s in models:  # MLflow records no artifact digest: the registry record in the bundle stands for it
        record = bundle / s["annotations"]["record"]
        assert s["digest"] == {"registryRecordSha256": hashlib.sha256(record.read_bytes()).hexdigest()}
    assert {s["name"] for s in statement_of(bundle)["subject"]} >= {CHAT_API, AGENT_ASSIST}
    run = run_cxgov("evidence", "verify", str(noncompliant_bundle.archive), "--public-key",
                    str(noncompliant_bundle.public_key), "--subject", "models:/acme-cx-intent-router/14")
    assert run.code == 0, run.stdout + run.stderr
    assert "COVERED: models:/acme-cx-intent-router/14 is the attested subject" in run.stdout
