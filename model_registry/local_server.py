"""A throw-away `mlflow server` on 127.0.0.1: sqlite backend, artifacts in a directory of its own.

The tests, the demo and the model benchmark all start their registry through this module, so a
server is started, awaited and stopped the same way everywhere. It needs the full `mlflow`
package (the `test` extra); cxgov itself only needs `mlflow-skinny` to read a registry.

    python model_registry/local_server.py --workdir /tmp/reg            # prints the URI, runs until ^C
    python model_registry/local_server.py --workdir /tmp/reg --pid-file /tmp/reg/pid --detach
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# the server's background job runner and telemetry are not wanted in a test or demo registry
SERVER_ENV = {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", "MLFLOW_DISABLE_TELEMETRY": "true"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalServer:
    uri: str
    workdir: Path
    process: subprocess.Popen

    def stop(self, timeout: float = 15) -> None:
        """Stop the server and every process it started (its own process group)."""
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout)
        except ProcessLookupError:
            pass

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(workdir: Path, *, port: int | None = None, timeout: float = 120, python: str | None = None) -> LocalServer:
    """Start `mlflow server` and wait until it answers /health; raise RuntimeError with its log if it does not."""
    workdir = Path(workdir).resolve()
    (workdir / "artifacts").mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log = open(workdir / "server.log", "ab")
    command = [
        python or sys.executable, "-m", "mlflow", "server",
        "--backend-store-uri", f"sqlite:///{workdir / 'mlflow.db'}",
        "--artifacts-destination", str(workdir / "artifacts"),
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    ]
    process = subprocess.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, **SERVER_ENV}, start_new_session=True)
    server = LocalServer(f"http://127.0.0.1:{port}", workdir, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{server.uri}/health", timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    server.stop()
    tail = (workdir / "server.log").read_text(errors="replace")[-2000:]
    raise RuntimeError(f"mlflow server on port {port} did not become ready in {timeout:.0f} s:\n{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", required=True, type=Path, help="sqlite database, artifacts and server.log")
    parser.add_argument("--port", type=int, help="default: a free port")
    parser.add_argument("--detach", action="store_true", help="leave the server running and exit")
    parser.add_argument("--pid-file", type=Path, help="write the server's process-group id here (with --detach)")
    args = parser.parse_args()
    server = start(args.workdir, port=args.port)
    if args.pid_file:
        args.pid_file.write_text(f"{server.process.pid}\n")
    print(server.uri, flush=True)
    if args.detach:
        return
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
