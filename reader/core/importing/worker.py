"""What an import worker process runs: plain data in, plain data out."""

from __future__ import annotations

from pathlib import Path


def prepare_safely(path: Path):
    """prepare() for worker processes: a failure comes back as its reason (a str)."""
    from reader.core.importing.formats import ImportFailure
    from reader.core.importing.pipeline import prepare

    try:
        return prepare(path)
    except ImportFailure as exc:
        return str(exc)
    except RecursionError:
        return "the page is nested too deeply to read"
    except MemoryError:
        return "the page is too large to read in memory"
    except Exception as exc:  # never let one page stop a batch
        return f"could not read the page ({type(exc).__name__}: {exc})"


def watch_parent(parent_pid: int, interval: float = 0.5) -> None:
    """Pool initializer: end this worker when the importing process is gone.

    A killed (SIGKILL) or crashed importer cannot tell its workers to stop, and
    they would wait for work for ever; the pool's pipes stay open in them.
    """
    import os
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="reader-parent-watch", daemon=True).start()
