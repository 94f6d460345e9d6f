"""Ways an incremental export could end unlike a fresh one, or lose a user's file
(found in review of the incremental export)."""

from __future__ import annotations

from pathlib import Path

from pages import import_one, saved_page

from reader.core.export import MANIFEST, export_articles


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and MANIFEST not in p.name}


def test_a_title_changed_back_onto_the_users_edited_file_is_written_beside_it(library, tmp_path):
    """The user edits an exported file; the article is renamed (the edited file is
    kept) and then renamed back: its text goes beside the user's file, as a fresh
    export puts it, not nowhere."""
    pages = tmp_path / "pages"
    alpha = import_one(library, saved_page(pages, "alpha"))
    out = tmp_path / "out"
    export_articles(library, "md", out)
    (out / "Alpha.md").write_text("my own edits\n", "utf-8")
    library.set_title(alpha, "Renamed")
    result = export_articles(library, "md", out)
    assert result.kept == (out / "Alpha.md",)
    library.set_title(alpha, "Alpha")
    library.set_note(alpha, "the latest note")
    export_articles(library, "md", out)
    assert (out / "Alpha.md").read_text("utf-8") == "my own edits\n"
    fresh = tmp_path / "fresh"
    export_articles(library, "md", fresh)
    assert _snapshot(out) == {"Alpha.md": b"my own edits\n", f"Alpha ({alpha}).md": _snapshot(fresh)["Alpha.md"]}
    assert "the latest note" in (out / f"Alpha ({alpha}).md").read_text("utf-8")
