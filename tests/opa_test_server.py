"""A small OPA-REST-compatible server backed by the embedded OPA, for tests where no `opa` binary exists.

It answers the part of OPA's REST API cxgov's OPA engine uses, in OPA's shapes, and evaluates with
the same OPA (v1.20.2, in process) as the embedded engine. Tests against it exercise the whole REST
path of `--engine opa` (pushing policies and data under a run prefix, queries, result mapping,
cleanup, errors); a real `opa` server (tests use it when one is on PATH, as the project's GitHub CI
does) checks the server itself.

    PUT/DELETE /v1/policies/<id>      a module (checked for syntax; compiled on the next query)
    GET        /v1/policies           the modules
    GET        /v1/data/<path>        documents (not rules)
    PUT/DELETE /v1/data/<path>        documents
    POST       /v1/data/<path>        {"input": ...} -> {"result": ...}; a rule, a package (its rules
                                      as an object) or a document; undefined -> {}
    GET        /health

A PUT of a policy is parsed at once (a syntax error is a 400, as on OPA); unlike OPA, which compiles
on every PUT, it compiles when first queried after a change, so a type error comes back on that
query, as a 400 in OPA's error shape (pushing the builtin packs one module at a time stays fast).
`--token` requires `Authorization: Bearer <token>`; `--tls-cert`/`--tls-key` serve HTTPS.

    python tests/opa_test_server.py --port 0      prints "listening on http://127.0.0.1:PORT"
"""

from __future__ import annotations

import argparse
import json
import re
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # cxgov from this checkout

from cxgov.engine.opa_library import new_opa, opa_error_type  # noqa: E402

_LOCATED = re.compile(r"^(?:bundle activation failed: )?(?:\d+ errors? occurred:\s*)?(?P<file>[^\n]+?):(?P<row>\d+): "
                      r"(?P<code>[a-z_]+): (?P<message>.*)", re.S)


