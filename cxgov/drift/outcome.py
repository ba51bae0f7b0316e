"""One drift run's result, the one object every drift format reads (cxgov/formats/drift_*.py)."""

from __future__ import annotations

from dataclasses import dataclass

from cxgov.drift.compare import Drift


@dataclass(frozen=True)
class LastSuccess:
    """The last run that checked everything (this one, or the history's latest), as the metrics file
    reports it: when it finished, its findings (history.finding_rows() shape) and its drift counts."""

    finished: str
    findings: tuple[dict, ...]
    counts: dict[str, int]


@dataclass(frozen=True)
class Outcome:
    """One drift run: clean (ok), drifted, or errored (could not check; never clean)."""

    status: str  # "ok", "drift", "errored"
    exit_code: int
    started: str
    finished: str
    baseline: str
    drift: Drift | None = None
    error: str | None = None
    run_id: int | None = None  # the history row, when --state is given
    # how the baseline (and a --current bundle) were accepted: {"baseline": {"trust": "trusted", ...}}
    trust: dict | None = None
    system: str = ""  # the system the baseline (or the current run) describes
    # for the metrics file only (reading it may read the history), so looked up only when one is written
    last_success: LastSuccess | None = None

    def to_dict(self) -> dict:
        return {"status": self.status, "exit_code": self.exit_code, "run_id": self.run_id, "started": self.started,
                "finished": self.finished, "baseline": self.baseline, "error": self.error,
                "trust": self.trust, "drift": self.drift.to_dict() if self.drift else None}

    def headline(self) -> str:
        """One line: what this run found."""
        d = self.drift
        if self.status == "errored":
            return f"ERRORED: could not check against the baseline: {self.error}"
        if d is None or not d.drifted:
            return "NO DRIFT: the current run matches the approved baseline"
        gate = "fails the gate" if d.fails_gate else "does not fail the gate"
        return f"DRIFT: {d.summary()} ({gate})"
