"""Secret redaction: every shape of the corpus is cut from documents and text, what is not a secret
stays, and an audit of inputs full of secrets writes a bundle (directory, archive, findings,
recorded config and waivers) that holds none of them and still replays byte for byte."""

from __future__ import annotations

import gzip
import json
import re

import pytest
import yaml

from conftest import EVALUATION_DATE, run_cxgov
from redaction_corpus import ENV, KUBE_SECRET, NAMED, SHAPES, all_secrets


@pytest.mark.parametrize("what, secret, text", SHAPES, ids=[s[0] for s in SHAPES])
def test_each_shape_is_redacted_from_text(what, secret, text):
    from cxgov.evidence.redact import Redactor

    r = Redactor()
    out = r.text(text)
    assert secret not in out and "[REDACTED:" in out
    assert r.count >= 1


def test_the_text_around_a_secret_stays():
    from cxgov.evidence.redact import Redactor

    r = Redactor()
    assert r.text("postgresql://app:Sup3rS3cretPw@db.internal:5432/cx") == \
        "postgresql://app:[REDACTED:url-password]@db.internal:5432/cx"
    assert r.text("Authorization: Bearer Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA") == \
        "Authorization: Bearer [REDACTED:bearer-token]"
    assert r.text("Server=x;Password=Adm1nPa55word;Database=cx") == "Server=x;Password=[REDACTED:connection-string-secret];Database=cx"


def test_documents_lose_named_secrets_and_keep_everything_else():
    from cxgov.evidence.redact import Redactor

    doc = {
        "settings": dict(NAMED, region="eu-central-1", max_tokens=4096, token=None, rotate_secrets=True),
        "env": [{"name": n, "value": v} for n, v in ENV.items()]
        + [{"name": "LOG_LEVEL", "value": "info"},
           {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}],
        "nested": {"password": {"constant_value": "tf-literal-pw-1"}},
    }
    r = Redactor()
    out = r.document(doc)
    text = json.dumps(out)
    for secret in [*NAMED.values(), *ENV.values(), "tf-literal-pw-1"]:
        assert secret not in text
    assert out["settings"]["region"] == "eu-central-1" and out["settings"]["max_tokens"] == 4096
    assert out["settings"]["token"] is None and out["settings"]["rotate_secrets"] is True
    assert out["env"][2] == {"name": "LOG_LEVEL", "value": "info"}
    assert out["env"][3]["valueFrom"] == {"secretKeyRef": {"name": "db", "key": "password"}}  # a reference, kept
    assert out["env"][0] == {"name": "OPENAI_API_KEY", "value": "[REDACTED:secret-env]"}  # still a literal
    assert doc["settings"]["db_password"] == NAMED["db_password"]  # the input is not changed
    # remembered: the same value later in free text is cut too
    assert r.text("connect with hunter2-correct-horse now") == "connect with [REDACTED:secret-key] now"


def test_kubernetes_secret_values_are_all_redacted():
    from cxgov.evidence.redact import Redactor

    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "stringData": dict(KUBE_SECRET),
              "data": {"tls.crt": "LS0tLS1CRUdJTi"}}
    out = Redactor().document(secret)
    assert set(out["stringData"].values()) == {"[REDACTED:kubernetes-secret]"}
    assert out["data"]["tls.crt"] == "[REDACTED:kubernetes-secret]"
    assert out["metadata"] == {"name": "db"}


POLICY = """\
package main

import rego.v1

deny contains msg if {
	some k, v in input.settings
	is_string(v)
	msg := concat("", ["setting ", k, " holds ", v])
}

deny contains msg if {
	some c in input.spec.template.spec.containers
	some e in c.env
	is_string(e.value)
	msg := concat("", ["env ", e.name, "=", e.value])
}
"""


@pytest.fixture(scope="module")
def leaky_audit(tmp_path_factory):
    """An audit of inputs full of secrets, with a policy that echoes them into finding messages."""
    root = tmp_path_factory.mktemp("leaky")
    settings = {re.sub(r"\W+", "_", what): text for what, _, text in SHAPES}
    settings.update(NAMED)
    (root / "config.json").write_text(json.dumps({"settings": settings}, indent=2))
    (root / "k8s").mkdir()
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "bot"},
                  "spec": {"template": {"spec": {"containers": [{"name": "bot", "image": "bot:1", "env": [
                      *({"name": n, "value": v} for n, v in ENV.items()), {"name": "LOG_LEVEL", "value": "info"}]}]}}}}
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "stringData": KUBE_SECRET}
    (root / "k8s" / "bot.yaml").write_text(yaml.safe_dump_all([deployment, secret]))
    (root / "policy").mkdir()
    (root / "policy" / "main.rego").write_text(POLICY)
    shape_text = SHAPES[2][2]  # a GitHub token in a waiver's reason
    (root / "waivers.yaml").write_text(yaml.safe_dump({"waivers": [{
        "rule": "main.deny", "subject": "k8s/bot.yaml*", "reason": f"rotation pending: {shape_text}",
        "requested_by": "dev@example.com", "approved_by": "sec@example.com", "ticket": "SEC-1", "expires": "2026-12-31"}]}))
    (root / "cxgov.yaml").write_text(
        "system: leaky\nfiles: [config.json]\nmanifests: [k8s]\nwaivers: waivers.yaml\n"
        "policies: {builtin: false, paths: [policy]}\n"
        f"models:\n  tracking_uri: {SHAPES[7][2]}\n  skip: not today\n"  # a URL with a password
        "ui: {skip: none}\n")
    run = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--out", str(root / "bundle"), "-o", "json",
                    cwd=root, timeout=600)
    return root, run


