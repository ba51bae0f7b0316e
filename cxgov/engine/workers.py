"""The parent side of the embedded engine's worker processes: start them, feed them batches, and
stop any that passes its deadline or dies at its memory limit.

Every evaluation runs in a worker (cxgov/engine/worker.py), even a small one: only a separate
process can be stopped in the middle of a Go call, and only a process of its own can have its
address space capped without capping cxgov's. A worker is a fresh interpreter (`python -c`), so
nothing is ever forked from a process that runs Go; cxgov's own process never loads OPA.

One thread per worker sends a batch, waits for the answer until the batch's deadline, and kills
the worker when it passes; the caller consumes answers in its own thread, in completion order.
An engine starts its first worker when it is made (`prestart`), so starting Python and loading OPA
overlap with reading the files; the run's policies reach it when evaluation begins.
"""

from __future__ import annotations

import os
import queue
import selectors
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cxgov.engine.bounds import EvalBounds
from cxgov.engine.worker import _HEADER, MARK, send

# Go's collector runs at GOGC=400 in workers (10-25% faster here, for a larger heap); a soft memory
# limit at 80% of the hard one makes it collect harder before the hard limit is reached. A value
# the user set wins.
WORKER_GOGC = "400"
SOFT_LIMIT = 0.8
LOAD_TIMEOUT = 120.0  # loading and compiling the policies, at least (a busy CI runner can be slow)
_BOOT = "import sys; sys.path[:] = {path!r}; from cxgov.engine.worker import main; main()"


@dataclass(eq=False)
class Failure(Exception):
    """A batch could not be evaluated. `kind`: time (deadline passed), memory (limit reached),
    crash (the worker died otherwise), or a worker's own error kind (policy, engine, input, eval)."""

    kind: str
    batch: int | None  # None: while loading the policies
    doc: int | None = None  # the document of the batch being evaluated, when known
    package: int | None = None  # the index of the package being evaluated, when known
    message: str = ""
    hint: str | None = None


