"""Benchmark reading and judging MLflow model versions: a tracking server over REST beside its sqlite
store read through MlflowClient, and batched reads against one call per version.

Run with the project's interpreter (needs the `test` extra's full `mlflow`):

    .venv/bin/python bench/models_bench.py [--versions 500] [--runs 3]

It seeds `--versions` versions of one model into a sqlite store (model_registry/seed_registry.py,
scenario `bench`: each version with its own source run - params, metrics, tags, two dataset inputs -
and a GenAI evaluation run tagged with it), starts a local `mlflow server` on that store and puts a
counting HTTP proxy in front of it, so every figure of HTTP calls is what reached the server. Then,
for the server (`http://`) and for the store itself (`sqlite:///`), it measures, each `--runs` times
in a fresh process (the median is printed; the sqlite path's times include importing mlflow):

1. cxgov's source alone (MlflowSource): wall time and calls (HTTP calls, or store calls);
2. `cxgov models check --filter "name = '...'" -o json` end to end (read, compile, evaluate every
   version against the builtin packs, render);

how long a fresh process takes to import mlflow and its SQL stores (the sqlite path pays it before
its first read); and once, in-process, how long loading the builtin packs and compiling + evaluating
take, and the baseline a script written one version at a time makes over REST: MlflowClient.get_registered_model
once, then get_model_version and get_run per version (2 calls per version).

Figures print next to the target (<= 2.5 s for 500 versions end to end, for each); nothing fails on them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
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
DATE = "2026-11-22"

IMPORT_STORES = """
import json, os, time
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
started = time.perf_counter()
import mlflow, mlflow.store.tracking.sqlalchemy_store, mlflow.store.model_registry.sqlalchemy_store
print(json.dumps({"seconds": time.perf_counter() - started}))
"""

READ_ONLY = """
import json, sys, time
started = time.perf_counter()
from cxgov.sources.mlflow import MlflowSource
source = MlflowSource(sys.argv[1], [], filters=[sys.argv[2]])
count = len(list(source.subjects()))
print(json.dumps({"seconds": time.perf_counter() - started, "calls": source.calls, "versions": count}))
"""


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


def read_only(uri: str, filter_text: str, expected: int) -> tuple[float, int]:
    """The source alone in a fresh process: (seconds, calls)."""
    proc = subprocess.run([sys.executable, "-c", READ_ONLY, uri, filter_text], capture_output=True, text=True,
                          cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"reading {uri} failed: {proc.stderr}")
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert figures["versions"] == expected, (figures, expected)
    return figures["seconds"], figures["calls"]


def import_stores() -> float:
    """Importing mlflow and its SQL stores in a fresh process: what the sqlite path pays before its first read."""
    proc = subprocess.run([sys.executable, "-c", IMPORT_STORES], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]


def end_to_end(uri: str, filter_text: str) -> float:
    started = time.perf_counter()
    run = subprocess.run([str(Path(sys.executable).with_name("cxgov")), "models", "check", "--filter", filter_text,
                          "--tracking-uri", uri, "--evaluation-date", DATE, "-o", "json"],
                         capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if run.returncode not in (0, 1):
        raise SystemExit(f"cxgov models check failed ({run.returncode}): {run.stderr}")
    return seconds


def median_of(runs: int, measure) -> tuple[float, list[float], int]:
    """(median seconds, every run's seconds, calls of the last run)."""
    seconds, calls = [], 0
    for _ in range(runs):
        result = measure()
        s, calls = result if isinstance(result, tuple) else (result, calls)
        seconds.append(s)
    return statistics.median(seconds), seconds, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--versions", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3, help="runs of each timed measurement (the median is printed)")
    args = parser.parse_args()
    from cxgov import __version__
    from cxgov.engine.opa_library import ENGINE_VERSION

    print(f"cxgov {__version__}, {ENGINE_VERSION}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    filter_text = f"name = '{MODEL}'"
    with tempfile.TemporaryDirectory(prefix="cxgov-models-bench-") as tmp:
        store = Path(tmp) / "mlflow.db"
        sqlite_uri = f"sqlite:///{store}"
        started = time.perf_counter()
        versions = seed_registry.seed(sqlite_uri, "bench", count=args.versions)[MODEL]["versions"]
        print(f"seeded {len(versions)} versions (and their source and evaluation runs) into {store.name} in "
              f"{time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        server = local_server.start(Path(tmp))  # serves the same mlflow.db
        print(f"mlflow server ready in {time.perf_counter() - started:.1f} s")
        proxy = None
        try:
            proxy = CountingProxy(server.uri)
            figures = {}
            for label, uri in (("server", proxy.uri), ("sqlite", sqlite_uri)):
                read_s, read_runs, read_calls = median_of(args.runs, lambda: read_only(uri, filter_text, len(versions)))
                if label == "server":
                    read_calls = proxy.take() // args.runs
                e2e_s, e2e_runs, _ = median_of(args.runs, lambda: end_to_end(uri, filter_text))
                proxy.take()
                figures[label] = (read_s, read_calls, e2e_s, e2e_runs, os.getloadavg()[0])
            import_s = median_of(args.runs, import_stores)[0]

            # where the end-to-end time goes, in-process: policies, then compile + evaluate in workers
            from cxgov import pipeline
            from cxgov.sources.interface import Given
            from cxgov.engine.embedded import EmbeddedEngine
            from cxgov.engine.policyset import load
            from cxgov.sources.mlflow import MlflowSource

            subjects = list(MlflowSource(sqlite_uri, [], filters=[filter_text]).subjects())
            started = time.perf_counter()
            policies = load([], builtin=True)
            load_s = time.perf_counter() - started
            started = time.perf_counter()
            pipeline.run([Given(subjects)], policies, EmbeddedEngine(), pipeline.Options(evaluation_date=DATE))
            eval_s = time.perf_counter() - started

            proxy.take()
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
    print(f"{'':46}{'server (http)':>16}{'store (sqlite)':>16}")
    (rs, rc, es, eruns, rload), (ls, lc, le, lruns, lload) = figures["server"], figures["sqlite"]
    print(f"{'cxgov source alone (batched reads)':46}{rs:>14.2f} s{ls:>14.2f} s")
    print(f"{'  of which importing mlflow and its SQL stores':46}{'-':>16}{import_s:>14.2f} s")
    print(f"{'  calls (HTTP / store)':46}{rc:>16}{lc:>16}")
    print(f"{'cxgov models check, end to end':46}{es:>14.2f} s{le:>14.2f} s   target <= {TARGET_S:.1f} s each")
    print(f"{'  every run':46}{' '.join(f'{s:.2f}' for s in eruns):>16}  {' '.join(f'{s:.2f}' for s in lruns):>16}")
    print(f"{'  load average after the runs':46}{rload:>16.2f}{lload:>16.2f}")
    print(f"{'load the builtin packs (in-process)':46}{load_s:>14.2f} s")
    print(f"{'compile + evaluate ({} workers, in-process)'.format(os.cpu_count()):46}{eval_s:>14.2f} s")
    print(f"{'baseline: one call per version (+ its run)':46}{base_s:>14.2f} s  ({base_calls} HTTP calls)")
    print(f"\n{n} versions, median of {args.runs} runs; over HTTP, batched reads are {base_s / rs:.0f}x faster with "
          f"{base_calls / max(rc, 1):.0f}x fewer calls; load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
