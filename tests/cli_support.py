"""The cxgov command line run inside the test process, for tests that check what a command does rather
than how its process behaves: the same arguments, environment, working directory and standard streams
as `python -m cxgov`, without starting an interpreter each time (a third of a second per call).

Process-level tests keep the subprocess (tests/conftest.py, SUBPROCESS_TESTS), and
CXGOV_TEST_CLI=subprocess runs every call as a subprocess.

Safe in this process because cxgov's checks never load OPA in the process that runs the command: the
engine runs in spawned interpreters (cxgov/engine/workers.py). `policy test` does load it, so it runs
as a subprocess (tests/conftest.py), and a command that loads it here fails its test. Python warnings
reach the command's stderr as the interpreter would print them; a gc.freeze() of a large `check` is
undone; a command that outlives its timeout fails its test.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import os
import signal
import sys
import threading
import traceback
import warnings
from pathlib import Path

_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextlib.contextmanager
def _process_state(cwd: Path | str | None, env: dict[str, str | None]):
    """The working directory, environment and signal handlers for one command, restored afterwards
    whatever the command changed (a store's credentials in os.environ, audit's SIGTERM handler)."""
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    saved_handlers = {s: signal.getsignal(s) for s in _SIGNALS}
    saved_argv = sys.argv
    frozen = gc.get_freeze_count()
    try:
        for key, value in env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if cwd is not None:
            os.chdir(cwd)
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        for s, handler in saved_handlers.items():
            signal.signal(s, handler)
        sys.argv = saved_argv
        if gc.get_freeze_count() > frozen:  # a large check froze the heap for its own short life
            gc.unfreeze()


@contextlib.contextmanager
def _interpreter_warnings():
    """Warnings shown on stderr with the interpreter's default filters, not recorded by pytest."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        for action, category in (("ignore", DeprecationWarning), ("ignore", PendingDeprecationWarning),
                                 ("ignore", ImportWarning), ("ignore", ResourceWarning)):
            warnings.simplefilter(action, category)
        warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
        warnings.showwarning = warnings._showwarning_orig
        yield


class _Overdue(BaseException):
    """A command past its test's timeout (a BaseException, so the command's own handlers let it by)."""


@contextlib.contextmanager
def _deadline(seconds: float, args):
    """The subprocess's timeout, in this process: an interval timer that interrupts the command. A
    command that installs SIGALRM itself, or a test thread other than the main one, runs unbounded."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def overdue(signum, frame):
        raise _Overdue(f"cxgov {' '.join(args)} did not finish in {seconds} s")

    previous = signal.signal(signal.SIGALRM, overdue)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _runner():
    from click.testing import CliRunner

    # click before 8.2 mixes stderr into stdout unless told not to
    separate = "mix_stderr" in inspect.signature(CliRunner).parameters
    return CliRunner(mix_stderr=False) if separate else CliRunner()


def invoke(args: tuple[str, ...], *, cwd, stdin: bytes | None, env: dict[str, str | None],
           timeout: float = 600) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `cxgov ARGS`, as the interpreter would give them: an uncaught
    exception is exit 1 with its traceback on stderr."""
    from cxgov.cli import cli
    from cxgov.engine import workers
    from cxgov.engine.opa_library import go_runtime_loaded

    had_go = go_runtime_loaded()
    runner = _runner()
    try:
        with _process_state(cwd, env), _interpreter_warnings(), _deadline(timeout, args):
            sys.argv = ["cxgov", *args]
            result = runner.invoke(cli, list(args), input=stdin or b"", prog_name="cxgov", color=False,
                                   catch_exceptions=True)
            workers._stop_warm()  # an engine worker started for a later run of this process is not wanted
    except _Overdue as late:
        raise AssertionError(str(late)) from None
    assert had_go or not go_runtime_loaded(), (
        f"cxgov {' '.join(args)} loaded OPA in the test process: run it as a subprocess (tests/conftest.py)")
    stderr = result.stderr
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
        code = 1
    return code, result.stdout, stderr
