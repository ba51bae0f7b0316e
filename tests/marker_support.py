"""The suite's markers (declared in pyproject.toml), applied in one place (tests/conftest.py calls `apply_markers`) so no test
file carries them, and a watch over the processes each test starts.

- browser: starts headless Chromium (a UI scan, a report screenshot) or serves the example widget for one
- mlflow: starts a real `mlflow server`
- opa_server: starts an OPA server (opa, or tests/opa_test_server.py)
- slow: measured at several seconds or more without any of the above

A test gets a marker from the fixtures it uses (FIXTURE_MARKERS), or from its module or node id
(MODULE_MARKERS, NODE_MARKERS) when it starts the process itself, through the CLI or in its body.

The watch: when the run deselects `browser` or `mlflow` (the fast loop), or CXGOV_TEST_PROCESS_LOG
names a file, a thread polls /proc for Chromium, chromedriver, `mlflow server` and OPA server
processes below this one. In the fast loop a test that started one it is not marked for fails; with
the log set, every test's processes are appended to it (`nodeid<TAB>kind`), which is how the tables
below were measured.
"""

from __future__ import annotations

import os
import threading

import pytest

# fixtures that start the processes: every test using one, directly or through another fixture, gets
# the markers. A name is a conftest fixture; "module::name" is a fixture of that test module.
FIXTURE_MARKERS = {
    "mlflow_registry": ("mlflow",),
    "acme_registry": ("mlflow",),
    "acme_ui": ("browser",),
    "compliant_bundle": ("browser", "mlflow"),
    "noncompliant_bundle": ("browser", "mlflow"),
    "chromium": ("browser",),  # test_evidence_report's, imported by test_report_screen
    "test_attest_subjects.py::audited": ("mlflow",),
    "test_drift_live.py::live": ("mlflow",),
    "test_example_acme_cx.py::example_ui": ("browser",),
    "test_opa_engine.py::server": ("opa_server",),
    "test_shadow_ai_example.py::live": ("browser", "mlflow"),
}

# modules all of whose tests start the processes, through the CLI or in their bodies (measured)
MODULE_MARKERS = {
    "test_audit_ui_baseline.py": ("browser",),
    "test_demo.py": ("browser", "mlflow"),
    "test_drift_ui.py": ("browser",),
    "test_evidence_report.py": ("browser",),
    "test_genai_evaluation.py": ("mlflow",),  # mlflow.genai.evaluate runs in the test process
    "test_models.py": ("mlflow",),
    "test_models_local_store.py": ("mlflow",),  # sqlite and file stores through the full mlflow package
    "test_report_screen.py": ("browser",),
    "test_ui_baseline.py": ("browser",),
    "test_ui_behaviour.py": ("browser",),
    "test_ui_pool.py": ("browser",),
    "test_ui_redirect.py": ("browser",),
    "test_ui_scan.py": ("browser",),
}

# single tests that start them in their bodies, by "module::test" without parameters (measured)
NODE_MARKERS = {
    "test_github_action.py::test_gate_step_on_the_noncompliant_example": ("browser",),
    "test_github_action.py::test_gate_step_on_the_compliant_example": ("browser",),
    "test_github_action.py::test_the_example_gate_workflow_passes_as_written": ("browser",),
    "test_github_action.py::test_the_predeploy_workflow_audits_and_keeps_the_bundle_as_written": ("browser",),
    "test_github_action.py::test_a_failing_audit_keeps_its_bundle": ("browser",),
    "test_init.py::test_the_scaffold_audits_a_real_repository": ("browser",),
    "test_audit.py::test_a_named_source_that_cannot_be_read_fails_closed": ("browser",),  # its ui case
    "test_opa_engine.py::test_bearer_token": ("opa_server",),
    "test_opa_engine.py::test_tls_with_a_private_ca": ("opa_server",),
}

# slow without a browser or MLflow: 3 s or more each, measured with -n 2 on two cores; most wait out a
# limit or a retry on purpose. "module" or "module::test" without parameters.
SLOW = {
    "test_bundle_drift_trend.py::test_the_report_charts_the_drift_history_the_config_names",
    "test_drift_cli.py::test_webhook_retries_then_delivers_and_a_dead_webhook_fails_the_run",
    "test_eval_bounds.py::test_a_regex_workload_past_the_time_limit_stops",
    "test_eval_bounds.py::test_an_endless_loop_stops_at_the_time_limit",
    "test_eval_bounds.py::test_an_unbounded_collection_stops_at_the_memory_limit",
    "test_eval_bounds.py::test_the_document_that_hit_the_limit_is_named_among_many",
    "test_opa_engine.py::test_builtin_unit_tests_give_the_same_outcomes_on_the_server",
    "test_trust_policy_test.py::test_an_endless_test_stops_at_the_time_limit",
    "test_trust_policy_test.py::test_an_unbounded_test_stops_at_the_memory_limit",
    "test_trust_stderr.py::test_a_registry_uri_with_a_password_is_redacted_in_the_error",
    "test_trusted_keys.py::test_a_large_extra_member_is_streamed_and_refused",
}


