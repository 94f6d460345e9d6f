"""The window's one way to the library (as Anki's CollectionOp): every operation runs
off the GUI thread, returns what it changed, and the change is announced on one signal.

    ops = LibraryOps(library, parent=window)
    ops.changed.connect(panel.apply_change)          # every view refreshes itself from here
    ops.run(lambda lib: lib.set_archived(7, True), on_done=..., on_error=...)
    task = ops.run_long(lambda lib, task: lib.import_paths(paths, progress=task.report,
                                                           should_cancel=task.cancelled),
                        on_done=..., on_progress=...)
    task.cancel()

A job returns a `Change`, a list of them, an `OpResult(value, changes)`, or any value
that has a `changes` list (e.g. an AnnotationImport). On the GUI thread, each change
is emitted on `changed` first, then `on_done(value)` runs; a job that raises hands
the exception itself to `on_error` (never a string to parse back).

Two lanes, one discipline. Short jobs (highlights, notes, tags, archive, progress,
deletes, and reads that can be slow) run in order on the "ops" lane; long jobs
(imports, exports, annotation imports) on the "long" lane. An import can take
minutes, and between its short per-article transactions it prepares the next page
(parse, extract), which can take seconds: a highlight queued behind it would wait
that long. On its own lane the highlight waits at most for one article's
transaction (SQLite's write lock, with its busy timeout), so the GUI never waits
and the ops lane never waits behind a whole import. Jobs within a lane keep their
order, which undo/redo rely on. The GUI thread itself never writes.

Other processes (the `reader` command on the same library) are noticed by polling the
library's signature (SQLite's data_version: any commit by anyone, in microseconds)
every second, announced as Change("library-changed"); views then read again and
redraw only what differs. The poll waits while short jobs are in flight, so the
window's own change is always announced, precisely, before the poll can see it;
the window's own writes also move the signature, and the read that follows finds
nothing new to draw.
"""

from __future__ import annotations

import errno
import queue
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from reader.core.domain import Change
from reader.core.errors import LibraryError

LIBRARY_CHANGED = "library-changed"  # anything may have changed (another process, a bulk job)
ARTICLES_ADDED = "articles-added"  # an import added articles


@dataclass(frozen=True)
class OpResult:
    value: Any
    changes: tuple[Change, ...] = ()


def _result_of(value: Any) -> OpResult:
    if isinstance(value, OpResult):
        return value
    if isinstance(value, Change):
        return OpResult(value, (value,))
    if isinstance(value, (list, tuple)) and value and all(isinstance(c, Change) for c in value):
        return OpResult(value, tuple(value))
    changes = getattr(value, "changes", None)
    if isinstance(changes, (list, tuple)) and all(isinstance(c, Change) for c in changes):
        return OpResult(value, tuple(changes))
    return OpResult(value, ())


def describe(exc: BaseException) -> str:
    """One line for the user, from a real exception."""
    if isinstance(exc, (LibraryError, ValueError)):  # the core's messages for the reader
        return str(exc).split("\n")[0]
    if isinstance(exc, OSError):
        reason = exc.strerror or errno.errorcode.get(exc.errno or 0, "") or str(exc)
        return f"{exc.filename}: {reason}" if exc.filename else reason
    text = str(exc).split("\n")[0]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass
class Task:
    id: int
    fn: Callable[[Task], Any]
    library: Any
    long: bool
    on_done: Callable | None = None
    on_error: Callable | None = None
    on_progress: Callable | None = None
    _cancel: threading.Event = field(default_factory=threading.Event)
    _bridge: _Bridge | None = None

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int, message: str = "") -> None:
        """Called from the worker thread; delivered on the GUI thread."""
        if self._bridge is not None:
            self._bridge.progress.emit(self.id, done, total, str(message))


class _Bridge(QObject):
    """Lives on the GUI thread; a lane's thread emits, Qt queues the calls over."""

    done = Signal(int, object)  # task id, OpResult
    error = Signal(int, object)  # task id, the exception
    progress = Signal(int, int, int, str)


