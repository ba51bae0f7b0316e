"""The README's main command, scripts/demo.sh, end to end (without its set-up step): the gate on both
examples, then a signed evidence bundle of acme-cx that verifies, replays and diffs against the
demo's published public key."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_cxgov


def test_demo_produces_a_signed_bundle_that_verifies(tmp_path):
    cxgov = Path(sys.executable).parent / "cxgov"
    env = {**os.environ, "CXGOV_DEMO_NO_SETUP": "1", "CXGOV": str(cxgov), "CXGOV_DEMO_OUT": str(tmp_path),
           "NO_COLOR": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    done = subprocess.run(["bash", str(ROOT / "scripts" / "demo.sh")], env=env, capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.search(r"OK: \d+ files match the manifest; signature valid", done.stdout)
    findings = json.loads((tmp_path / "acme-cx-bundle" / "findings.json").read_text())["findings"]
    assert f"REPRODUCED: {len(findings)} findings, byte for byte" in done.stdout
    # each audit saw its variant's registry state and widget: the non-compliant bundle holds exactly
    # the example's expected findings, the model and UI ones included, and the fixed one none at all
    expected = {tuple(x) for x in json.loads(
        (ROOT / "examples" / "acme-cx" / "noncompliant" / "expected-findings.json").read_text())}
    assert {(f["rule_id"], f["subject"], f["gate"], f["waiver"] is not None) for f in findings} == expected
    fixed = json.loads((tmp_path / "acme-cx-fixed-bundle" / "findings.json").read_text())["findings"]
    assert fixed == []
    # so the diff lists exactly the resolved findings: one per distinct identity (rule, subject, resource, field)
    from cxgov.model import finding_key

    keys = {finding_key(f) for f in findings}
    assert f"findings: 0 new, {len(keys)} resolved, 0 changed" in done.stdout
    # drift: the approved (fixed) audit re-run on the live registry names the alias moved since
    assert "acme-cx-intent-router@production: 14 -> 15" in done.stdout
    archive = tmp_path / "acme-cx-bundle.tar.gz"
    manifest = json.loads((tmp_path / "acme-cx-bundle" / "manifest.json").read_text())
    assert manifest["signature"]["algorithm"] == "ed25519" and manifest["system"] == "acme-cx"
    assert manifest["skipped_sources"] == {}
    assert {"models/acme-cx-intent-router-15.json", "wcag/www.acme-shop.eu-help-open.png"} <= {
        f["path"] for f in manifest["files"]}
    # the throwaway private key is gone; the bundle still verifies against the public key the demo published
    run = run_cxgov("evidence", "verify", str(archive), "--public-key", str(tmp_path / "demo-signing.key.pub"))
    assert run.code == 0 and "signature valid" in run.stdout, run.stdout
    # and the approved (fixed) baseline is signed by the same key, not merely accepted unsigned
    run = run_cxgov("evidence", "verify", str(tmp_path / "acme-cx-fixed-bundle.tar.gz"), "--public-key",
                    str(tmp_path / "demo-signing.key.pub"))
    assert run.code == 0 and "signature valid" in run.stdout, run.stdout
    # trusting nothing, it is refused: a bundle's own key is never trusted by default
    run = run_cxgov("evidence", "verify", str(archive))
    assert run.code == 2 and "UNTRUSTED" in run.stdout, run.stdout + run.stderr
