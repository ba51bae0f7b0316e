"""Prometheus textfile metrics (node_exporter's textfile collector), written atomically.

Findings of the last successful run by framework, severity and gate; the last run's status and
time; the last successful run's time; the drift counts. An errored run still writes the file, with
`cxgov_drift_up 0` and the last success left as it was, so a stale check can be alerted on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime


def _labels(**labels: str) -> str:
    def escape(v: str) -> str:
        return str(v).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')

    return "{" + ",".join(f'{k}="{escape(v)}"' for k, v in labels.items()) + "}"


def _seconds(stamp: str) -> str:
    return f"{datetime.fromisoformat(stamp.replace('Z', '+00:00')).timestamp():.3f}"


def render(*, system: str, status: str, finished: str, last_success: str | None,
           findings: Iterable[dict] | None, drift_counts: dict[str, int] | None) -> str:
    """The textfile for one run; `findings` (history.finding_rows() shape) and `drift_counts` are
    those of the last successful run. The gate label is deny, warn or waived."""
    by = Counter()
    for f in findings or ():
        for framework in f["frameworks"] or ["none"]:
            by[(framework, f["severity"], f["status"])] += 1
    sys_label = {"system": system}
    lines = [
        "# HELP cxgov_drift_up Whether the last drift run could check everything (1) or errored (0).",
        "# TYPE cxgov_drift_up gauge",
        f"cxgov_drift_up{_labels(**sys_label)} {0 if status == 'errored' else 1}",
        "# HELP cxgov_drift_last_run_timestamp_seconds When the last drift run finished.",
        "# TYPE cxgov_drift_last_run_timestamp_seconds gauge",
        f"cxgov_drift_last_run_timestamp_seconds{_labels(**sys_label, status=status)} {_seconds(finished)}",
        "# HELP cxgov_drift_last_success_timestamp_seconds When the last drift run that checked everything finished.",
        "# TYPE cxgov_drift_last_success_timestamp_seconds gauge",
    ]
    if last_success:
        lines.append(f"cxgov_drift_last_success_timestamp_seconds{_labels(**sys_label)} {_seconds(last_success)}")
    lines += [
        "# HELP cxgov_findings Findings of the last successful run by framework, severity and gate.",
        "# TYPE cxgov_findings gauge",
    ]
    lines += [f"cxgov_findings{_labels(**sys_label, framework=fw, severity=sev, gate=gate)} {n}"
              for (fw, sev, gate), n in sorted(by.items())]
    lines += [
        "# HELP cxgov_drift_changes Differences from the approved baseline in the last successful run, by kind.",
        "# TYPE cxgov_drift_changes gauge",
    ]
    lines += [f"cxgov_drift_changes{_labels(**sys_label, change=k)} {v}"
              for k, v in sorted((drift_counts or {}).items())]
    lines += [
        "# HELP cxgov_drift_detected Whether the last successful run differed from the baseline.",
        "# TYPE cxgov_drift_detected gauge",
    ]
    if drift_counts is not None:
        drifted = any(v for k, v in drift_counts.items() if k != "fails_gate")
        lines.append(f"cxgov_drift_detected{_labels(**sys_label)} {int(drifted)}")
    return "\n".join(lines) + "\n"