def test_no_secret_reaches_the_bundle(leaky_audit):
    root, run = leaky_audit
    assert run.code == 1, run.stderr  # the echoing policy fails the gate
    findings = json.loads((root / "bundle" / "findings.json").read_text())["findings"]
    assert len(findings) == len(SHAPES) + len(NAMED) + len(ENV) + 1  # one per setting and env value
    assert any(f["waiver"] for f in findings)
    files = {p.relative_to(root / "bundle").as_posix(): p.read_bytes()
             for p in (root / "bundle").rglob("*") if p.is_file()}
    archive = gzip.decompress((root / "bundle.tar.gz").read_bytes())
    for secret in all_secrets():
        needle = secret.encode()
        leaked = [name for name, data in files.items() if needle in data]
        assert not leaked, (secret, leaked)
        assert needle not in archive, secret
    manifest = json.loads(files["manifest.json"])
    assert manifest["redactions"] >= len(all_secrets())
    assert b"[REDACTED:secret-env]" in files["findings.json"] and b"[REDACTED:" in files["config/waivers.yaml"]
    assert b"[REDACTED:url-password]" in files["config/cxgov.yaml"]


def test_the_redacted_bundle_replays(leaky_audit):
    root, _ = leaky_audit
    run = run_cxgov("evidence", "replay", str(root / "bundle.tar.gz"), "--allow-unsigned", timeout=600)
    assert run.code == 0, run.stdout + run.stderr
    assert "REPRODUCED" in run.stdout


def test_what_only_looks_like_a_secret_stays():
    from cxgov.evidence.redact import Redactor
    from redaction_corpus import NOT_SECRETS

    r = Redactor()
    assert [r.text(t) for t in NOT_SECRETS] == NOT_SECRETS and r.count == 0


def test_redaction_is_linear_on_long_strings():
    """A megabyte of base64 (a screenshot, a certificate) costs about a second, never minutes: no shape
    backtracks over a long run of token characters."""
    import base64
    import os
    import time

    from cxgov.evidence.redact import Redactor

    blob = base64.b64encode(os.urandom(750_000)).decode()
    started = time.process_time()
    Redactor().text(blob + " " + "a:" * 200_000 + " " + "password=" * 50_000)
    assert time.process_time() - started < 20


class _Webhook:
    """A local webhook receiver that keeps every body it is sent."""

    def __init__(self):
        import http.server
        import threading

        bodies = self.bodies = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/T0/secret-path"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture(scope="module")
def every_output(leaky_audit, tmp_path_factory):
    """The leaky inputs through every writer cxgov has: `check` and `audit` in every -o format with the
    GitHub step summary, the audit's bundle, and a drift run (reports, metrics, history, alert) against
    a clean baseline of the same system."""
    import shutil

    from cxgov import formats

    root, _ = leaky_audit
    out = tmp_path_factory.mktemp("every-output")
    names = sorted(formats.FORMATS)
    summary = {"GITHUB_STEP_SUMMARY": str(out / "step-summary.md")}
    runs = [run_cxgov("check", "config.json", "k8s", "-p", "policy", "--no-builtin", "--waivers", "waivers.yaml",
                      "--evaluation-date", EVALUATION_DATE, "-o", "text",
                      *(f"-o{n}={out / f'check.{n}'}" for n in names), cwd=root, env=summary, timeout=600),
            run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--out", str(out / "audit-bundle"), "-o", "text",
                      *(f"-o{n}={out / f'audit.{n}'}" for n in names), cwd=root, env=summary, timeout=600)]
    # the approved baseline: the same system before the secrets arrived
    clean = tmp_path_factory.mktemp("clean")
    for name in ("policy", "cxgov.yaml", "waivers.yaml"):
        (shutil.copytree if (root / name).is_dir() else shutil.copy)(root / name, clean / name)
    (clean / "config.json").write_text(json.dumps({"settings": {"region": "eu-central-1"}}))
    (clean / "k8s").mkdir()
    (clean / "k8s" / "bot.yaml").write_text(yaml.safe_dump(
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "bot"}, "spec": {"template": {
            "spec": {"containers": [{"name": "bot", "image": "bot:1", "env": [{"name": "LOG_LEVEL", "value": "x"}]}]}}}}))
    baseline = run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--out", str(clean / "approved"), cwd=clean,
                         timeout=600)
    assert baseline.code == 1, baseline.stderr
    hook = _Webhook()
    try:
        runs.append(run_cxgov("drift", "check", "--baseline", str(clean / "approved"), "--config-path",
                              str(root / "cxgov.yaml"), "--allow-unsigned", "--evaluation-date", EVALUATION_DATE,
                              "--state", str(out / "drift.db"), "--webhook", hook.url, "--metrics",
                              str(out / "drift.prom"), "-o", "text", "-o", f"json={out / 'drift.json'}",
                              "-o", f"markdown={out / 'drift.md'}", cwd=root, timeout=600))
    finally:
        hook.close()
    return out, runs, hook.bodies


