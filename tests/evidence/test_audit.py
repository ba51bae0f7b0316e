"""`cxgov audit` on the acme-cx example: a signed bundle that verifies, byte-identical archives for
identical inputs, nothing half-written on failure, and clear errors for a broken config."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import EVALUATION_DATE, run_cxgov


CORE_FILES = {"manifest.json", "attestation.intoto.json", "summary.json", "findings.json", "inputs/index.json",
              "inputs/system.json", "inputs/cxgov/descriptor.yaml.json", "inputs/terraform/plan.json.json",
              "policies/index.json", "policies/data.json", "config/cxgov.yaml", "config/waivers.yaml"}
STATES = ("closed", "open", "streaming", "handoff", "error", "viewport-320")  # the descriptor's widget states
# the live sources' evidence: the registry's snapshots of the version the descriptor deploys (14) and
# of the one `production` points to (15), and per widget state the scan, axe's results and a screenshot
LIVE_FILES = {"models/acme-cx-intent-router-14.json", "models/acme-cx-intent-router-15.json"} | {
    f"wcag/www.acme-shop.eu-help-{state}{ext}" for state in STATES for ext in (".json", ".axe.json", ".png")}
# non-compliant: the files' 34 findings (22 deny, 11 warn, 1 waived) and the live sources' 42: version
# 15 unapproved with no approver and production moved to it (3 deny), 31 serious or critical axe
# violations over the six states and the AI notice's contrast (32 deny), six moderate ones and one
# needs-review item (7 warn)
VERDICT = {"passed": False, "deny": 60, "warn": 18, "waived": 1}


def files_of(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


FILES_ONLY = """
models:
  skip: the registry's state is not an input of this test
ui:
  skip: scans carry their own timestamps
"""


def files_only_copy(base: Path) -> Path:
    """A copy of the non-compliant variant whose cxgov.yaml skips the live sources."""
    import shutil

    from evidence_bundles import EXAMPLE

    variant = base / "noncompliant"
    shutil.copytree(EXAMPLE / "noncompliant", variant)
    config = variant / "cxgov.yaml"
    text = config.read_text()
    config.write_text(text[:text.index("models:")] + FILES_ONLY.lstrip() + text[text.index("evidence:"):])
    return variant


@pytest.fixture(scope="module")
def files_only(tmp_path_factory):
    """The non-compliant variant with its live sources skipped (their reads carry timestamps and the
    registry's state, so they are not the same inputs twice), audited and signed through the CLI."""
    base = tmp_path_factory.mktemp("files-only")
    variant = files_only_copy(base)
    bundle, key = signed_audit(variant, base)
    return variant, bundle, bundle.with_name(bundle.name + ".tar.gz"), key


def signed_audit(variant: Path, base: Path) -> tuple[Path, Path]:
    """`cxgov audit` of `variant` signed with a fresh key: (bundle directory, private key), the gate failed."""
    key = base / "signing.key"
    assert run_cxgov("evidence", "keygen", "--out", str(key)).code == 0
    bundle = base / "bundle"
    run = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--key", str(key), "--out", str(bundle),
                    "-o", "json=/dev/null", cwd=variant, timeout=900)
    assert run.code == 1, run.stderr
    return bundle, key


@pytest.fixture(scope="module")
def rerun(files_only, tmp_path_factory):
    """The same files-only audit again, in-process through the API (run_audit + write_bundle), same key."""
    from cxgov.audit_config import load_config
    from cxgov.audit import run_audit
    from cxgov.evidence.sign import load_key_file

    config_path = files_only[0] / "cxgov.yaml"
    run = run_audit(load_config(config_path), config_path=config_path, evaluation_date=EVALUATION_DATE)
    return run, load_key_file(files_only[3]), tmp_path_factory.mktemp("rerun")


