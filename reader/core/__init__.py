"""The Qt-free core: storage, import, annotations, search and export.

Nothing below this package may import PySide6 (tests/core/test_no_qt.py checks).
"""

from reader.core.library import Library, LibraryError, default_library_dir, resolve_library_dir

__all__ = ["Library", "LibraryError", "default_library_dir", "resolve_library_dir"]