def test_no_corpus_secret_reaches_any_byte_cxgov_writes(every_output):
    out, runs, alerts = every_output
    check, audit, drift = runs
    assert check.code == 1 and audit.code == 1, (check.stderr, audit.stderr)
    # the findings quoting the secrets are new or changed since the clean baseline: reported and alerted
    assert drift.code in (0, 1) and "DRIFT" in drift.stdout and "holds" in drift.stdout, drift.stdout + drift.stderr
    assert len(alerts) == 1
    written = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for name, data in list(written.items()):
        if name.endswith(".tar.gz"):
            written[name] = gzip.decompress(data)
    from cxgov import formats

    assert {f"check.{n}" for n in formats.FORMATS} | {f"audit.{n}" for n in formats.FORMATS} | {
        "step-summary.md", "drift.json", "drift.md", "drift.prom", "drift.db", "audit-bundle/findings.json",
        "audit-bundle.tar.gz", "audit-bundle/report.html", "audit-bundle/oscal/assessment-results.json"} <= set(written)
    streams = {f"{label} {stream}": getattr(run, stream).encode() for label, run in zip(("check", "audit", "drift"), runs)
               for stream in ("stdout", "stderr")}
    streams.update({f"alert {i}": body for i, body in enumerate(alerts)})
    leaks = [(secret, name) for secret in all_secrets() for name, data in {**written, **streams}.items()
             if secret.encode() in data]
    assert not leaks, "; ".join(sorted({f"{s} in {n.split('.')[0].split('/')[0]}" for s, n in leaks}))
    # the outputs still say what was found, with the secret's place marked
    assert b"[REDACTED:" in written["check.json"] and b"[REDACTED:" in written["drift.md"] and b"[REDACTED:" in alerts[0]


def test_write_outputs_cuts_what_the_documents_hold_by_name(leaky_audit, tmp_path, monkeypatch):
    """The write path itself: given the evaluated subjects, every format (and the step summary) loses
    the values the documents hold under secret names, however a rule quotes them."""
    import io

    from cxgov import formats, pipeline
    from cxgov.commands.outputs import Target, write_outputs
    from cxgov.engine.embedded import EmbeddedEngine
    from cxgov.engine.policyset import load
    from cxgov.sources.files import FileSource
    from cxgov.sources.interface import Given

    root, _ = leaky_audit
    subjects = list(FileSource([str(root / "config.json"), str(root / "k8s")], root=root).subjects())
    result = pipeline.run([Given(subjects)], load([root / "policy"], root=root), EmbeddedEngine(1),
                          pipeline.Options(evaluation_date=EVALUATION_DATE, root=root))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    targets = [Target(n, tmp_path / f"out.{n}") for n in sorted(formats.FORMATS)]
    stdout = io.StringIO()
    write_outputs(result, targets + [Target("text", None)], color=False, stdout=stdout, subjects=subjects)
    written = {p.name: p.read_bytes() for p in tmp_path.iterdir()} | {"stdout": stdout.getvalue().encode()}
    leaks = [(s, n) for s in all_secrets() for n, data in written.items() if s.encode() in data]
    assert not leaks, leaks
    assert b"[REDACTED:secret-key]" in written["out.json"] and b"[REDACTED:" in written["summary.md"]


def test_a_password_already_masked_is_left_as_it_is_and_a_real_one_is_not():
    from cxgov.evidence.redact import Redactor

    redactor = Redactor()
    assert redactor.text("postgresql://cx:***@db:5432/mlflow") == "postgresql://cx:***@db:5432/mlflow"
    assert "s3cr3t-pass" not in redactor.text("postgresql://cx:s3cr3t-pass@db:5432/mlflow")
    assert "***x" not in redactor.text("postgresql://cx:***x@db:5432/mlflow")  # only exactly *** is a mask
