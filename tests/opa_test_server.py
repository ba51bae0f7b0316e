"""A small OPA-REST-compatible server backed by the embedded engine (rego-cpp), for tests where no
`opa` binary exists.

It is NOT OPA: it answers the part of OPA's REST API cxgov's OPA engine uses, in OPA's shapes, and
evaluates with rego-cpp. Tests against it exercise the whole REST path of `--engine opa` (pushing
policies and data under a run prefix, queries, result mapping, cleanup, errors); only a real `opa`
(tests use it when one is on PATH, as the project's GitHub CI does) checks parity with OPA itself.

    PUT/DELETE /v1/policies/<id>      a module (checked for syntax; compiled on the next query)
    GET        /v1/policies           the modules
    GET        /v1/data/<path>        documents (not rules)
    PUT/DELETE /v1/data/<path>        documents
    POST       /v1/data/<path>        {"input": ...} -> {"result": ...}; a rule, a package (its rules
                                      as an object) or a document; undefined -> {}
    GET        /health

Unlike OPA, which compiles on every PUT, it compiles when first queried after a change (rego-cpp
takes ~0.6 s for the builtin packs), so a compile error comes back on that query, as a 400 in OPA's
error shape. `--token` requires `Authorization: Bearer <token>`; `--tls-cert`/`--tls-key` serve HTTPS.

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

from cxgov.errors import PolicyError  # noqa: E402
from cxgov.engine.capture import captured_output  # noqa: E402
from cxgov.engine.regocpp import QueryError, compile_bundle, query  # noqa: E402
from cxgov.engine.rego_source import RegoSyntaxError, parse_module  # noqa: E402

_LOCATED = re.compile(r"^(?P<file>.+?):(?P<row>\d+):(?P<col>\d+): (?P<message>.*?)(?: \(and \d+ more\))?$", re.S)


class Store:
    """Modules, data and the compiled bundle; one lock, since rego-cpp's interpreter is not thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.modules: dict[str, str] = {}
        self.data: dict = {}
        self.compiled = None  # (interp, bundle, {entrypoint path}, {package: [rule names]})

    def changed(self) -> None:
        self.compiled = None

    def compile(self):
        if self.compiled is None:
            rules: dict[str, set[str]] = {}
            for path, source in self.modules.items():
                module = parse_module(path, source)
                names = rules.setdefault(module.package, set())
                names.update(r.name for r in module.rules if not r.is_function)
            entrypoints = sorted(f"{pkg.replace('.', '/')}/{name}" for pkg, names in rules.items() for name in names)
            interp, bundle = compile_bundle(self.data, dict(self.modules), entrypoints or ["none/none"])
            self.compiled = (interp, bundle, set(entrypoints), {k: sorted(v) for k, v in rules.items()})
        return self.compiled


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
                parse_module(policy_id, body.decode())
            except (RegoSyntaxError, UnicodeDecodeError) as exc:
                row, col = getattr(exc, "line", 1), getattr(exc, "col", 1)
                return self._send(400, _compile_errors([("rego_parse_error", str(exc), policy_id, row, col)]))
            with self.store.lock:
                self.store.modules[policy_id] = body.decode()
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
                interp, bundle, entrypoints, rules = self.store.compile()
            except PolicyError as exc:
                m = _LOCATED.match(exc.message)
                error = (("rego_compile_error", m["message"], m["file"], int(m["row"]), int(m["col"])) if m
                         else ("rego_compile_error", exc.message, "", 0, 0))
                return self._send(400, _compile_errors([error]))
            try:
                result = self._evaluate(interp, bundle, entrypoints, rules, seg[2:], document)
            except QueryError as exc:
                return self._send(500, {"code": "internal_error", "message": f"eval_builtin_error: {exc}"})
        self._send(200, {} if result is _UNDEFINED else {"result": result})

    def _evaluate(self, interp, bundle, entrypoints, rules, path: list[str], document):
        from regopy import Input

        with captured_output() as out:
            interp.set_input(Input(document if document is not None else {}))
            try:
                return self._value(interp, bundle, entrypoints, rules, path)
            except QueryError as exc:
                lines = out.text().strip().splitlines()
                raise QueryError(lines[-1] if lines and str(exc) == "evaluation failed" else str(exc)) from None

    def _value(self, interp, bundle, entrypoints, rules, path: list[str]):
        joined = "/".join(path)
        if joined in entrypoints:
            value = query(interp, bundle, joined)
            return _UNDEFINED if value is None else value
        package = ".".join(path)
        if package in rules:  # a package: its defined rules as an object
            values = {name: query(interp, bundle, f"{joined}/{name}") for name in rules[package]}
            return {k: v for k, v in values.items() if v is not None}
        node = self.store.data
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return _UNDEFINED
            node = node[key]
        return node


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
