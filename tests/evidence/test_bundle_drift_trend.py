"""The report's trend of open findings comes from a real drift history: audit the compliant example,
run `cxgov drift check` on it clean, drifted and clean again into a state file, then audit again with
`evidence.drift_history` naming that file. The bundle keeps the runs and the report charts them."""

from __future__ import annotations

import json
import re
import shutil

from conftest import EVALUATION_DATE, ROOT, run_cxgov
from drift_support import add_us_log_sink, skip_source
from evidence_bundles import AUDIT_TIMEOUT


def audit(system, out):
    return run_cxgov("audit", "--evaluation-date", EVALUATION_DATE, "--out", str(out), "--unsigned",
                     cwd=system, timeout=AUDIT_TIMEOUT)


def drift(system, baseline):
    return run_cxgov("drift", "check", "--baseline", str(baseline), "--allow-unsigned", "--state", "state.db",
                     "--evaluation-date", EVALUATION_DATE, cwd=system, timeout=AUDIT_TIMEOUT)


def test_the_report_charts_the_drift_history_the_config_names(tmp_path):
    system = tmp_path / "acme-cx"
    shutil.copytree(ROOT / "examples" / "acme-cx" / "compliant", system)
    for source in ("models", "ui"):
        skip_source(system, source, "files only: the trend needs no live source")
    first = audit(system, tmp_path / "approved")
    assert first.code in (0, 1), first.stderr
    baseline = tmp_path / "approved.tar.gz"
    assert drift(system, baseline).code == 0
    original = add_us_log_sink(system)
    assert drift(system, baseline).code == 1  # a new finding: one more open
    (system / "cxgov" / "descriptor.yaml").write_text(original)
    assert drift(system, baseline).code == 0

    config = system / "cxgov.yaml"
    config.write_text(config.read_text().replace("evidence:\n", "evidence:\n  drift_history: state.db\n", 1))
    second = audit(system, tmp_path / "with-trend")
    assert second.code in (0, 1), second.stderr
    bundle = tmp_path / "with-trend"
    runs = json.loads((bundle / "drift" / "history.json").read_text())["runs"]
    counts = [r["finding_count"] for r in runs]
    assert [r["status"] for r in runs] == ["ok", "drift", "ok"]
    assert counts[1] > counts[0] and counts[2] == counts[0]  # the US log sink opened findings; removing it closed them
    assert "drift/history.json" in [f["path"] for f in json.loads((bundle / "manifest.json").read_text())["files"]]
    verified = run_cxgov("evidence", "verify", str(bundle), "--allow-unsigned")
    assert verified.code == 0, verified.stdout + verified.stderr  # a listed, hashed member like any other
    report = (bundle / "report.html").read_text()
    [chart] = re.findall(r'<svg role="img" aria-labelledby="chart-trend-title chart-trend-desc".*?</svg>', report, re.S)
    assert "Open findings over time" in chart and "3 drift runs" in chart


def test_a_missing_drift_state_file_is_an_error_not_an_empty_trend(tmp_path):
    system = tmp_path / "acme-cx"
    shutil.copytree(ROOT / "examples" / "acme-cx" / "compliant", system)
    for source in ("models", "ui"):
        skip_source(system, source, "files only")
    config = system / "cxgov.yaml"
    config.write_text(config.read_text().replace("evidence:\n", "evidence:\n  drift_history: nowhere.db\n", 1))
    run = audit(system, tmp_path / "out")
    assert run.code == 2
    assert "evidence.drift_history" in run.stderr and "nowhere.db" in run.stderr
    assert not (tmp_path / "out").exists()
