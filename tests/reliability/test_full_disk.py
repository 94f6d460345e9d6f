"""A disk that refuses to grow a file (full, or a file size limit, which fails
writes the same way): one line naming the file, and the library is never called
damaged (its advice, "restore it from a backup", would cost the work since)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core import Library

resource = pytest.importorskip("resource")  # POSIX


def _limited(limit: int, *args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real `reader ARGS` in a child whose writes past `limit` bytes of a file
    fail (EFBIG; SQLite sees an I/O error), as on a disk with no room left."""

    def limit_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the error, not the signal
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        preexec_fn=limit_files,
        timeout=120,
    )


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs POSIX file size limits")
def test_a_disk_without_room_is_one_line_and_never_called_damage(article_page, tmp_path):
    folder = tmp_path / "lib"
    with Library.open(folder) as library:
        library.import_paths([article_page], workers=1)
    before = (folder / "library.db").read_bytes()

    # Opening a library needs room for SQLite's shared-memory file (32 KB).
    for command in (["list"], ["note", "1", "a note"], ["check"]):
        line = _one_line(_limited(16_000, "-m", "reader", "--library", folder, *command, cwd=tmp_path))
        assert str(folder / "library.db") in line and "disk" in line, line
        assert "damaged" not in line and "backup" not in line, line
    assert (folder / "library.db").read_bytes() == before

    # The export folder's manifest: named, and not called unreadable ("move it away").
    out = tmp_path / "out"
    line = _one_line(
        _limited(40_000, "-m", "reader", "--library", folder, "export", "--all", "--out", out, cwd=tmp_path)
    )
    assert str(out / ".reader-export" / "manifest.db") in line and "move it away" not in line, line
    shutil.rmtree(out)

    # A file that cannot be written whole: named, and nothing half-written left.
    code = "import sys; from reader.core.export.writing import write_atomic; write_atomic(sys.argv[1], b'x' * 100_000)"
    result = _limited(50_000, "-c", code, tmp_path / "notes.md", cwd=tmp_path)
    assert result.returncode == 1 and f"'{tmp_path / 'notes.md'}'" in result.stderr.splitlines()[-1], result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lib", "pages"]
