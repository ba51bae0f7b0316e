"""OPA servers for the tests: a real `opa` when one is on PATH, and always the OPA-REST test server.

`servers()` lists what this machine has; tests parametrize over it, so where `opa` exists (the
project's GitHub CI builds it with `go install`) every parity case also runs
against OPA itself, and elsewhere against tests/opa_test_server.py (the embedded OPA behind its REST API).
Each server is a subprocess in its own process group, stopped when the test module ends.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

TEST_SERVER = Path(__file__).resolve().parent / "opa_test_server.py"


def servers() -> list[str]:
    """Server kinds to run against: "test-server" always, "opa" when an `opa` binary is on PATH."""
    return ["test-server", *(["opa"] if shutil.which("opa") else [])]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(kind: str, *, token: str | None = None, tls: tuple[str, str] | None = None):
    """Start a server of `kind`, yield its URL once healthy, stop it afterwards."""
    port = free_port()
    if kind == "opa":
        cmd = ["opa", "run", "--server", "--addr", f"127.0.0.1:{port}", "--log-level", "error"]
        if token:  # OPA's token authentication needs an authorization policy; tests use it unauthenticated
            raise ValueError("token tests run against the test server")
        if tls:
            cmd += ["--tls-cert-file", tls[0], "--tls-private-key-file", tls[1]]
    else:
        cmd = [sys.executable, str(TEST_SERVER), "--port", str(port)]
        if token:
            cmd += ["--token", token]
        if tls:
            cmd += ["--tls-cert", tls[0], "--tls-key", tls[1]]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    scheme = "https" if tls else "http"
    url = f"{scheme}://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, verify=tls[0] if tls else True)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_healthy(url: str, proc: subprocess.Popen, verify, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the OPA server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if requests.get(f"{url}/health", timeout=1, verify=verify).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the OPA server at {url} did not become healthy within {timeout}s")


def policies_on(url: str, token: str | None = None) -> list[str]:
    """The ids of the policies the server holds."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = requests.get(f"{url}/v1/policies", headers=headers, timeout=5)
    response.raise_for_status()
    return sorted(p["id"] for p in response.json().get("result", []))


def data_on(url: str) -> dict:
    response = requests.get(f"{url}/v1/data", timeout=5)
    response.raise_for_status()
    return response.json().get("result", {})


@contextmanager
def silent_server():
    """A TCP port that accepts connections and never answers: a hung server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)  # the kernel completes handshakes into the backlog; nobody ever reads
        yield f"http://127.0.0.1:{s.getsockname()[1]}"
