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
    run = run_cxgov("evidence", "replay", str(root / "bundle.tar.gz"), timeout=600)
    assert run.code == 0, run.stdout + run.stderr
    assert "REPRODUCED" in run.stdout
