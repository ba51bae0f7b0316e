"""Benchmark reading and judging MLflow model versions: batched reads against one call per version.

Run with the project's interpreter (needs the `test` extra's full `mlflow` for the local server):

    .venv/bin/python bench/models_bench.py [--versions 500]

It starts a local `mlflow server` (sqlite, temporary directory), seeds `--versions` versions of one
model, each with its own source run (params, metrics, tags, two dataset inputs), via
model_registry/seed_registry.py, and puts a counting HTTP proxy in front of it, so every figure of
HTTP calls is what reached the server. Then it measures:

1. cxgov's source alone (MlflowSource, in-process): wall time and HTTP calls;
2. `cxgov models check --filter "name = '...'" -o json` end to end in a subprocess (read, compile,
   evaluate every version against the builtin packs, render): wall time and HTTP calls;
   and, in-process, how long loading the builtin packs and compiling + evaluating take;
3. the baseline a script written one version at a time makes: MlflowClient.get_registered_model
   once, then get_model_version and get_run per version (2 calls per version).

Figures print next to the target (<= 5 s for 500 versions end to end); nothing fails on them.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "model_registry"))

import local_server  # noqa: E402
import seed_registry  # noqa: E402

MODEL = "bench-router"
TARGET_S = 2.5


class CountingProxy:
    """Forwards every request to the registry and counts them."""

    def __init__(self, upstream: str):
        target = urlparse(upstream)
        counter = self
        self.count = 0
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self):
                with counter.lock:
                    counter.count += 1
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for k, v in answer.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = _forward

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.uri = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def take(self) -> int:
        with self.lock:
            n, self.count = self.count, 0
        return n

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def baseline(uri: str, versions: list[str]) -> None:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    client.get_registered_model(MODEL)
    for v in versions:
        mv = client.get_model_version(MODEL, v)
        client.get_run(mv.run_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--versions", type=int, default=500)
    args = parser.parse_args()
    from cxgov import __version__
    from cxgov.engine.opa_library import ENGINE_VERSION
    from cxgov.sources.mlflow import MlflowSource

    print(f"cxgov {__version__}, {ENGINE_VERSION}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="cxgov-models-bench-") as tmp:
        started = time.perf_counter()
        server = local_server.start(Path(tmp))
        print(f"mlflow server ready in {time.perf_counter() - started:.1f} s")
        proxy = None
        try:
            started = time.perf_counter()
            versions = seed_registry.seed(server.uri, "bench", count=args.versions)[MODEL]["versions"]
            print(f"seeded {len(versions)} versions in {time.perf_counter() - started:.1f} s")
            proxy = CountingProxy(server.uri)
            filter_text = f"name = '{MODEL}'"

            started = time.perf_counter()
            source = MlflowSource(proxy.uri, [], filters=[filter_text])
            subjects = list(source.subjects())
            read_s = time.perf_counter() - started
            read_calls = proxy.take()
            assert len(subjects) == len(versions), (len(subjects), len(versions))

            started = time.perf_counter()
            run = subprocess.run([str(Path(sys.executable).with_name("cxgov")), "models", "check", "--filter",
                                  filter_text, "--tracking-uri", proxy.uri, "--evaluation-date", "2026-11-22",
                                  "-o", "json"], capture_output=True, text=True)
            e2e_s = time.perf_counter() - started
            e2e_calls = proxy.take()
            if run.returncode not in (0, 1):
                raise SystemExit(f"cxgov models check failed ({run.returncode}): {run.stderr}")

            # where the end-to-end time goes, in-process: policies, then compile + evaluate in workers
            from cxgov import pipeline
            from cxgov.engine.embedded import EmbeddedEngine
            from cxgov.engine.policyset import load

            started = time.perf_counter()
            policies = load([], builtin=True)
            load_s = time.perf_counter() - started
            started = time.perf_counter()
            pipeline.run(subjects, policies, EmbeddedEngine(), pipeline.Options(evaluation_date="2026-11-22"))
            eval_s = time.perf_counter() - started

            started = time.perf_counter()
            baseline(proxy.uri, versions)
            base_s = time.perf_counter() - started
            base_calls = proxy.take()
        finally:
            if proxy:
                proxy.close()
            server.stop()
    n = len(versions)
    print()
    print(f"{'':44}{'wall time':>12}{'HTTP calls':>12}")
    print(f"{'cxgov source (batched reads)':44}{read_s:>10.2f} s{read_calls:>12}")
    print(f"{'cxgov models check, end to end':44}{e2e_s:>10.2f} s{e2e_calls:>12}   target <= {TARGET_S:.1f} s")
    print(f"{'  of which: load the builtin packs':44}{load_s:>10.2f} s")
    print(f"{'  of which: compile + evaluate ({} workers)'.format(os.cpu_count()):44}{eval_s:>10.2f} s")
    print(f"{'baseline: one call per version (+ its run)':44}{base_s:>10.2f} s{base_calls:>12}")
    fewer = base_calls / max(read_calls, 1)
    print(f"\n{n} versions; batched reads are {base_s / read_s:.0f}x faster with {fewer:.0f}x fewer calls; "
          f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
