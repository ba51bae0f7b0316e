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


# tests whose cxgov runs stay subprocesses, as "module" or "module::test": they check the process itself
# (its exit at a limit, what it leaves running, its signals), or start Chromium (marked browser)
SUBPROCESS_TESTS = {
    "test_drift_watch.py", "test_eval_bounds.py", "test_trust_policy_test.py",
}
_in_process = {"on": False}  # set per test by pytest_runtest_setup


def run_cxgov(*args: str, cwd: Path | str | None = None, stdin: str | bytes | None = None,
              env: dict | None = None, timeout: float = 600) -> Run:
    """`python -m cxgov ARGS`: in this process (tests/cli_support.py) unless the test checks the process."""
    changes = {"NO_COLOR": "1", **(env or {})}
    if env is None or "GITHUB_STEP_SUMMARY" not in env:
        changes["GITHUB_STEP_SUMMARY"] = None
    data = stdin.encode() if isinstance(stdin, str) else stdin
    # PYTHONPATH and the like act when an interpreter starts, and TMPDIR once tempfile has read it:
    # only a new process honours them. `policy test` loads OPA in the process that runs it.
    if (_in_process["on"] and not any(key.startswith("PYTHON") or key == "TMPDIR" for key in changes)
            and args[:2] != ("policy", "test")):
        from cli_support import invoke

        return Run(*invoke(args, cwd=cwd, stdin=data, env=changes, timeout=timeout))
    full_env = {k: v for k, v in {**os.environ, **changes}.items() if v is not None}
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


# markers from the fixtures, modules and node ids listed in tests/marker_support.py, and the watch
# that fails a test in the fast loop which starts Chromium, MLflow or an OPA server unmarked
from marker_support import apply_markers, started_unmarked, keys_of, watch_for  # noqa: E402


def pytest_collection_modifyitems(config, items):
    apply_markers(items)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    watch = watch_for(item)
    if watch is not None:
        watch.current = item.nodeid
    module, node = keys_of(item)
    _in_process["on"] = (os.environ.get("CXGOV_TEST_CLI") != "subprocess" and item.get_closest_marker("browser") is None
                         and module not in SUBPROCESS_TESTS and node not in SUBPROCESS_TESTS)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when == "teardown":
        problem = started_unmarked(item)
        if problem and report.passed:
            report.outcome, report.longrepr = "failed", problem