class _Worker:
    def __init__(self, bounds: EvalBounds):
        self.bounds = bounds
        self.tmp = tempfile.mkdtemp(prefix="cxgov-eval-")
        self.marker_path = os.path.join(self.tmp, "marker")
        with open(self.marker_path, "wb") as fh:
            fh.write(MARK.pack(-1, -1, -1))
        self.stderr_path = os.path.join(self.tmp, "stderr")
        self._stderr = open(self.stderr_path, "wb")
        env = dict(os.environ)
        env.setdefault("GOGC", WORKER_GOGC)
        env.setdefault("GOMEMLIMIT", str(int(bounds.memory * SOFT_LIMIT)))
        env.setdefault("MALLOC_ARENA_MAX", "2")  # glibc reserves 64 MB of address space per thread arena
        self.proc = subprocess.Popen([sys.executable, "-c", _BOOT.format(path=sys.path)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._stderr, env=env, close_fds=True)
        self._buffer = bytearray()
        self._selector = selectors.DefaultSelector()
        os.set_blocking(self.proc.stdout.fileno(), False)
        self._selector.register(self.proc.stdout, selectors.EVENT_READ)

    def send(self, message) -> bool:
        try:
            send(self.proc.stdin, message)
            return True
        except (BrokenPipeError, OSError):
            return False

    def receive(self, deadline: float):
        """The next message, "timeout" when the deadline passed first, or None when the worker died."""
        import pickle

        fd = self.proc.stdout.fileno()
        while True:
            if len(self._buffer) >= _HEADER.size:
                size = _HEADER.unpack_from(self._buffer)[0]
                if len(self._buffer) >= _HEADER.size + size:
                    data = bytes(self._buffer[_HEADER.size:_HEADER.size + size])
                    del self._buffer[:_HEADER.size + size]
                    return pickle.loads(data)
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout"
            if not self._selector.select(min(left, 1.0)):
                continue
            try:
                chunk = os.read(fd, 1 << 20)
            except BlockingIOError:
                continue
            if not chunk:
                return None
            self._buffer += chunk

    def marker(self) -> tuple[int, int, int]:
        with open(self.marker_path, "rb") as fh:
            return MARK.unpack(fh.read(MARK.size))

    def died(self) -> Failure:
        """What killed a worker that stopped answering: its memory limit, or something else."""
        code = self.proc.wait()
        self._stderr.flush()
        with open(self.stderr_path, "rb") as fh:
            text = fh.read(16384).decode("utf-8", "replace")
        if "out of memory" in text or "MemoryError" in text:  # the Go runtime or Python at RLIMIT_AS
            return Failure("memory", None)
        if code < 0:
            import signal

            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            return Failure("crash", None, message=f"the engine worker was killed by {name} (the system's "
                                                  "out-of-memory killer, or another process)")
        last = next((line for line in text.splitlines() if line.strip()), "")
        return Failure("crash", None, message=f"the engine worker exited with code {code}" + (f": {last}" if last else ""))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self._selector.close()
        self._stderr.close()
        import shutil

        shutil.rmtree(self.tmp, ignore_errors=True)


_WARM: list[_Worker] = []
_WARM_LOCK = threading.Lock()


def prestart(bounds: EvalBounds) -> None:
    """Start a worker now, for the next evaluation with these bounds to take (one waits at most; it is
    stopped at exit if none does)."""
    with _WARM_LOCK:
        if any(w.bounds == bounds and w.proc.poll() is None for w in _WARM):
            return
        if not _WARM:
            import atexit

            atexit.register(_stop_warm)
        _WARM.append(_Worker(bounds))


def _take_warm(bounds: EvalBounds) -> _Worker | None:
    with _WARM_LOCK:
        for worker in _WARM:
            if worker.bounds == bounds:
                _WARM.remove(worker)
                if worker.proc.poll() is None:
                    return worker
                worker.stop()
                return None
    return None


def _stop_warm() -> None:
    with _WARM_LOCK:
        while _WARM:
            _WARM.pop().stop()


def evaluate(batches: int, make: Callable[[int], list[dict]], *, workers: int, data: dict,
             modules: dict[str, str], bounds: EvalBounds) -> Iterator[tuple[int, list]]:
    """Yield (batch index, collector rows) for each of `batches` batches (`make(i)` builds batch i's
    documents) as workers finish them; raise Failure for the first batch that could not be evaluated."""
    tasks: queue.Queue[int] = queue.Queue()
    for i in range(batches):
        tasks.put(i)
    results: queue.Queue = queue.Queue()
    stop = threading.Event()
    threads = [threading.Thread(target=_drive, args=(tasks, results, stop, make, data, modules, bounds), daemon=True)
               for _ in range(max(1, min(workers, batches)))]
    for thread in threads:
        thread.start()
    try:
        done = 0
        while done < batches:
            item = results.get()
            if isinstance(item, Failure):
                raise item
            done += 1
            yield item
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def _drive(tasks: queue.Queue, results: queue.Queue, stop: threading.Event, make: Callable[[int], list[dict]],
           data: dict, modules: dict[str, str], bounds: EvalBounds) -> None:
    """One worker's life: load the policies, then evaluate batches until none are left or one fails."""
    worker = _take_warm(bounds) or _Worker(bounds)
    watcher = threading.Thread(target=_kill_on_stop, args=(worker, stop), daemon=True)
    watcher.start()
    try:
        reply = worker.receive(time.monotonic() + max(bounds.timeout, LOAD_TIMEOUT)) \
            if worker.send(("init", data, modules, bounds.memory, worker.marker_path)) else None
        if reply != ("ready",):
            results.put(_failure(worker, reply, None, -1))
            return
        seq = 0
        while not stop.is_set():
            try:
                index = tasks.get_nowait()
            except queue.Empty:
                return
            seq += 1
            docs = make(index)
            sent = worker.send(("eval", seq, docs, bounds.timeout))
            reply = worker.receive(time.monotonic() + bounds.timeout) if sent else None
            if isinstance(reply, tuple) and reply[0] == "rows" and reply[1] == seq:
                results.put((index, reply[2]))
                continue
            results.put(_failure(worker, reply, index, seq))
            return
    except BaseException as exc:  # noqa: BLE001 - whatever broke here, the batch was not evaluated
        results.put(Failure("crash", None, message=f"{type(exc).__name__}: {exc}"))
    finally:
        worker.stop()


def _kill_on_stop(worker: _Worker, stop: threading.Event) -> None:
    """Another batch failed (or the caller stopped early): this worker's answer is not needed."""
    stop.wait()
    if worker.proc.poll() is None:
        worker.proc.kill()


def _failure(worker: _Worker, reply, index: int | None, seq: int) -> Failure:
    """The Failure a reply (an error tuple, "timeout", or None for a dead worker) stands for."""
    if isinstance(reply, tuple) and reply and reply[0] == "error":
        _, kind, message, doc, hint = reply
        return Failure(kind, index, doc, None, message, hint)
    if reply == "timeout":
        worker.proc.kill()
        worker.proc.wait()
        failure = Failure("time", index)
    elif reply is None:
        failure = worker.died()
        failure = Failure(failure.kind, index, message=failure.message)
    else:
        failure = Failure("crash", index, message=f"unexpected answer from the engine worker: {reply!r:.200}")
    mark_seq, doc, package = worker.marker()
    if mark_seq == seq:
        return Failure(failure.kind, index, doc if doc >= 0 else None, package if package >= 0 else None,
                       failure.message)
    return failure
