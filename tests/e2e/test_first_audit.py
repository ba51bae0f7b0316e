"""A first audit of one's own system: an empty repository holding only a `k8s/` folder and a `.tf` file.

`cxgov init` drafts the descriptor from them, and the commands it prints (`cxgov check ...`,
`cxgov audit --key ...`) are run exactly as printed: each exits 0 or 1, never 2. Every TODO it wrote
is a GOV-004 finding at its own line; the signed bundle verifies with the key init made, and an
unsigned one is verified only with --allow-unsigned, marked UNSIGNED everywhere.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess

import pytest

from conftest import EVALUATION_DATE, run_cxgov

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: support-bot
  labels: {app: support-bot}
spec:
  replicas: 2
  selector:
    matchLabels: {app: support-bot}
  template:
    metadata:
      labels: {app: support-bot}
    spec:
      containers:
        - name: bot
          image: registry.example.com/support-bot:1.4.2
          env:
            - name: LLM_BASE_URL
              value: https://api.openai.com/v1
            - name: OPENAI_MODEL
              value: gpt-4o-mini
            - name: AWS_REGION
              value: eu-west-1
            - name: OPENAI_API_KEY
              valueFrom:
                secretKeyRef: {name: llm, key: openai}
---
apiVersion: v1
kind: Service
metadata:
  name: support-bot
spec:
  selector: {app: support-bot}
  ports:
    - port: 80
      targetPort: 8080
"""

