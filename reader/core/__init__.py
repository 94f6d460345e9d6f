"""The Qt-free core: storage, import, annotations, search and export.

Nothing below this package may import PySide6 (tests/core/test_no_qt.py checks).
Names are loaded on first use, so that import worker processes, which need only
reader.core.importing, do not pay for SQLAlchemy.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Library", "LibraryError", "default_library_dir", "resolve_library_dir"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from reader.core import library

        return getattr(library, name)
    raise AttributeError(f"module 'reader.core' has no attribute {name!r}")