def test_audit_writes_a_signed_bundle_and_the_verdict(noncompliant_bundle):
    b = noncompliant_bundle
    assert b.code == 1  # the non-compliant variant fails the gate; the bundle is written anyway
    findings = json.loads(b.stdout)["findings"]
    assert len(findings) == VERDICT["deny"] + VERDICT["warn"] + VERDICT["waived"]
    assert sum(1 for f in findings if f["gate"] == "deny" and not f["waiver"]) == VERDICT["deny"]
    assert "acme-cx: gate FAILED (60 deny, 18 warn, 1 waived)" in b.stderr
    # progress per stage, as plain lines when stderr is not a terminal; the live sources are stages too
    for line in ("[1/6] loading policies", "[3/6] reading model versions: 2 model versions from http://127.0.0.1:",
                 "[4/6] scanning the UI: 6 page states", "[6/6] writing the evidence bundle"):
        assert line in b.stderr, b.stderr
    assert CORE_FILES | LIVE_FILES <= set(files_of(b.bundle))
    assert b.archive.is_file()
    manifest = json.loads((b.bundle / "manifest.json").read_text())
    assert manifest["system"] == "acme-cx" and manifest["created"] == "2026-11-22T00:00:00Z"
    assert manifest["signature"]["keyid"] and manifest["verdict"] == VERDICT
    assert manifest["skipped_sources"] == {}  # nothing the descriptor declares was left out
    # the literal PUZZEL_API_KEY in agent-assist was redacted (and the ExternalSecret's key names)
    assert manifest["redactions"] >= 2


@pytest.mark.parametrize("which", ["bundle", "archive"])
def test_verify_passes_with_the_published_key(noncompliant_bundle, which):
    b = noncompliant_bundle
    run = run_cxgov("evidence", "verify", str(getattr(b, which)), "--public-key", str(b.public_key))
    assert run.code == 0, run.stdout + run.stderr
    assert "signature valid" in run.stdout


def test_findings_are_exactly_the_examples_expected_ones(noncompliant_bundle):
    b = noncompliant_bundle
    findings = json.loads((b.bundle / "findings.json").read_text())["findings"]
    expected = {tuple(x) for x in json.loads((b.variant / "expected-findings.json").read_text())}
    assert {(f["rule_id"], f["subject"], f["gate"], f["waiver"] is not None) for f in findings} == expected
    waived = [f for f in findings if f["waiver"]]
    assert [w["waiver"]["ticket"] for w in waived] == ["SEC-2291"]


def test_same_inputs_give_a_byte_identical_archive(files_only, rerun):
    from cxgov.audit import write_bundle

    _, bundle, archive_before, _ = files_only
    run, key, out = rerun
    target, archive = write_bundle(run, out / bundle.name, key=key)
    assert archive.read_bytes() == archive_before.read_bytes()
    assert files_of(target) == files_of(bundle)
    # what the config leaves out is said in the bundle, with the reason
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["skipped_sources"] == {"models": "the registry's state is not an input of this test",
                                           "ui": "scans carry their own timestamps"}
    run = run_cxgov("evidence", "show", str(archive), "--public-key", f"{files_only[3]}.pub")
    assert "skipped     models: the registry's state is not an input of this test" in run.stdout, run.stdout


def test_source_date_epoch_sets_the_timestamps(rerun, monkeypatch):
    import tarfile

    from cxgov.audit import write_bundle

    run, key, out = rerun
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    target, archive = write_bundle(run, out / "epoch", key=key)
    assert json.loads((target / "manifest.json").read_text())["created"] == "2025-11-24T16:00:00Z"
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
    assert {m.mtime for m in members} == {1764000000} and {(m.uid, m.gid, m.uname) for m in members} == {(0, 0, "")}
    assert [m.name for m in members if m.isfile()] == sorted(m.name for m in members if m.isfile())


def test_a_failed_write_leaves_no_half_written_bundle(rerun, monkeypatch):
    from cxgov.audit import write_bundle
    from cxgov.evidence import write

    run, key, out = rerun
    before = sorted(os.listdir(out))

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(write, "archive_bytes", broken)
    with pytest.raises(OSError):
        write_bundle(run, out / "interrupted", key=key)
    assert sorted(os.listdir(out)) == before  # no bundle, no archive, no staging directory


def test_an_existing_bundle_is_not_overwritten(noncompliant_bundle):
    b = noncompliant_bundle
    before = b.archive.read_bytes()
    run = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--out", str(b.bundle), cwd=b.variant)
    assert run.code == 2
    assert "a bundle already exists here" in run.stderr and "--overwrite" in run.stderr
    assert b.archive.read_bytes() == before