def keys_of(item) -> tuple[str, str]:
    """("module.py", "module.py::test") of a test, without its folder or parameters."""
    module = item.nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
    return module, f"{module}::{item.nodeid.split('::', 1)[-1].split('[', 1)[0]}"


def apply_markers(items) -> None:
    for item in items:
        module, node = keys_of(item)
        names = set(MODULE_MARKERS.get(module, ())) | set(NODE_MARKERS.get(node, ()))
        for fixture in getattr(item, "fixturenames", ()):
            names.update(FIXTURE_MARKERS.get(fixture, ()))
            names.update(FIXTURE_MARKERS.get(f"{module}::{fixture}", ()))
        if module in SLOW or node in SLOW:
            names.add("slow")
        for name in sorted(names):
            item.add_marker(name)


# --- the process watch --------------------------------------------------------------------------

def _kind(argv: list[str]) -> str | None:
    """Which marker a process with this command line calls for, if any."""
    if not argv:
        return None
    program = os.path.basename(argv[0])
    if "chromedriver" in program or "chromium" in program or "chrome" == program:
        return "browser"
    joined = " ".join(argv[:6])
    if "mlflow" in joined and "server" in joined or "mlflow.server" in joined:
        return "mlflow"
    if program == "opa" and "run" in argv or any(a.endswith("opa_test_server.py") for a in argv[:3]):
        return "opa_server"
    return None


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, start time) of every process this user can see."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read().decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        found[int(name)] = (int(fields[1]), fields[19])
    return found


def _argv(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return [a.decode(errors="replace") for a in fh.read().split(b"\0") if a]
    except OSError:
        return []


class ProcessWatch:
    """Polls for the processes below this one and records, for the test running, the kinds started."""

    INTERVAL = 0.1

    def __init__(self) -> None:
        self.current: str | None = None
        self.seen: dict[str, set[str]] = {}
        self._known: set[tuple[int, str]] = set()
        self._stop = threading.Event()
        self._root = os.getpid()
        self._thread = threading.Thread(target=self._run, name="test-process-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            self.poll()

    def poll(self) -> None:
        processes = _processes()
        children: dict[int, list[int]] = {}
        for pid, (parent, _) in processes.items():
            children.setdefault(parent, []).append(pid)
        stack, current = list(children.get(self._root, ())), self.current
        while stack:
            pid = stack.pop()
            stack.extend(children.get(pid, ()))
            key = (pid, processes[pid][1])
            if key in self._known:
                continue
            self._known.add(key)
            kind = _kind(_argv(pid))
            if kind and current:
                self.seen.setdefault(current, set()).add(kind)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def watch_wanted(config) -> str | None:
    """"guard" in a run that deselects browser or MLflow tests, "log" when asked for a log, else None."""
    if os.environ.get("CXGOV_TEST_PROCESS_LOG"):
        return "log"
    expression = config.getoption("markexpr", "") or ""
    if "not browser" in expression or "not mlflow" in expression:
        return "guard"
    return None


def watch_for(item) -> ProcessWatch | None:
    """The run's watch, started by the first test that runs in this process (an xdist worker, or
    the only process), or None when the run does not watch."""
    config = item.config
    mode = watch_wanted(config)
    if mode is None:
        return None
    if WATCH not in config.stash:
        config.stash[WATCH] = ProcessWatch()
    return config.stash[WATCH]


def started_unmarked(item) -> str | None:
    """After a test: log what it started, and in the guarded fast loop say which processes it started
    that its markers do not declare (None when all is well)."""
    watch = item.config.stash.get(WATCH, None)
    if watch is None:
        return None
    watch.poll()  # a process started and still running now is not missed between polls
    watch.current = None
    started = watch.seen.get(item.nodeid, set())
    log = os.environ.get("CXGOV_TEST_PROCESS_LOG")
    if log:
        with open(log, "a") as fh:
            fh.writelines(f"{item.nodeid}\t{kind}\n" for kind in sorted(started))
        return None
    missing = started - {m.name for m in item.iter_markers()}
    if not missing:
        return None
    return (f"this test started {', '.join(sorted(missing))} processes but is not marked so: add it to "
            f"tests/marker_support.py (FIXTURE_MARKERS, MODULE_MARKERS or NODE_MARKERS)")


WATCH = pytest.StashKey[ProcessWatch]()