TERRAFORM = """\
provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "transcripts" {
  bucket = "support-bot-transcripts"
}

resource "aws_db_instance" "orders" {
  identifier        = "support-bot-orders"
  engine            = "postgres"
  instance_class    = "db.t4g.small"
  allocated_storage = 20
  storage_encrypted = true
}
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """The repository after `cxgov init`, and what init printed."""
    root = tmp_path_factory.mktemp("first-audit") / "support-bot"
    (root / "k8s").mkdir(parents=True)
    (root / "k8s" / "deploy.yaml").write_text(DEPLOYMENT)
    (root / "main.tf").write_text(TERRAFORM)
    subprocess.run(["git", "init", "-q", str(root)], check=True)  # scripts/setup.sh installs git
    run = run_cxgov("init", str(root))
    assert run.code == 0, run.stderr
    return root, run


def printed(run, command: str) -> list[str]:
    """The arguments of the `cxgov <command> ...` next step init printed."""
    lines = [line for line in run.stdout.splitlines() if re.match(rf"\s*\d+\. cxgov {command} ", line)]
    assert len(lines) == 1, run.stdout
    return shlex.split(lines[0].split(". ", 1)[1])[2:]


def descriptor(root):
    from cxgov.sources.readers import read_one

    return read_one(root / "cxgov" / "descriptor.yaml").value


def todo_lines(root) -> dict[int, str]:
    """The line of every TODO value in the drafted file, with the key it belongs to."""
    out = {}
    for n, line in enumerate((root / "cxgov" / "descriptor.yaml").read_text().splitlines(), 1):
        m = re.match(r"\s*(?:- )?([a-z_]+): TODO\b", line)
        if m:
            out[n] = m.group(1)
    return out


def test_init_drafts_the_descriptor_from_the_manifests_and_the_terraform(repo):
    root, run = repo
    doc = descriptor(root)
    assert doc["apiVersion"] == "cxgov.io/v1" and doc["kind"] == "AISystem"
    assert doc["metadata"] == {"name": "support-bot", "owner": "TODO"}
    [service] = doc["services"]
    assert service["name"] == "support-bot"
    assert (service["provider"], service["region"]) == ("aws", "eu-west-1")  # from AWS_REGION
    assert service["contains_personal_data"] == "TODO"
    stores = {s["name"]: s for s in doc["data_stores"]}
    assert set(stores) == {"support-bot-transcripts", "support-bot-orders"}
    assert (stores["support-bot-transcripts"]["type"], stores["support-bot-orders"]["type"]) == ("s3", "rds")
    for store in stores.values():
        assert (store["provider"], store["region"]) == ("aws", "eu-west-1")  # the provider block's literal region
        for field in ("classification", "contains_personal_data", "retention_days", "data_kind"):
            assert store[field] == "TODO", field
    assert stores["support-bot-orders"]["encryption_at_rest"] is True  # storage_encrypted = true
    assert "encryption_at_rest" not in stores["support-bot-transcripts"]  # not stated on the bucket itself
    [provider] = doc["ai_providers"]
    assert provider["service"] == "openai" and provider["endpoint"] == "https://api.openai.com"
    assert provider["model_id"] == "gpt-4o-mini" and provider["region"] == "TODO" and provider["dpa_ref"] == "TODO"
    text = (root / "cxgov" / "descriptor.yaml").read_text()
    # each TODO says what is expected, and each inferred value where it came from
    assert re.search(r"classification: TODO\s+# TODO: public, internal, confidential or restricted", text)
    assert re.search(r"region: eu-west-1\s+# the region of provider aws", text)
    assert "# aws_s3_bucket.transcripts (main.tf)" in text and "# Deployment support-bot (k8s/deploy.yaml)" in text
    n = len(todo_lines(root))
    assert f"{n} TODO for a person to fill in" in run.stdout and n >= 15

    from cxgov.audit_config import load_config

    config = load_config(root / "cxgov.yaml")
    assert config.descriptor == "cxgov/descriptor.yaml"
    assert config.manifests == ["k8s"] and config.plans == ["main.tf"]
    assert config.evidence.signing_key is None  # unsigned unless asked: no env var that may be unset


def test_init_keeps_keys_and_bundles_out_of_git(repo):
    root, _ = repo
    lines = (root / ".gitignore").read_text().splitlines()
    for entry in (".cxgov/keys/", "cxgov-signing.key", "evidence-bundles/"):
        assert lines.count(entry) == 1, entry
    key = root / ".cxgov" / "keys" / "signing.key"
    assert key.is_file() and (key.stat().st_mode & 0o777) == 0o600
    assert (root / ".cxgov" / "keys" / "signing.key.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    ignored = subprocess.run(["git", "-C", str(root), "check-ignore", ".cxgov/keys/signing.key", "cxgov-signing.key",
                              "evidence-bundles/support-bot-2026-11-22.tar.gz", "cxgov.yaml"],
                             capture_output=True, text=True)
    assert ignored.stdout.split() == [".cxgov/keys/signing.key", "cxgov-signing.key",
                                      "evidence-bundles/support-bot-2026-11-22.tar.gz"]


def test_the_printed_check_runs_and_reports_each_todo_at_its_line(repo, tmp_path):
    root, run = repo
    args = printed(run, "check")
    assert args[:1] == ["cxgov/descriptor.yaml"] and {"k8s", "main.tf"} <= set(args)
    check = run_cxgov("check", *args, "--evaluation-date", EVALUATION_DATE, "-o", "text",
                      "-o", f"json={tmp_path / 'check.json'}", cwd=root)
    assert check.code in (0, 1), check.stderr
    assert check.code == 1  # the TODOs fail the gate until a person fills them in
    findings = json.loads((tmp_path / "check.json").read_text())["findings"]
    todos = [f for f in findings if f["rule_id"] == "GOV-004"]
    expected = todo_lines(root)
    assert sorted(f["location"]["line"] for f in todos) == sorted(expected)
    for f in todos:
        assert f["location"]["file"] == "cxgov/descriptor.yaml" and f["gate"] == "deny"
        assert "is still TODO" in f["message"] and expected[f["location"]["line"]] in f["message"]
    assert any(f["resource"] == "data store support-bot-orders" and "classification" in f["message"] for f in todos)
    # a TODO is a missing field to the other rules: they report what they need and did not get
    assert any(f["rule_id"] != "GOV-004" and "support-bot-orders" in f["message"] and "classification" in f["message"]
               for f in findings)
    # the Terraform and the manifest are judged too, as `.tf` and Kubernetes
    assert {f["location"]["file"] for f in findings} >= {"cxgov/descriptor.yaml", "k8s/deploy.yaml", "main.tf"}


def test_the_printed_audit_writes_a_signed_bundle_that_verifies(repo, tmp_path):
    root, run = repo
    args = printed(run, "audit")
    assert args == ["--key", ".cxgov/keys/signing.key"]
    audit = run_cxgov("audit", *args, "--evaluation-date", EVALUATION_DATE, "-o", f"json={tmp_path / 'audit.json'}",
                      cwd=root, timeout=900)
    assert audit.code in (0, 1), audit.stderr
    assert "signed by key" in audit.stderr and "UNSIGNED" not in audit.stderr
    archive = root / "evidence-bundles" / f"support-bot-{EVALUATION_DATE}.tar.gz"
    manifest = json.loads((root / "evidence-bundles" / f"support-bot-{EVALUATION_DATE}" / "manifest.json").read_text())
    assert manifest["signature"]["algorithm"] == "ed25519"
    report = (root / "evidence-bundles" / f"support-bot-{EVALUATION_DATE}" / "report.html").read_text()
    assert f"<dt>signature</dt><dd><code>ed25519, key {manifest['signature']['keyid']}</code>" in report
    verify = run_cxgov("evidence", "verify", str(archive), "--public-key", str(root / ".cxgov/keys/signing.key.pub"))
    assert verify.code == 0, verify.stdout + verify.stderr
    assert re.search(r"^OK: \d+ files match the manifest; signature valid", verify.stdout, re.M)
    findings = json.loads((tmp_path / "audit.json").read_text())["findings"]
    assert len([f for f in findings if f["rule_id"] == "GOV-004"]) == len(todo_lines(root))


def test_an_unsigned_audit_is_marked_and_verifies_only_when_allowed(repo, tmp_path):
    root, _ = repo
    out = tmp_path / "unsigned"
    audit = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--out", str(out), cwd=root, timeout=900)
    assert audit.code in (0, 1), audit.stderr
    assert "UNSIGNED" in audit.stderr and "warning: the bundle is unsigned" in audit.stderr
    assert json.loads((out / "manifest.json").read_text())["signature"] is None
    assert re.search(r"<dt>signature</dt><dd><code>UNSIGNED</code>", (out / "report.html").read_text())
    archive = tmp_path / "unsigned.tar.gz"
    verify = run_cxgov("evidence", "verify", str(archive))
    assert verify.code == 2, verify.stdout + verify.stderr
    assert "UNSIGNED" in verify.stdout and not re.search(r"^OK", verify.stdout, re.M)
    assert re.search(r"\d+ files match the manifest", verify.stdout)  # the hashes were checked first
    allowed = run_cxgov("evidence", "verify", str(archive), "--allow-unsigned")
    assert allowed.code == 0, allowed.stdout + allowed.stderr
    assert re.search(r"^OK \(UNSIGNED\): \d+ files match the manifest", allowed.stdout, re.M)
    as_json = run_cxgov("evidence", "verify", str(archive), "--json")
    report = json.loads(as_json.stdout)
    assert as_json.code == 2 and report["verdict"] == "unsigned" and report["intact"] and not report["ok"]
    # an altered unsigned bundle is still a failure, allowed or not
    (out / "findings.json").write_text('{"findings": []}\n')
    altered = run_cxgov("evidence", "verify", str(out), "--allow-unsigned")
    assert altered.code == 1 and "changed: findings.json" in altered.stdout


def test_filling_in_the_todos_clears_their_findings(repo, tmp_path):
    """The same repository once a person has replaced every TODO: no GOV-004 finding is left."""
    root, run = repo
    filled = tmp_path / "filled"
    shutil.copytree(root, filled, ignore=shutil.ignore_patterns("evidence-bundles", ".git"))
    values = {"owner": "support-team@example.eu", "environment": "production", "role": "processor",
              "risk_class": "limited", "classification": "confidential", "contains_personal_data": "true",
              "retention_days": "30", "data_kind": "transcript", "region": "eu-west-1",
              "training_on_customer_data": "false", "dpa_ref": "{uri: https://openai.com/policies/data-processing-addendum}"}
    text = (filled / "cxgov" / "descriptor.yaml").read_text()
    text = re.sub(r"([a-z_]+): TODO\b", lambda m: f"{m.group(1)}: {values[m.group(1)]}", text)
    text = text.replace("role: processor", "role: deployer", 1)  # system.ai_act.role comes first
    (filled / "cxgov" / "descriptor.yaml").write_text(text)
    check = run_cxgov("check", *printed(run, "check"), "--evaluation-date", EVALUATION_DATE,
                      "-o", f"json={tmp_path / 'filled.json'}", cwd=filled)
    assert check.code in (0, 1), check.stderr
    findings = json.loads((tmp_path / "filled.json").read_text())["findings"]
    assert [f for f in findings if f["rule_id"] == "GOV-004"] == []
