"""A synthetic library for benchmarks: many articles of realistic size, made
from the project's own fixture pages, with highlights and notes.

Rows are written in bulk through the library's own engine and schema, then the
search index is rebuilt by the library's own code, so what is measured is the
library as users have it.
"""

from __future__ import annotations

import html
import random
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from reader.core import Library
from reader.core.anchoring import make_anchor
from reader.core.storage import fts
from reader.core.storage.models import Article, ArticleContent, Highlight
from reader.core.text import html_to_text, word_count

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
COLORS = ("yellow", "green", "blue", "pink", "purple")


def fixture_paragraphs() -> list[str]:
    """Every paragraph of text in the project's fixture pages."""
    from reader.core.importing.pipeline import prepare

    paragraphs: list[str] = []
    for page in sorted(FIXTURES.rglob("*.htm*")):
        try:
            text = prepare(page).text
        except Exception:
            continue
        paragraphs.extend(p for p in text.split("\n\n") if len(p.split()) >= 8)
    if not paragraphs:
        raise SystemExit("no fixture pages with text found under tests/fixtures")
    return paragraphs


class Vocabulary:
    """Words with a Zipf-like frequency, as in real text: the fixture pages' own
    words are the common ones, and blends of them make a long tail of rare ones,
    so that a search term matches a realistic share of the library."""

    def __init__(self, rng: random.Random, paragraphs: list[str], size: int = 60_000) -> None:
        common = list(dict.fromkeys(w.lower() for p in paragraphs for w in p.split() if w.isalpha()))
        # Syllables cut from real words; three of them make a new, rare word.
        syllables = sorted({w[i : i + 3] for w in common for i in range(0, max(1, len(w) - 2), 3)})
        words = list(common)
        seen = set(words)
        while len(words) < size:
            blend = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
            if blend not in seen and len(blend) > 4:
                seen.add(blend)
                words.append(blend)
        self.words = words
        total, self.cumulative = 0.0, []
        for rank in range(len(words)):
            total += 1.0 / (rank + 1) ** 1.05
            self.cumulative.append(total)

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=k)


def make_article_html(
    rng: random.Random, paragraphs: list[str], target_words: int, vocabulary: Vocabulary | None = None
) -> tuple[str, str]:
    topic = vocabulary.sample(rng, 400)[-6:] if vocabulary else []
    title_words = (
        (topic[:3] + rng.sample(" ".join(paragraphs).split(), 4))
        if topic
        else rng.sample(" ".join(paragraphs).split(), 6)
    )
    title = " ".join(title_words).capitalize()[:90]
    parts, count = [], 0
    while count < target_words:
        if parts and rng.random() < 0.08:
            parts.append(f"<h2>{html.escape(rng.choice(paragraphs)[:60])}</h2>")
        words = rng.choice(paragraphs).split()
        if vocabulary:
            # Replace a third of the words: with the article's topic words now and
            # then, else with words drawn from the whole vocabulary.
            fresh = vocabulary.sample(rng, len(words))
            words = [
                (rng.choice(topic) if rng.random() < 0.1 else fresh[i]) if rng.random() < 0.35 else w
                for i, w in enumerate(words)
            ]
        parts.append(f"<p>{html.escape(' '.join(words))}</p>")
        count += len(words)
    return title, "\n".join(parts)


def build_library(
    folder: Path,
    articles: int = 10_000,
    highlights_per_article: int = 5,
    words: tuple[int, int] = (600, 2500),
    seed: int = 7,
    long_article: tuple[int, int] = (10_000, 200),
) -> Library:
    """Create a library with `articles` articles and highlights with notes, plus
    one long article (`long_article` = words, highlights) for opening times."""
    rng = random.Random(seed)
    paragraphs = fixture_paragraphs()
    vocabulary = Vocabulary(rng, paragraphs)
    library = Library.open(folder)
    start = datetime(2020, 1, 1)
    batch_articles, batch_contents, batch_highlights = [], [], []
    for i in range(1, articles + 2):
        long = i == articles + 1
        title, body = make_article_html(rng, paragraphs, long_article[0] if long else rng.randint(*words), vocabulary)
        text = html_to_text(body)
        added = start + timedelta(minutes=37 * i)
        batch_articles.append(
            dict(
                id=i,
                title=title,
                author=f"Author {rng.randint(1, 400)}",
                site=f"site{rng.randint(1, 60)}.example",
                url=f"https://site.example/{i}",
                published=(added - timedelta(days=rng.randint(0, 900))).date().isoformat(),
                language="en",
                direction="ltr",
                excerpt=text[:200],
                word_count=word_count(text),
                source_name=f"article-{i}.html",
                source_path=None,
                source_kind="html",
                content_hash=uuid.uuid4().hex,
                fallback=False,
                note="",
                archived=rng.random() < 0.3,
                favorite=rng.random() < 0.1,
                progress=rng.random(),
                added=added,
                updated=added,
            )
        )
        batch_contents.append(dict(article_id=i, html=body, text=text, original=b"<html></html>"))
        if long:
            # Spread evenly, in reading order, without overlaps.
            step = len(text) // long_article[1]
            for k in range(long_article[1]):
                batch_highlights.append(_random_highlight(rng, i, text, added, window=(k * step, (k + 1) * step)))
        else:
            for _ in range(highlights_per_article):
                batch_highlights.append(_random_highlight(rng, i, text, added))
    with library.engine.begin() as conn:
        for rows, model in ((batch_articles, Article), (batch_contents, ArticleContent), (batch_highlights, Highlight)):
            for chunk in range(0, len(rows), 2000):
                conn.execute(insert(model), rows[chunk : chunk + 2000])
        fts.rebuild(conn)
    library.optimize()  # as Library.import_paths does after a batch
    return library


def _random_highlight(rng, article_id: int, text: str, when: datetime, window: tuple[int, int] | None = None) -> dict:
    lo, hi = window or (0, len(text))
    length = min(rng.randint(40, 240), max(10, (hi - lo) // 2))
    begin = rng.randint(lo, max(lo, hi - length - 1))
    # Start and end on word boundaries, as a person selects.
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    end = min(len(text), begin + length)
    while end < len(text) and not text[end].isspace():
        end += 1
    anchor = make_anchor(text, begin, end)
    return dict(
        uid=uuid.uuid4().hex,
        article_id=article_id,
        start=anchor.start,
        end=anchor.end,
        quote=anchor.quote,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        color=rng.choice(COLORS),
        note=f"Note on this passage: {' '.join(rng.sample(anchor.quote.split(), min(4, len(anchor.quote.split()))))}",
        created=when,
        updated=when,
    )
