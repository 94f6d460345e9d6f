"""What an import worker process runs: plain data in, plain data out.

Each page gets a hard time limit (PREPARE_LIMIT seconds, READER_PREPARE_LIMIT
in the environment overrides it). Inside a worker process, and in the main
thread of an importing process, a SIGALRM timer interrupts the page and it
fails with its reason while the process goes on with the next page. Where no
signal can be used (another thread, Windows) or the page is stuck in C code,
the importing process ends the worker (library.py, _run_pool).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from reader.core.importing.pipeline import PreparedArticle

PREPARE_LIMIT = 60.0
LIMIT_ENV = "READER_PREPARE_LIMIT"


class PrepareTimeout(BaseException):
    """Raised by the timer. Not an Exception: the pipeline's own `except
    Exception` fallbacks must not catch it and carry on."""


def prepare_limit() -> float:
    """Seconds one page may take to prepare."""
    try:
        value = float(os.environ.get(LIMIT_ENV, ""))
    except ValueError:
        return PREPARE_LIMIT
    return value if value > 0 else PREPARE_LIMIT


def too_long(limit: float) -> str:
    return f"took too long to prepare (over {limit:g} s)"


def prepare_safely(path: Path, limit: float | None = None) -> PreparedArticle | str:
    """prepare() for worker processes: a failure comes back as its reason (a str)."""
    from reader.core.importing.formats import ImportFailure
    from reader.core.importing.pipeline import prepare

    limit = limit or prepare_limit()
    try:
        with time_limit(limit):
            return prepare(path)
    except PrepareTimeout:
        return too_long(limit)
    except ImportFailure as exc:
        return str(exc)
    except RecursionError:
        return "the page is nested too deeply to read"
    except MemoryError:
        return "the page is too large to read in memory"
    except Exception as exc:  # never let one page stop a batch
        return f"could not read the page ({type(exc).__name__}: {exc})"


def can_interrupt() -> bool:
    """A timer signal can stop work here (only the main thread receives signals)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise PrepareTimeout in this thread after `seconds`, where signals allow it."""
    if not can_interrupt():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> NoReturn:
        raise PrepareTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def watch_parent(parent_pid: int, interval: float = 0.5) -> None:
    """Pool initializer: end this worker when the importing process is gone.

    A killed (SIGKILL) or crashed importer cannot tell its workers to stop, and
    they would wait for work for ever; the pool's pipes stay open in them.
    """
    import time

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="reader-parent-watch", daemon=True).start()
