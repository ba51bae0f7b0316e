"""The child side of the embedded engine: one OPA in its own process, under the run's bounds.

Started by cxgov/engine/workers.py as `python -c ...` (a fresh interpreter: never a fork of a
process that runs Go). It talks over stdin/stdout in length-prefixed pickle frames:

    <- ("init", data, modules, memory, marker_path)     -> ("ready",) | ("error", ...)
    <- ("eval", seq, docs, timeout)                      -> ("rows", seq, rows) | ("error", ...)

Once OPA is loaded (the Go runtime alone reserves ~1.6 GB of address space it never touches), the
address space is capped at that plus `memory` (RLIMIT_AS), so a policy that grows without end makes
the Go runtime fail here, not the machine. While it evaluates, two generated builtins record which
document of the batch and which policy package are being evaluated in `marker_path`, a file the
parent reads when it had to stop this process at the time limit or it died at the memory limit.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import threading
import time

BATCH_QUERY = "cxgov_batch.batch"
# each item of input.docs `with input as` its document, through the collector of its kind; the
# marker builtin records which item is being evaluated (the collectors record the package)
BATCH_MODULE = """package cxgov_batch

import rego.v1

batch := [r |
	some i, item in input.docs
	cxgov.at_subject(i)
	r := data.cxgov_run[item.kind].results with input as item.doc
]
"""
# the same without the marker: a marker is a call from Go into Python, several per document, which
# costs a quarter of a check's evaluation; the embedded engine marks only a batch it evaluates again
# to learn where a limit was reached
UNMARKED_BATCH_MODULE = BATCH_MODULE.replace("\tcxgov.at_subject(i)\n", "")
_HEADER = struct.Struct("<Q")
MARK = struct.Struct("<qii")  # batch seq, document index in the batch, package index (-1: not yet)


def send(stream, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def receive(stream):
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None  # the parent closed the pipe: stop
    size = _HEADER.unpack(header)[0]
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def address_space() -> int:
    """This process's mapped address space in bytes (VmSize), what RLIMIT_AS caps."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


class _Marker:
    """Where evaluation is: written in place (pwrite) into a small file, so it survives a kill."""

    def __init__(self, path: str):
        self.fd = os.open(path, os.O_WRONLY)
        self.seq = self.doc = self.package = -1

    def subject(self, index) -> bool:
        self.doc, self.package = int(index), -1
        os.pwrite(self.fd, MARK.pack(self.seq, self.doc, self.package), 0)
        return True

    def enter(self, index) -> bool:
        self.package = int(index)
        os.pwrite(self.fd, MARK.pack(self.seq, self.doc, self.package), 0)
        return True


def _watch_parent(parent: int, deadline: list[float]) -> None:
    """Exit when the cxgov process is gone, or long after a batch's deadline (the parent kills first)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent or (deadline[0] and time.monotonic() > deadline[0]):
            os._exit(70)


class Loaded:
    """OPA with the run's data and modules, the address space capped, the batch query prepared.
    `error` is set instead when that failed: (kind, message, document index, hint)."""

    def __init__(self, data: dict, modules: dict[str, str], memory: int, marker: _Marker, loaded: tuple):
        import resource

        from cxgov.engine.opa_library import describe, is_compile_error, opa_error_type

        self.modules, self.error, self.opa = modules, None, None
        self._describe, self._opa_error = describe, opa_error_type()
        opa, baseline, error = loaded
        if error is not None:  # the library is missing or does not load
            self.error = error
            return
        self.opa = opa
        limit = baseline + memory
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        opa.register_function("cxgov.at_subject", marker.subject, arity=1)
        opa.register_function("cxgov.at_package", marker.enter, arity=1)
        try:
            opa.add_data(data)
            for path, source in modules.items():
                opa.add_policy(path, source)
            opa.eval_document(BATCH_QUERY, {"docs": []})  # compiles and prepares the one query now
        except self._opa_error as exc:
            kind = "policy" if is_compile_error(exc) else "engine"
            self.error = (kind, describe(exc.message, modules), None, None)

    def evaluate(self, docs: list[dict]) -> tuple:
        """("rows", [collector rows per document]) or ("error", kind, message, document index, hint)."""
        try:
            return ("rows", self._query(docs))
        except (TypeError, ValueError) as exc:  # the library's JSON encoding refused a value
            culprit = next((i for i, d in enumerate(docs) if not _encodable(d["doc"])), 0)
            return ("error", "input", f"cannot pass this document to the engine: {exc}", culprit, None)
        except self._opa_error as exc:
            if getattr(exc, "code", "") in ("parse_error", "prepare_error", "compile_error"):
                return ("error", "policy", self._describe(exc.message, self.modules), None, None)
            culprit = 0
            if len(docs) > 1:  # the same query, one document at a time: find the one that fails
                for i, doc in enumerate(docs):
                    try:
                        self._query([doc])
                    except self._opa_error as one:
                        culprit, exc = i, one
                        break
            return ("error", "eval", self._describe(exc.message, self.modules), culprit, None)

    def _query(self, docs: list[dict]) -> list:
        return self.opa.eval_document(BATCH_QUERY, {"docs": docs})


def _encodable(doc) -> bool:
    import json

    try:
        json.dumps(doc, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def _load_engine() -> tuple:
    """(OPA, address space once it is loaded, None), or (None, 0, error tuple) when it cannot load."""
    from cxgov.engine.opa_library import new_opa
    from cxgov.errors import CxgovError

    try:
        opa = new_opa()
    except CxgovError as exc:
        return None, 0, ("engine", exc.message, None, exc.hint)
    return opa, address_space(), None


def main() -> None:
    proto_in = sys.stdin.buffer
    proto_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything else printed (Go, Python) goes to stderr, never into the protocol
    deadline = [0.0]
    threading.Thread(target=_watch_parent, args=(os.getppid(), deadline), daemon=True).start()
    loaded = _load_engine()  # while the parent is still reading the run's files
    message = receive(proto_in)
    if message is None or message[0] != "init":
        return
    _, data, modules, memory, marker_path = message
    marker = _Marker(marker_path)
    try:
        loaded = Loaded(data, modules, memory, marker, loaded)
    except MemoryError:
        send(proto_out, ("error", "memory", "", None, None))
        return
    if loaded.error:
        send(proto_out, ("error", *loaded.error))
        return
    send(proto_out, ("ready",))
    while True:
        message = receive(proto_in)
        if message is None:
            return
        _, seq, docs, timeout = message
        marker.seq = seq
        deadline[0] = time.monotonic() + timeout + 5
        try:
            reply = loaded.evaluate(docs)
        except MemoryError:
            reply = ("error", "memory", "", marker.doc, None)
        deadline[0] = 0.0
        send(proto_out, ("rows", seq, reply[1]) if reply[0] == "rows" else reply)
