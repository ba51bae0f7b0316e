"""The cxgov command line run inside the test process, for tests that check what a command does rather
than how its process behaves: the same arguments, environment, working directory and standard streams
as `python -m cxgov`, without starting an interpreter each time (a third of a second per call).

Process-level tests keep the subprocess (tests/conftest.py, SUBPROCESS_TESTS), and
CXGOV_TEST_CLI=subprocess runs every call as a subprocess.

Safe in this process because cxgov never loads OPA in the process that runs the command: its engine
runs in spawned interpreters (cxgov/engine/workers.py), and the files source forks parse workers only
while no Go runtime is loaded here (cxgov/sources/files.py picks a forkserver otherwise).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import traceback
from pathlib import Path

_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextlib.contextmanager
def _process_state(cwd: Path | str | None, env: dict[str, str | None]):
    """The working directory, environment and signal handlers for one command, restored afterwards
    whatever the command changed (a store's credentials in os.environ, audit's SIGTERM handler)."""
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    saved_handlers = {s: signal.getsignal(s) for s in _SIGNALS}
    saved_argv = sys.argv
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


def invoke(args: tuple[str, ...], *, cwd, stdin: bytes | None, env: dict[str, str | None]) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `cxgov ARGS`, as the interpreter would give them: an uncaught
    exception is exit 1 with its traceback on stderr."""
    from click.testing import CliRunner

    from cxgov.cli import cli
    from cxgov.engine import workers

    runner = CliRunner()
    with _process_state(cwd, env):
        sys.argv = ["cxgov", *args]
        result = runner.invoke(cli, list(args), input=stdin or b"", prog_name="cxgov", color=False,
                               catch_exceptions=True)
        workers._stop_warm()  # an engine worker started for a later run of this process is not wanted
    stderr = result.stderr
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
        code = 1
    return code, result.stdout, stderr
