"""One background worker for long library writes (imports), off the GUI thread.

    task = tasks.run(lambda t: library.import_paths(paths, progress=t.report, should_cancel=t.cancelled),
                     on_done=..., on_progress=..., on_error=...)
    task.cancel()

The function runs on the worker thread; every callback runs on the GUI thread
(signals with queued connections). Jobs run one at a time, in order.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count

from PySide6.QtCore import QObject, QThread, Signal, Slot


@dataclass
class Task:
    id: int
    fn: Callable
    on_done: Callable | None = None
    on_error: Callable | None = None
    on_progress: Callable | None = None
    _cancel: threading.Event = field(default_factory=threading.Event)
    _runner: _Runner | None = None

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int, message: str = "") -> None:
        """Called from the worker thread; delivered on the GUI thread."""
        if self._runner is not None:
            self._runner.progress.emit(self.id, done, total, message)


class _Runner(QObject):
    done = Signal(int, object)
    error = Signal(int, str)
    progress = Signal(int, int, int, str)

    @Slot(object)
    def run(self, task: Task) -> None:
        task._runner = self
        try:
            result = task.fn(task)
        except Exception as exc:  # reported to the user, never lost
            traceback.print_exc()
            self.error.emit(task.id, f"{type(exc).__name__}: {exc}")
        else:
            self.done.emit(task.id, result)


class TaskQueue(QObject):
    """Owns the worker thread. `finished(task_id, result)` is emitted after on_done ran."""

    _submit = Signal(object)
    started = Signal(int)
    finished = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._ids = count(1)
        self._tasks: dict[int, Task] = {}
        self._thread = QThread()
        self._thread.setObjectName("reader-worker")
        self._runner = _Runner()
        self._runner.moveToThread(self._thread)
        self._submit.connect(self._runner.run)
        self._runner.done.connect(self._on_done)
        self._runner.error.connect(self._on_error)
        self._runner.progress.connect(self._on_progress)
        self._thread.start()

    def run(self, fn, on_done=None, on_error=None, on_progress=None) -> Task:
        task = Task(next(self._ids), fn, on_done, on_error, on_progress)
        self._tasks[task.id] = task
        self.started.emit(task.id)
        self._submit.emit(task)
        return task

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def cancel_all(self) -> None:
        for task in self._tasks.values():
            task.cancel()

    def _on_done(self, task_id: int, result) -> None:
        task = self._tasks.pop(task_id, None)
        if task and task.on_done:
            task.on_done(result)
        self.finished.emit(task_id, result)

    def _on_error(self, task_id: int, message: str) -> None:
        task = self._tasks.pop(task_id, None)
        if task and task.on_error:
            task.on_error(message)
        self.failed.emit(task_id, message)

    def _on_progress(self, task_id: int, done: int, total: int, message: str) -> None:
        task = self._tasks.get(task_id)
        if task and task.on_progress:
            task.on_progress(done, total, message)

    def shutdown(self, wait_ms: int = 30000) -> None:
        """Cancel what runs and stop the thread (at window close)."""
        self.cancel_all()
        self._thread.quit()
        self._thread.wait(wait_ms)