def test_an_unsigned_bundle_says_so(compliant_bundle, noncompliant_bundle):
    b = compliant_bundle
    assert b.code == 0
    assert "warning: the bundle is unsigned" in b.stderr
    run = run_cxgov("evidence", "verify", str(b.archive))  # the hashes match, but nobody vouches for it
    assert run.code == 2 and "UNSIGNED" in run.stdout and "OK" not in run.stdout
    run = run_cxgov("evidence", "verify", str(b.archive), "--allow-unsigned")
    assert run.code == 0 and "OK (UNSIGNED)" in run.stdout
    # an auditor who expects a signature gets a failure, not a pass
    run = run_cxgov("evidence", "verify", str(b.archive), "--public-key", str(noncompliant_bundle.public_key))
    assert run.code == 1 and "carries no signature" in run.stdout


def test_a_bundle_signed_by_another_key_fails_with_the_published_key(noncompliant_bundle, tmp_path):
    other = tmp_path / "other.key"
    assert run_cxgov("evidence", "keygen", "--out", str(other)).code == 0
    run = run_cxgov("evidence", "verify", str(noncompliant_bundle.archive), "--public-key", f"{other}.pub")
    assert run.code == 1 and "not by the given key" in run.stdout


def test_show_summarises_the_bundle(noncompliant_bundle):
    run = run_cxgov("evidence", "show", str(noncompliant_bundle.archive), "--public-key",
                    str(noncompliant_bundle.public_key))
    assert run.code == 0, run.stderr
    assert "FAILED (fail on deny): 79 findings (60 deny, 18 warn, 1 waived)" in run.stdout
    assert "subjects    27 (1 descriptor, 16 kubernetes, 2 model-version, 1 system, 1 terraform-plan, 6 ui-scan)" \
        in run.stdout
    assert "WAIVED SOC2-CC7.1-01" in run.stdout
    assert not [line for line in run.stdout.splitlines() if line.startswith("skipped")]


@pytest.mark.parametrize("text, error", [
    ("system: x\nmanifests: [k8s]\npolicy: {}\n", "cxgov.yaml:3: policy: unknown field"),
    ("system: x\nmodels:\n  refs: [models:/m/1]\n", "cxgov.yaml:2: models: refs need a tracking_uri"),
    ("manifests: [k8s]\n", "system: required field is missing"),
    ("system: x\nmanifests: [nowhere]\n", "no such file or directory"),
])
def test_config_errors_name_the_file_and_line(tmp_path, text, error):
    (tmp_path / "cxgov.yaml").write_text(text)
    run = run_cxgov("audit", cwd=tmp_path)
    assert run.code == 2
    assert error in run.stderr, run.stderr
    assert not (tmp_path / "evidence-bundles").exists()


def test_schema_config_is_a_json_schema():
    run = run_cxgov("schema", "config")
    schema = json.loads(run.stdout)
    assert {"system", "descriptor", "manifests", "plans", "policies", "waivers", "models", "ui", "evidence"} <= set(
        schema["properties"])
    assert schema["required"] == ["system"]


def test_open_bundle_reads_a_directory_and_its_archive_alike(noncompliant_bundle):
    from cxgov.evidence.bundle import open_bundle

    d, a = open_bundle(noncompliant_bundle.bundle), open_bundle(noncompliant_bundle.archive)
    assert d.files == a.files
    assert d.manifest == a.manifest and d.findings == a.findings and d.summary == a.summary
    assert a.config_text == (noncompliant_bundle.variant / "cxgov.yaml").read_text()
    # path(): a real file for either form (an archive's files are written to a private temp dir)
    assert d.path("summary.json") == noncompliant_bundle.bundle / "summary.json"
    assert a.path("summary.json").read_bytes() == d.read("summary.json")
    assert [s["id"] for s in a.summary["subjects"]][:2] == ["cxgov/descriptor.yaml", "k8s/agent-assist.yaml#Deployment/acme-cx/agent-assist"]


@pytest.mark.parametrize("section", [
    "models:\n  tracking_uri: http://127.0.0.1:9\n  refs: [models:/cx-router/7]\n",
    "ui:\n  entry_points: [{name: help, url: 'http://127.0.0.1:9/help', states: []}]\n",
])
def test_a_named_source_that_cannot_be_read_fails_closed(tmp_path, section):
    """Models or UI named in the config but unreadable (here: nothing listens on port 9) is exit 2
    with the source named, and no bundle; never a pass without them."""
    (tmp_path / "cxgov.yaml").write_text("system: x\n" + section)
    run = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, cwd=tmp_path, timeout=600)
    assert run.code == 2, run.stdout + run.stderr
    named = "mlflow" if section.startswith("models") else "ui"
    assert named in run.stderr.lower() or "127.0.0.1:9" in run.stderr, run.stderr
    assert not (tmp_path / "evidence-bundles").exists()


