"""File > Keep a Vault Current…: a folder of Markdown or Logseq pages that the
window keeps up to date with highlights and notes, off the GUI thread."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from gui_support import settle
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog

from reader.gui.vault_dialog import VaultDialog
from reader.gui.vault_keeper import FOLDER_KEY, VaultKeeper


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(VaultKeeper, "DELAY_MS", 50)


@pytest.fixture
def two_annotated(library, article_page, fixtures, tmp_path):
    """Two articles, each with a highlight; their ids."""
    second = tmp_path / "pages" / "second.html"
    second.write_text(
        "<html><head><title>Tides of the north</title></head><body><article><h1>Tides of the north</h1>"
        + "".join(
            f"<p>The tide came in over the flats for the {n}th time that year, slow and grey.</p>" for n in range(12)
        )
        + "</article></body></html>",
        encoding="utf-8",
    )
    ids = [o.id for o in library.import_paths([article_page, second], workers=1)]
    for article_id in ids:
        text = library.get(article_id).text
        library.add_highlight(article_id, 0, 20, color="yellow")
        assert text
    return ids


def answer(window, monkeypatch, folder, fmt="md", result=QDialog.DialogCode.Accepted):
    def dialog():
        made = VaultDialog(window.vault.folder, window.vault.fmt, window)
        made.path.setText(str(folder))
        made.format.setCurrentIndex(made.format.findData(fmt))
        made.exec = lambda: result
        return made

    monkeypatch.setattr(window, "vault_dialog", dialog)


def wait_synced(qtbot, window):
    settle(qtbot, window)  # the edit is stored and announced: a sync is due
    qtbot.waitUntil(lambda: not window.vault.busy, timeout=15000)
    settle(qtbot, window)


def test_the_vault_follows_edits_and_rewrites_only_what_changed(
    library, two_annotated, make_window, qtbot, monkeypatch, tmp_path, settings_file
):
    vault = tmp_path / "vault"
    window = make_window(library)
    answer(window, monkeypatch, vault, "md")
    window.actions["keep_vault"].trigger()
    wait_synced(qtbot, window)
    files = sorted(p for p in vault.glob("*.md"))
    assert len(files) == 2
    mine = vault / "notes of mine.md"
    mine.write_text("the reader's own file", encoding="utf-8")
    before = {p: p.stat().st_mtime_ns for p in files}

    # A note on the first article's highlight, made in the window.
    first = library.highlights(two_annotated[0])[0]
    window.annotations.set_note(first, "the flats at dawn")
    wait_synced(qtbot, window)
    changed = [p for p in files if p.stat().st_mtime_ns != before[p]]
    assert len(changed) == 1
    assert "the flats at dawn" in changed[0].read_text(encoding="utf-8")
    assert mine.read_text(encoding="utf-8") == "the reader's own file"  # nothing else touched
    # Remembered: a new window keeps the same folder current.
    assert QSettings(settings_file, QSettings.Format.IniFormat).value(FOLDER_KEY) == str(vault)


def test_logseq_and_turning_it_off(library, two_annotated, make_window, qtbot, monkeypatch, tmp_path):
    graph = tmp_path / "graph"
    window = make_window(library)
    answer(window, monkeypatch, graph, "logseq")
    window.action_keep_vault()
    wait_synced(qtbot, window)
    pages = sorted(graph.rglob("*.md"))
    assert pages and all("id::" in p.read_text(encoding="utf-8") for p in pages)

    answer(window, monkeypatch, graph, "logseq", result=VaultDialog.STOP)
    window.action_keep_vault()
    assert window.vault.folder is None
    snapshot = {p: p.read_text(encoding="utf-8") for p in pages}
    first = library.highlights(two_annotated[0])[0]
    window.annotations.set_note(first, "not exported any more")
    settle(qtbot, window)
    qtbot.wait(200)
    assert not window.vault.busy
    assert {p: p.read_text(encoding="utf-8") for p in pages} == snapshot


def test_a_vault_that_cannot_be_written_is_one_line_in_the_status_bar(
    library, two_annotated, make_window, qtbot, monkeypatch, tmp_path
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    window = make_window(library)
    answer(window, monkeypatch, blocker, "md")
    window.action_keep_vault()
    wait_synced(qtbot, window)
    message = window.statusBar().currentMessage()
    assert "is a file; a vault is a folder" in message
    assert "\n" not in message
    assert not window.vault.busy  # a failed sync does not retry in a loop
