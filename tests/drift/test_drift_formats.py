"""Drift's reports and metrics file are formats read from one Outcome and written by the one writer
(commands/outputs.write_outputs) that writes gate results: one redaction, atomic files, stdout."""

from __future__ import annotations

import io

import pytest

from cxgov import formats
from cxgov.commands.outputs import Redaction, Target, write_outputs
from cxgov.drift.compare import compare
from cxgov.drift.outcome import LastSuccess, Outcome
from cxgov.drift.snapshot import Snapshot
from cxgov.errors import UsageError
from cxgov.model import Finding, Location

SECRET = "hunter2-but-longer-9f3a"


def _finding(message: str) -> dict:
    return Finding(rule_id="SEC-001", title="secret in env", severity="critical", gate="deny", message=message,
                   subject="k8s/app.yaml#Deployment/app", location=Location("k8s/app.yaml", 7),
                   controls={"soc2": ["CC6.1"]}).to_dict()


def _snapshot(findings) -> Snapshot:
    return Snapshot(source="s", system="acme", created="", evaluation_date="2026-11-22", findings=tuple(findings))


@pytest.fixture
def outcome() -> Outcome:
    """A drifted run whose new finding quotes a value the evaluated document holds by a secret name."""
    drift = compare(_snapshot([]), _snapshot([_finding(f"DB_PASSWORD is set to {SECRET}")]))
    rows = ({"frameworks": ["soc2"], "severity": "critical", "status": "deny"},)
    return Outcome("drift", 1, "2026-11-22T10:00:00Z", "2026-11-22T10:00:05Z", "baseline.json", drift=drift,
                   system=f"acme {SECRET}", last_success=LastSuccess("2026-11-22T10:00:05Z", rows, drift.counts()))


def test_every_drift_format_goes_through_the_one_writer_and_its_redaction(outcome, tmp_path):
    redaction = Redaction([{"env": {"DB_PASSWORD": SECRET}}])  # learns the value by its name
    targets = [Target(name, tmp_path / f"drift{formats.get(name, formats.DRIFT_FORMATS).extension}")
               for name in formats.DRIFT_FORMATS]
    stdout = io.StringIO()
    write_outputs(outcome, [*targets, Target("text", None)], stdout=stdout, redaction=redaction)
    written = {t.file.name: t.file.read_text() for t in targets} | {"stdout": stdout.getvalue()}
    assert sorted(written) == ["drift.json", "drift.md", "drift.prom", "drift.txt", "stdout"]
    assert not [name for name, text in written.items() if SECRET in text]
    assert all("[REDACTED:" in text for text in written.values())
    assert "SEC-001" in written["drift.md"] and "FAILS GATE" in written["stdout"]
    assert written["stdout"] == written["drift.txt"]
    assert 'cxgov_findings{system="acme [REDACTED:' in written["drift.prom"]
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temporary file behind


def test_drift_formats_are_a_registry_of_their_own(outcome):
    assert formats.get("json", formats.DRIFT_FORMATS).render(outcome).startswith('{\n  "baseline": "baseline.json"')
    with pytest.raises(UsageError, match="unknown output format 'sarif'"):
        formats.get("sarif", formats.DRIFT_FORMATS)
    with pytest.raises(UsageError, match="unknown output format 'prometheus'"):
        formats.get("prometheus")  # a gate Result has no metrics file
