"""Opening a large library probes its big tables instead of reading every page
(quick_check of 500,000 highlights took 0.4 s at every open): damage at the
places a cut or garbled file shows it is still refused at open, in one line."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from reader.core import Library, LibraryError
from reader.core.storage import db


def _library_bytes(tmp_path: Path, article_page: Path) -> bytes:
    folder = tmp_path / "good"
    with Library.open(folder) as library:
        [outcome] = library.import_paths([article_page], workers=1)
        for k in range(40):
            library.add_highlight(outcome.id, k, k + 5)
    conn = sqlite3.connect(folder / "library.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return (folder / "library.db").read_bytes()


def _garble_root(data: bytes, table: str, tmp_path: Path) -> bytes:
    probe = tmp_path / "probe.db"
    probe.write_bytes(data)
    conn = sqlite3.connect(f"file:{probe}?immutable=1", uri=True)
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.close()
    size = int.from_bytes(data[16:18], "big")
    start = (page - 1) * size
    noise = bytes(random.Random(page).randrange(256) for _ in range(size))
    return data[:start] + noise + data[start + size :]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("damage", ["articles garbled", "highlights garbled", "cut to a third"])
def test_a_large_library_is_probed_and_damage_still_refused(tmp_path, article_page, monkeypatch, damage):
    good = _library_bytes(tmp_path, article_page)
    monkeypatch.setattr(db, "FULL_CHECK_PAGES", 0)  # every library counts as large here
    if damage == "cut to a third":
        data = good[: len(good) // 3]
    else:
        data = _garble_root(good, damage.split()[0], tmp_path)
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "library.db").write_bytes(data)
    with pytest.raises(LibraryError, match=r"library\.db .*(damaged|not a Reader library).*untouched"):
        Library.open(lib)
    assert (lib / "library.db").read_bytes() == data


@pytest.mark.sqlite_only
def test_a_sound_large_library_opens_after_the_probe(tmp_path, article_page, monkeypatch):
    monkeypatch.setattr(db, "FULL_CHECK_PAGES", 0)
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "library.db").write_bytes(_library_bytes(tmp_path, article_page))
    with Library.open(lib) as library:
        assert len(library.get(1).highlights) >= 30