def test_the_examples_own_registry_unreachable_fails_closed(tmp_path):
    """Without --tracking-uri the audit reads the registry the config names (the example's is not
    reachable from here): exit 2 naming it and the model, and no bundle."""
    import shutil

    from evidence_bundles import EXAMPLE

    variant = tmp_path / "compliant"
    shutil.copytree(EXAMPLE / "compliant", variant)
    run = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--mlflow-retries", "0", "--mlflow-timeout", "2",
                    cwd=variant, env={"MLFLOW_TRACKING_URI": ""}, timeout=600)
    assert run.code == 2, run.stdout + run.stderr
    assert "https://mlflow.internal.acme-shop.eu" in run.stderr and "acme-cx-intent-router" in run.stderr
    assert not (variant / "evidence-bundles").exists()


def test_a_deployed_model_with_no_registry_anywhere_is_a_usage_error(tmp_path):
    import shutil

    from evidence_bundles import EXAMPLE

    variant = tmp_path / "compliant"
    shutil.copytree(EXAMPLE / "compliant", variant)
    descriptor = variant / "cxgov" / "descriptor.yaml"
    descriptor.write_text(descriptor.read_text().replace("    tracking_uri: https://mlflow.internal.acme-shop.eu\n", ""))
    config = variant / "cxgov.yaml"
    config.write_text(config.read_text().replace("  tracking_uri: https://mlflow.internal.acme-shop.eu\n", "  refs: []\n"))
    run = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, cwd=variant, env={"MLFLOW_TRACKING_URI": ""})
    assert run.code == 2, run.stdout + run.stderr
    assert "model reference acme-cx-intent-router/14 has no MLflow tracking URI" in run.stderr
    assert "models.tracking_uri in cxgov.yaml" in run.stderr and "models.skip" in run.stderr
    assert not (variant / "evidence-bundles").exists()


def test_an_audit_stopped_while_writing_leaves_nothing(tmp_path):
    """SIGTERM (a cancelled CI job) during the bundle stage: no bundle, no archive, no staging left."""
    import signal
    import subprocess
    import sys
    import time

    variant = files_only_copy(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "cxgov", "audit", "--evaluation-date", EVALUATION_DATE,
                             "--out", str(out / "bundle"), "-o", "json=/dev/null"], cwd=variant,
                            stderr=subprocess.PIPE, text=True)
    seen = ""
    deadline = time.monotonic() + 600
    while "writing the evidence bundle ..." not in seen and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen += line
    assert "writing the evidence bundle ..." in seen, seen
    time.sleep(0.2)  # inside the stage (about a second on OPA): assembling, replaying or writing
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=120)
    assert proc.returncode == 143  # stopped by the signal, not finished
    assert not out.exists() or os.listdir(out) == [], os.listdir(out)


def test_ci_and_git_facts(tmp_path):
    import subprocess

    from cxgov.audit import ci_facts, git_facts

    assert ci_facts({}) is None
    facts = ci_facts({"GITHUB_RUN_ID": "42", "GITHUB_REPOSITORY": "acme/cx", "GITHUB_SHA": "abc", "GITHUB_ACTOR": "dev",
                      "GITHUB_SERVER_URL": "https://github.example"})
    assert facts == {"provider": "github-actions", "run_id": "42", "repository": "acme/cx", "sha": "abc", "actor": "dev",
                     "url": "https://github.example/acme/cx/actions/runs/42"}
    assert git_facts(tmp_path) is None  # not a repository
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--allow-empty", "-m", "x"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, env=env)
    (tmp_path / "f.yaml").write_text("a: 1\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "f.yaml"], check=True, env=env)
    subprocess.run(["git", "-C", str(tmp_path), "commit", "-q", "-m", "f"], check=True, env=env)
    facts = git_facts(tmp_path)
    assert len(facts["commit"]) == 40 and facts["dirty"] is False
    (tmp_path / "f.yaml").write_text("a: 2\n")
    assert git_facts(tmp_path)["dirty"] is True
