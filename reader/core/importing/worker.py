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
