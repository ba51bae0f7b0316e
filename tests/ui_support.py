"""Servers for the UI tests: the example chat widget (examples/acme-cx/ui/serve.py, the same server
the demo uses), a server that accepts connections and never answers, and a free port nobody
listens on. All on 127.0.0.1."""

from __future__ import annotations

import contextlib
import importlib.util
import socket
import threading

from conftest import ROOT

EXAMPLE_UI = ROOT / "examples" / "acme-cx" / "ui"
DECLARED = "https://www.acme-shop.eu/help"  # the entry point the acme-cx descriptors declare


def _serve_module():
    spec = importlib.util.spec_from_file_location("example_ui_serve", EXAMPLE_UI / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def serving(directory=EXAMPLE_UI):
    """Yields the base URL (ending in /) of `directory` served on 127.0.0.1."""
    server, url = _serve_module().start(directory)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def hanging_server():
    """Yields the URL of a server that accepts connections, reads the request and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/slow"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
