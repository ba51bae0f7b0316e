"""Keeping rego-cpp's C-level output off cxgov's own stdout and stderr."""

from __future__ import annotations

import contextlib
import faulthandler
import os
import sys
import tempfile


class Captured:
    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()

    def text(self) -> str:
        self._file.seek(0)
        return self._file.read().decode("utf-8", "replace")


@contextlib.contextmanager
def captured_output():
    """Redirect file descriptors 1 and 2 to a temporary file for the duration (rego-cpp prints
    compile errors to both); yields what was written."""
    captured = Captured()
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    os.dup2(captured._file.fileno(), 1)
    os.dup2(captured._file.fileno(), 2)
    try:
        yield captured
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)


def redirect_worker_output() -> Captured:
    """In a worker process: stdout to /dev/null (policy print()), stderr to a file read on errors.
    A crash is reported by the parent, so the worker's own fault handler stays quiet."""
    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    sys.stdout = open(os.devnull, "w")
    captured = Captured()
    os.dup2(captured._file.fileno(), 2)
    return captured
