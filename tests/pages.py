"""Small saved pages made on the fly, for tests that need several distinct articles."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reader.core import Library, domain

WHEN = datetime(2024, 5, 1, 12, 0, 0)  # the time of the records built here


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


def plain_article(article_id: int, title: str, **fields: object) -> domain.Article:
    """An article record not from any library (for exports of given records): empty but for
    its id and title, and `fields`."""
    values: dict[str, object] = dict(
        id=article_id,
        title=title,
        author=None,
        site=None,
        url=None,
        published=None,
        language=None,
        direction=None,
        excerpt=None,
        word_count=0,
        source_name="x.html",
        source_path=None,
        added=WHEN,
        updated=WHEN,
        archived=False,
        favorite=False,
        progress=0.0,
        note="",
        html="",
        text="",
    )
    values.update(fields)
    return domain.Article(**values)  # type: ignore[arg-type]


def plain_highlight(highlight_id: int, article_id: int, quote: str, **fields: object) -> domain.Highlight:
    """A highlight record of `quote`, not placed, yellow, with no note or tags but `fields`."""
    values: dict[str, object] = dict(
        id=highlight_id,
        uid=f"{highlight_id:032x}",
        article_id=article_id,
        start=None,
        end=None,
        quote=quote,
        prefix="",
        suffix="",
        color="yellow",
        note="",
        tags=(),
        created=WHEN,
        updated=WHEN,
    )
    values.update(fields)
    return domain.Highlight(**values)  # type: ignore[arg-type]
