#!/usr/bin/env python3
"""Serve the example chat-widget pages on 127.0.0.1, for the demo, the tests and the benchmark.

    python3 examples/acme-cx/ui/serve.py [--port 8765] [--dir DIR]

prints `http://127.0.0.1:PORT/` once it accepts connections, then serves DIR (default: this
folder: broken/help/, fixed/help/ and variants/<check>/help/) until interrupted. Port 0 (the
default) picks a free port.
"""

from __future__ import annotations

import argparse
import functools
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def start(directory: Path = HERE, port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Serve `directory` from a background thread; returns the server (call .shutdown()) and its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="example-ui-server", daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--dir", type=Path, default=HERE, help="directory to serve")
    args = parser.parse_args()
    server, url = start(args.dir, args.port)
    print(url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        sys.exit(0)


if __name__ == "__main__":
    main()
