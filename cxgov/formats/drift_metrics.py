"""`drift check --metrics FILE`: a Prometheus textfile (node_exporter's textfile collector), read from
the drift run's Outcome.

Findings of the last successful run by framework, severity and gate; the last run's status and
time; the last successful run's time; the drift counts. An errored run still writes the file, with
`cxgov_drift_up 0` and the last success left as it was, so a stale check can be alerted on.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from cxgov.drift.outcome import Outcome
from cxgov.formats.interface import Format


def _labels(**labels: str) -> str:
    def escape(v: str) -> str:
        return str(v).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')

    return "{" + ",".join(f'{k}="{escape(v)}"' for k, v in labels.items()) + "}"


def _seconds(stamp: str) -> str:
    return f"{datetime.fromisoformat(stamp.replace('Z', '+00:00')).timestamp():.3f}"


class DriftMetricsFormat(Format[Outcome]):
    """The textfile for one run; the findings and drift counts are those of `Outcome.last_success`
    (none yet: no series). The gate label is deny, warn or waived."""

    name = "prometheus"
    extension = ".prom"

    def render(self, outcome: Outcome, *, color: bool = False) -> str:
        last = outcome.last_success
        by = Counter()
        for f in last.findings if last else ():
            for framework in f["frameworks"] or ["none"]:
                by[(framework, f["severity"], f["status"])] += 1
        sys_label = {"system": outcome.system}
        lines = [
            "# HELP cxgov_drift_up Whether the last drift run could check everything (1) or errored (0).",
            "# TYPE cxgov_drift_up gauge",
            f"cxgov_drift_up{_labels(**sys_label)} {0 if outcome.status == 'errored' else 1}",
            "# HELP cxgov_drift_last_run_timestamp_seconds When the last drift run finished.",
            "# TYPE cxgov_drift_last_run_timestamp_seconds gauge",
            f"cxgov_drift_last_run_timestamp_seconds{_labels(**sys_label, status=outcome.status)} "
            f"{_seconds(outcome.finished)}",
            "# HELP cxgov_drift_last_success_timestamp_seconds When the last drift run that checked everything "
            "finished.",
            "# TYPE cxgov_drift_last_success_timestamp_seconds gauge",
        ]
        if last:
            lines.append(f"cxgov_drift_last_success_timestamp_seconds{_labels(**sys_label)} {_seconds(last.finished)}")
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
                  for k, v in sorted((last.counts if last else {}).items())]
        lines += [
            "# HELP cxgov_drift_detected Whether the last successful run differed from the baseline.",
            "# TYPE cxgov_drift_detected gauge",
        ]
        if last:
            drifted = any(v for k, v in last.counts.items() if k != "fails_gate")
            lines.append(f"cxgov_drift_detected{_labels(**sys_label)} {int(drifted)}")
        return "\n".join(lines) + "\n"
