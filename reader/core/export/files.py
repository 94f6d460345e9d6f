"""Writing exports to disk: one file per article into a folder, or one file."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from reader.core import domain
from reader.core.export import markdown

FORMATS = {"md": ".md"}
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_filename(title: str, limit: int = 100) -> str:
    """A file name that is valid on Windows, macOS and Linux."""
    name = _UNSAFE.sub(" ", title)
    name = " ".join(name.split()).strip(" .")[:limit].strip(" .")
    if not name or name.lower().split(".")[0] in _WINDOWS_RESERVED:
        name = f"article {name}".strip()
    return name


def unique_names(articles: Sequence[domain.Article], suffix: str) -> dict[int, str]:
    """File names from titles; titles shared by several articles get their id added."""
    counts: dict[str, int] = {}
    for article in articles:
        key = safe_filename(article.title).lower()
        counts[key] = counts.get(key, 0) + 1
    names = {}
    for article in articles:
        base = safe_filename(article.title)
        if counts[base.lower()] > 1:
            base = f"{base} ({article.id})"
        names[article.id] = base + suffix
    return names


def write_atomic(path: Path, data: str) -> None:
    """Write through a temporary file and rename: never a half-written export."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".reader-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_articles(
    articles: Sequence[domain.Article],
    fmt: str,
    out: Path,
    template: str | Path | None = None,
    color_names: dict[str, str] | None = None,
) -> list[Path]:
    """Export to `out`: a folder (one file per article) or, if it ends in the
    format's suffix, a single file with every article."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    suffix = FORMATS[fmt]
    tmpl = markdown.load_template(template)
    if out.suffix.lower() == suffix:
        body = "\n".join(markdown.render(a, tmpl, color_names) for a in articles)
        write_atomic(out, body)
        return [out]
    names = unique_names(articles, suffix)
    written = []
    for article in articles:
        path = out / names[article.id]
        write_atomic(path, markdown.render(article, tmpl, color_names))
        written.append(path)
    return written