class _Lane:
    """One thread running jobs in the order given."""

    def __init__(self, name: str, bridge: _Bridge) -> None:
        self.bridge = bridge
        self._queue: queue.SimpleQueue[Task | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> None:
        if not self._thread.is_alive() and self._thread.ident is None:
            self._thread.start()

    def submit(self, task: Task) -> None:
        self._queue.put(task)

    def _loop(self) -> None:
        while True:
            task = self._queue.get()
            if task is None:
                return
            task._bridge = self.bridge
            try:
                result = _result_of(task.fn(task))
            except Exception as exc:
                if not isinstance(exc, (LibraryError, OSError, ValueError)):
                    traceback.print_exception(exc, file=sys.stderr)
                self.bridge.error.emit(task.id, exc)
            else:
                self.bridge.done.emit(task.id, result)

    def stop(self, timeout: float) -> bool:
        """Run what is queued, then end; False if it did not end in time."""
        self.start()  # jobs queued before the start still run
        self._queue.put(None)
        self._thread.join(timeout)
        return not self._thread.is_alive()


class LibraryOps(QObject):
    """Owned by the window. `changed(Change)` is the one signal views refresh from."""

    changed = Signal(object)  # domain.Change

    def __init__(self, library, parent=None, poll_ms: int = 0, start: bool = True) -> None:
        super().__init__(parent)
        self.library = library
        self._ids = count(1)
        self._tasks: dict[int, Task] = {}
        self._held: list[tuple] = []
        self.closed = False
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._on_done)
        self._bridge.error.connect(self._on_error)
        self._bridge.progress.connect(self._on_progress)
        self._lanes = {False: _Lane("reader-ops", self._bridge), True: _Lane("reader-long", self._bridge)}
        if start:
            self.start()
        self._known = self._signature()
        self._poll = QTimer(self, interval=max(poll_ms, 1))
        self._poll.timeout.connect(self.poll)
        if poll_ms > 0:
            self._poll.start()

    # -- running jobs ------------------------------------------------------------------

    def start(self) -> None:
        """Start the lanes' threads (made with start=False: the window starts them after its
        first paint). Jobs given before wait, in order."""
        for lane in self._lanes.values():
            lane.start()

    def run(self, fn: Callable[[Any], Any], on_done=None, on_error=None) -> Task:
        """A short job `fn(library)` on the ops lane."""
        return self._submit(lambda task: fn(task.library), False, on_done, on_error, None)

    def run_long(self, fn: Callable[[Any, Task], Any], on_done=None, on_error=None, on_progress=None) -> Task:
        """A long job `fn(library, task)` on the long lane; it may call task.report() and
        should stop when task.cancelled()."""
        return self._submit(lambda task: fn(task.library, task), True, on_done, on_error, on_progress)

    def _submit(self, fn, long: bool, on_done, on_error, on_progress) -> Task:
        if self.closed:
            raise RuntimeError("the library operations were shut down with the window")
        task = Task(next(self._ids), fn, self.library, long, on_done, on_error, on_progress)
        self._tasks[task.id] = task
        self._lanes[long].submit(task)
        return task

    @property
    def busy(self) -> bool:
        """Some job has not finished (its callbacks not yet run)."""
        return bool(self._tasks)

    def announce(self, change: Change) -> None:
        """A change the window learned of without running a job (e.g. an article found gone)."""
        self.changed.emit(change)

    def _short_in_flight(self) -> bool:
        return any(not t.long for t in self._tasks.values())

    def _hold(self, task_id: int, handler, payload) -> bool:
        """A long job's broad changes wait until no short job is in flight: views then read
        the library again and must find only changes already announced as the window's own."""
        task = self._tasks.get(task_id)
        if task is not None and task.long and self._short_in_flight():
            self._held.append((handler, task_id, payload))
            return True
        return False

    def _on_done(self, task_id: int, result: OpResult) -> None:
        if self._hold(task_id, self._on_done, result):
            return
        task = self._tasks.pop(task_id, None)
        for change in result.changes:
            self.changed.emit(change)
        if task is not None and task.on_done is not None:
            task.on_done(result.value)
        self._settle()

    def _on_error(self, task_id: int, exc: BaseException) -> None:
        if self._hold(task_id, self._on_error, exc):
            return
        task = self._tasks.pop(task_id, None)
        if task is not None and task.long:
            # A long job may have written part of its work (articles are stored one by one).
            self.changed.emit(Change(LIBRARY_CHANGED))
        if task is not None and task.on_error is not None:
            task.on_error(exc)
        self._settle()

    def _on_progress(self, task_id: int, done: int, total: int, message: str) -> None:
        task = self._tasks.get(task_id)
        if task is not None and task.on_progress is not None:
            task.on_progress(done, total, message)

    def _settle(self) -> None:
        if self._held and not self._short_in_flight():
            held, self._held = self._held, []
            for handler, task_id, payload in held:
                handler(task_id, payload)

    # -- other processes -----------------------------------------------------------------

    def _signature(self) -> tuple | None:
        try:
            return self.library.signature()  # SQLite's data_version: any commit, by anyone
        except Exception:
            return None

    def poll(self) -> bool:
        """Announce Change("library-changed") if the library changed since the last poll;
        True when it did. Waits while the window's own short jobs are in flight."""
        if self._short_in_flight():
            return False
        signature = self._signature()
        if signature is None or signature == self._known:
            return False
        first = self._known is None
        self._known = signature
        if not first:
            self.changed.emit(Change(LIBRARY_CHANGED))
        return not first

    def shutdown(self, short_timeout: float = 30.0, long_timeout: float = 10.0) -> None:
        """At window close: let queued short jobs (a last note, the reading position)
        finish, cancel long ones and give them a moment to stop between articles. A
        long job still running after that is left to end with the process: every
        article is its own transaction, so nothing half-written remains."""
        if self.closed:
            return
        self.closed = True
        self._poll.stop()
        for task in self._tasks.values():
            if task.long:
                task.cancel()
        self._lanes[False].stop(short_timeout)
        self._lanes[True].stop(long_timeout)


__all__ = ["ARTICLES_ADDED", "LIBRARY_CHANGED", "LibraryOps", "OpResult", "Task", "describe"]
