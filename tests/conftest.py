"""Shared helpers: run the real cxgov command line in a subprocess, as a user or CI would."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EVALUATION_DATE = "2026-11-22"
# the bundles tests write are reproducible: SOURCE_DATE_EPOCH (midnight of the evaluation date) stands
# for every clock reading, `created` and the sources' read times, unless a test sets or removes it
os.environ.setdefault("SOURCE_DATE_EPOCH", "1795305600")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def run_cxgov(*args: str, cwd: Path | str | None = None, stdin: str | bytes | None = None,
              env: dict | None = None, timeout: float = 600) -> Run:
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("GITHUB_STEP_SUMMARY", None) if env is None or "GITHUB_STEP_SUMMARY" not in env else None
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run([sys.executable, "-m", "cxgov", *args], cwd=cwd, input=data, capture_output=True,
                          env=full_env, timeout=timeout)
    return Run(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


@pytest.fixture
def cxgov():
    return run_cxgov


# the test run's MLflow registry and misbehaving registries (tests/mlflow_fixtures.py)
from mlflow_fixtures import misbehaving_server, mlflow_registry  # noqa: E402,F401
# the acme-cx evidence bundles, their registry and widget (tests/evidence_bundles.py): registered here
# so each session fixture runs once for every module that uses it
from evidence_bundles import acme_registry, acme_ui, compliant_bundle, noncompliant_bundle  # noqa: E402,F401
