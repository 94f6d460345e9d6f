"""Small saved pages made on the fly, for tests that need several distinct articles."""

from __future__ import annotations

from pathlib import Path

from reader.core import Library


def saved_page(folder: Path, name: str, title: str | None = None) -> Path:
    """A page the extractor reads as an article about `name` (titled `title`, else Name)."""
    title = title or name.title()
    page = folder / f"{name}.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<article><h1>{title}</h1><p>{name} is the subject of this page, which has enough words in it "
        "to be read as an article by the extractor and not as a fragment of some other page.</p><p>A second "
        f"paragraph about {name} adds more words, so that a highlight can be made in the middle.</p>"
        "</article></body></html>",
        "utf-8",
    )
    return page


def numbered_page(folder: Path, i: int, title: str | None = None, topic: str = "quiet rivers") -> Path:
    """page-NN.html, an article of eight paragraphs titled `title` (else "Article NN") about `topic`."""
    title = title or f"Article {i:02d}"
    body = "\n".join(
        f"<p>Paragraph {k} of {title.lower()} is about {topic} and other quiet things that fill a page "
        f"long enough for an article to be taken as one.</p>"
        for k in range(8)
    )
    path = folder / f"page-{i:02d}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>\n'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>",
        encoding="utf-8",
    )
    return path


def import_one(library: Library, page: Path) -> int:
    [outcome] = library.import_paths([page], workers=1)
    assert outcome.status == "imported", outcome.error
    return outcome.id