class Store:
    """Modules and data, and an OPA instance loaded with them (rebuilt after a change)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.modules: dict[str, str] = {}
        self.data: dict = {}
        self.opa = None

    def changed(self) -> None:
        if self.opa is not None:
            self.opa.close()
        self.opa = None

    def compiled(self):
        """The loaded OPA; raises the library's OpaError for a module that does not parse or compile."""
        if self.opa is None:
            opa = new_opa()
            try:
                opa.add_data(self.data)
                for path, source in self.modules.items():
                    opa.add_policy(path, source)
                opa.eval_query("true")  # compiles every module now, so a type error is this answer
            except Exception:
                opa.close()
                raise
            self.opa = opa
        return self.opa


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    store: Store
    token: str | None = None

    def log_message(self, *args) -> None:  # quiet
        pass

    # --- plumbing ---------------------------------------------------------------------------------

    def _send(self, status: int, body=None) -> None:
        raw = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _route(self) -> tuple[str, list[str], dict]:
        parts = urlsplit(self.path)
        segments = [unquote(s) for s in parts.path.strip("/").split("/") if s]
        return parts.path, segments, parse_qs(parts.query)

    def _authorised(self) -> bool:
        if self.token and self.headers.get("Authorization") != f"Bearer {self.token}":
            self._send(401, {"code": "unauthorized", "message": "missing or invalid authorization token"})
            return False
        return True

    # --- verbs ------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        path, seg, _ = self._route()
        if path == "/health":
            return self._send(200, {})
        if not self._authorised():
            return
        if seg[:2] == ["v1", "policies"]:
            with self.store.lock:
                return self._send(200, {"result": [{"id": k, "raw": v} for k, v in sorted(self.store.modules.items())]})
        if seg[:2] == ["v1", "data"]:  # documents only (rules are evaluated by POST)
            with self.store.lock:
                node = self.store.data
                for key in seg[2:]:
                    node = node.get(key, _UNDEFINED) if isinstance(node, dict) else _UNDEFINED
                return self._send(200, {} if node is _UNDEFINED else {"result": node})
        self._send(404, {"code": "resource_not_found", "message": f"{path} not found"})

    def do_PUT(self) -> None:
        _, seg, _ = self._route()
        if not self._authorised():
            return
        body = self._body()
        if seg[:2] == ["v1", "policies"] and len(seg) > 2:
            policy_id = "/".join(seg[2:])
            try:
                source = body.decode()
            except UnicodeDecodeError as exc:
                return self._send(400, _compile_errors([("rego_parse_error", str(exc), policy_id, 1, 1)]))
            parser = new_opa()
            try:
                parser.add_policy(policy_id, source)  # parses only
            except opa_error_type() as exc:
                return self._send(400, _compile_errors([_located(exc.message)]))
            finally:
                parser.close()
            with self.store.lock:
                self.store.modules[policy_id] = source
                self.store.changed()
            return self._send(200, {})
        if seg[:2] == ["v1", "data"]:
            try:
                value = json.loads(body or b"null")
            except ValueError as exc:
                return self._send(400, {"code": "invalid_parameter", "message": f"body is not JSON: {exc}"})
            with self.store.lock:
                _put(self.store.data, seg[2:], value)
                self.store.changed()
            return self._send(204)
        self._send(404, {"code": "resource_not_found", "message": "not found"})

    def do_DELETE(self) -> None:
        _, seg, _ = self._route()
        if not self._authorised():
            return
        with self.store.lock:
            if seg[:2] == ["v1", "policies"]:
                if self.store.modules.pop("/".join(seg[2:]), None) is None:
                    return self._send(404, {"code": "resource_not_found", "message": "storage_not_found_error"})
                self.store.changed()
                return self._send(200, {})
            if seg[:2] == ["v1", "data"] and _delete(self.store.data, seg[2:]):
                self.store.changed()
                return self._send(204)
        self._send(404, {"code": "resource_not_found", "message": "storage_not_found_error"})

    def do_POST(self) -> None:
        _, seg, _ = self._route()
        if not self._authorised():
            return
        if seg[:2] != ["v1", "data"]:
            return self._send(404, {"code": "resource_not_found", "message": "not found"})
        try:
            document = json.loads(self._body() or b"{}").get("input")
        except (ValueError, AttributeError) as exc:
            return self._send(400, {"code": "invalid_parameter", "message": f"body is not JSON: {exc}"})
        with self.store.lock:
            try:
                opa = self.store.compiled()
            except opa_error_type() as exc:
                return self._send(400, _compile_errors([_located(exc.message)]))
            from opa_bindings import OpaUndefinedError

            try:
                result = opa.eval_document(".".join(seg[2:]), document if document is not None else {})
            except OpaUndefinedError:
                result = _UNDEFINED
            except opa_error_type() as exc:
                return self._send(500, {"code": "internal_error", "message": exc.message})
        self._send(200, {} if result is _UNDEFINED else {"result": result})


def _located(message: str) -> tuple:
    m = _LOCATED.match(message.strip())
    if not m:
        return ("rego_compile_error", message, "", 0, 0)
    return (m["code"], m["message"].split("\n")[0], m["file"], int(m["row"]), 1)


_UNDEFINED = object()


def _compile_errors(errors) -> dict:
    return {"code": "invalid_parameter", "message": "error(s) occurred while compiling module(s)",
            "errors": [{"code": code, "message": message, "location": {"file": file, "row": row, "col": col}}
                       for code, message, file, row, col in errors]}


def _put(tree: dict, path: list[str], value) -> None:
    if not path:
        tree.clear()
        tree.update(value if isinstance(value, dict) else {})
        return
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    tree[path[-1]] = value


def _delete(tree: dict, path: list[str]) -> bool:
    for key in path[:-1]:
        tree = tree.get(key)
        if not isinstance(tree, dict):
            return False
    return tree.pop(path[-1], _UNDEFINED) is not _UNDEFINED if path else False


def serve(port: int = 0, token: str | None = None, tls: tuple[str, str] | None = None) -> ThreadingHTTPServer:
    handler = type("BoundHandler", (Handler,), {"store": Store(), "token": token})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()
    server = serve(args.port, args.token, (args.tls_cert, args.tls_key) if args.tls_cert else None)
    scheme = "https" if args.tls_cert else "http"
    print(f"listening on {scheme}://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
