"""A real `mlflow server` for the whole test run (sqlite backend, artifacts in a temp dir, 127.0.0.1),
seeded by model_registry/seed_registry.py, and tiny HTTP servers that misbehave like a broken one.

tests/conftest.py imports the fixtures from here so every test module shares one server.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "model_registry"))

import local_server  # noqa: E402  (model_registry/ is scripts, not a package)
import seed_registry  # noqa: E402

# versions the shared registry holds (seed_registry's `contract`, `acme-compliant` and `genai` scenarios)
FAILED_REGISTRATION = ("cx-intent-router", "2")
SLOW_SECONDS = 60


@dataclass
class Registry:
    uri: str
    created: dict[str, Any]
    server: local_server.LocalServer

    def move_alias(self, model: str, alias: str, version: str) -> None:
        from mlflow import MlflowClient

        MlflowClient(tracking_uri=self.uri, registry_uri=self.uri).set_registered_model_alias(model, alias, version)


@pytest.fixture(scope="session")
def mlflow_registry(tmp_path_factory):
    server = local_server.start(tmp_path_factory.mktemp("mlflow-registry"))
    try:
        created: dict[str, Any] = {}
        for scenario in ("contract", "acme-compliant", "genai"):
            created.update(seed_registry.seed(server.uri, scenario))
        # MLflow's REST API cannot make a registration fail; its sqlite store can
        with sqlite3.connect(server.workdir / "mlflow.db") as db:
            db.execute("UPDATE model_versions SET status = 'FAILED_REGISTRATION' WHERE name = ? AND version = ?",
                       FAILED_REGISTRATION)
        yield Registry(server.uri, created, server)
    finally:
        server.stop()


class _Misbehaving(BaseHTTPRequestHandler):
    mode = "500"
    requests: list[str] = []

    def _answer(self):
        type(self).requests.append((self.path, self.headers.get("Authorization")))
        if self.mode == "slow":
            time.sleep(SLOW_SECONDS)
        body = b'{"error_code": "INTERNAL_ERROR", "message": "database is locked"}'
        try:
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (the timeout test)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def misbehaving_server():
    """start(mode) -> (uri, requests): a server answering 500 to everything, or ("slow") after SLOW_SECONDS;
    requests lists (path, Authorization header) as they arrive."""
    servers = []

    def start(mode: str):
        handler = type("Handler", (_Misbehaving,), {"mode": mode, "requests": []})
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}", handler.requests

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()
