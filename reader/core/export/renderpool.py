"""Reading and rendering a large export's articles in worker processes.

Rendering (Jinja2, Markdown escapes) and reading the articles are most of an
export of everything's time, all of it Python holding one core, while the main
process has file creation, the manifest and its writer threads to do. Each
worker (`python -m reader.core.export_worker`, a plain subprocess: nothing
of the caller's main module is imported again) opens the library itself and
returns the bytes of each file: the same bytes as rendered in process, in the
same order. Messages are pickles, each after its length, over the worker's
standard input and output.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

POOL_MIN = 5000  # articles to render before a worker pays for its start (about a second)
AHEAD = 4  # batches sent ahead of the writing: bounds the memory held
_MAGIC = b"RDX1"  # begins every message: anything else on the pipe (a startup hook's print) is no answer
_HEAD = struct.Struct("<4sQ")


def worth_it(articles: int) -> bool:
    """Whether rendering this many articles in a worker beats rendering them here
    (a second core, and a Python to start it with: not in a frozen app)."""
    return articles >= POOL_MIN and (os.cpu_count() or 1) > 1 and not getattr(sys, "frozen", False)


def send(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEAD.pack(_MAGIC, len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    head = stream.read(_HEAD.size)
    if len(head) < _HEAD.size:
        raise EOFError
    magic, size = _HEAD.unpack(head)
    if magic != _MAGIC:
        raise ValueError(f"not a message of Reader's export worker: {head!r}")
    return pickle.loads(stream.read(size))  # our own worker's, and our own requests


def workers() -> int:
    """Worker processes: every core but one (the main process has the files to write), at most 3."""
    return max(1, min(3, (os.cpu_count() or 1) - 1))


class WorkerUnavailable(OSError):
    """No worker could start (a Python that cannot run Reader, say): render here."""


def render_in_worker(
    location: str | Path, fmt: str, options: dict[str, object], batches: Iterable[Sequence[int]]
) -> Iterator[list[tuple[int, bytes]]]:
    """(article id, file bytes) of each batch of ids, batch after batch, rendered by
    worker processes under these options (ExportOptions' fields but assets). The
    workers are started, and have opened the library, when this returns; iterate
    the result to the end (or close it) to stop them."""
    command = [sys.executable, "-m", "reader.core.export_worker"]
    pool: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(workers()):
            pool.append(subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE))
        for worker in pool:
            assert worker.stdin is not None
            send(worker.stdin, (str(location), fmt, options))
        for worker in pool:
            assert worker.stdout is not None
            kind, value = receive(worker.stdout)
            if kind != "ready":
                raise WorkerUnavailable(str(value))
    except (OSError, EOFError, ValueError, pickle.UnpicklingError) as exc:
        _stop(pool)
        raise WorkerUnavailable(str(exc)) from None
    return _results(pool, batches)


def _results(
    pool: list[subprocess.Popen[bytes]], batches: Iterable[Sequence[int]]
) -> Iterator[list[tuple[int, bytes]]]:
    try:
        pending: deque[Sequence[int]] = deque(batches)
        waiting: deque[subprocess.Popen[bytes]] = deque()  # who renders each batch sent, in order
        turn = 0
        while pending or waiting:
            while pending and len(waiting) < AHEAD * len(pool):
                worker = pool[turn % len(pool)]
                turn += 1
                assert worker.stdin is not None
                send(worker.stdin, list(pending.popleft()))
                waiting.append(worker)
            worker = waiting.popleft()
            assert worker.stdout is not None
            try:
                kind, value = receive(worker.stdout)
            except EOFError:
                raise OSError(f"the export's worker process stopped (exit status {worker.wait()})") from None
            if kind == "error":
                raise value
            yield value
    finally:
        _stop(pool)


def _stop(pool: list[subprocess.Popen[bytes]]) -> None:
    for worker in pool:
        if worker.poll() is None:
            worker.kill()
        for stream in (worker.stdin, worker.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # a worker gone: its pipe is broken
                    stream.close()
        worker.wait()
