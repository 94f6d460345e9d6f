"""A synthetic library for benchmarks: many articles of realistic size, made
from the project's own fixture pages, with highlights and notes.

Rows are written in bulk through the library's own engine and schema, then the
search index is rebuilt by the library's own code, so what is measured is the
library as users have it.
"""

from __future__ import annotations

import html
import os
import random
import shutil
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from reader.core import Library
from reader.core.anchoring import make_anchor
from reader.core.location import DB_NAME
from reader.core.storage import fts
from reader.core.storage.models import Article, ArticleContent, Highlight
from reader.core.storage.revision import SCHEMA_REVISION
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


# Common Chinese words, for the articles written partly in Chinese (searched as CJK words).
CJK_WORDS = (
    "中国 世界 经济 发展 社会 政府 文化 历史 科学 技术 教育 研究 公司 市场 问题 国家 人民 城市 时间 工作 "
    "生活 学生 老师 医院 音乐 电影 新闻 报告 环境 能源 家谱 记录 网络 数据 系统 语言 文字 朋友 家庭 孩子"
).split()
CJK_SHARE = 0.02  # of the articles: a few paragraphs in Chinese


class Writer:
    """Article bodies from the fixture paragraphs, a third of their words replaced
    by words drawn from the Zipf vocabulary. The draws come from one long pool
    sampled up front (slices at random offsets): drawing word by word is what
    made building 100,000 articles take most of an hour."""

    def __init__(self, rng: random.Random, paragraphs: list[str], vocabulary: Vocabulary, pool: int = 1 << 20) -> None:
        self.rng = rng
        self.paragraphs = [p.split() for p in paragraphs]
        self.headings = [" ".join(p[:60].split()) for p in paragraphs]
        self.title_words = " ".join(paragraphs).split()
        self.pool = vocabulary.sample(rng, pool)
        self.vocabulary = vocabulary

    def article(self, target_words: int, cjk: bool = False) -> tuple[str, str, str]:
        """(title, html, text); text is what reader.core.text.html_to_text makes of the html."""
        rng, pool = self.rng, self.pool
        topic = self.vocabulary.sample(rng, 6)
        title = " ".join(topic[:3] + rng.sample(self.title_words, 4)).capitalize()[:90]
        if cjk:
            title = "".join(rng.sample(CJK_WORDS, 3)) + " " + title
        parts: list[str] = []
        blocks: list[str] = []
        count = 0
        while count < target_words:
            if parts and rng.random() < 0.08:
                heading = rng.choice(self.headings)
                parts.append(f"<h2>{html.escape(heading)}</h2>")
                blocks.append(heading)
            if cjk and rng.random() < 0.3:
                sentence = "".join(rng.choices(CJK_WORDS, k=rng.randint(6, 20))) + "。"
                parts.append(f"<p>{sentence}</p>")
                blocks.append(sentence)
                count += len(sentence) // 2
                continue
            words = list(rng.choice(self.paragraphs))
            n = len(words)
            at = rng.randrange(len(pool) - n)
            k = rng.randrange(3)
            words[k::3] = pool[at + k : at + n : 3]
            first = rng.randrange(min(n, 28))  # one topic word in 28, as a topic recurs
            words[first::28] = [rng.choice(topic)] * len(range(first, n, 28))
            block = " ".join(words)
            parts.append(f"<p>{html.escape(block)}</p>")
            blocks.append(block)
            count += n
        return title, "\n".join(parts), "\n\n".join(blocks)


def make_article_html(
    rng: random.Random, paragraphs: list[str], target_words: int, vocabulary: Vocabulary | None = None
) -> tuple[str, str]:
    """(title, html) of one article (bench_anchoring.py's long articles)."""
    writer = Writer(rng, paragraphs, vocabulary or Vocabulary(rng, paragraphs, size=5_000), pool=1 << 14)
    title, body, _ = writer.article(target_words)
    return title, body


# Part of the key of a cached library: change it when the generator changes.
GENERATOR_VERSION = 2
CACHE = Path(os.environ.get("READER_BENCH_CACHE", Path.home() / ".cache" / "reader-bench"))


def cached_library(
    folder: Path, articles: int = 10_000, highlights_per_article: int = 5, seed: int = 7, cache: bool = True
) -> Library:
    """A private copy in `folder` of the library build_library makes, built once
    per parameters and schema revision under ~/.cache/reader-bench and copied from
    there afterwards (seconds, where building 100,000 articles takes minutes)."""
    if not cache:
        return build_library(folder, articles, highlights_per_article, seed=seed)
    stem = f"a{articles}-h{highlights_per_article}-s{seed}-g{GENERATOR_VERSION}-r"
    key = stem + SCHEMA_REVISION
    master = CACHE / key
    if not (master / "complete").is_file():
        shutil.rmtree(master, ignore_errors=True)
        older = sorted(p for p in CACHE.glob(stem + "*") if (p / "complete").is_file())
        if older:
            # The same library at an older schema: upgraded as a user's would be
            # (seconds, where building it again takes minutes).
            master.mkdir(parents=True)
            shutil.copyfile(older[-1] / DB_NAME, master / DB_NAME)
            Library.open(master).close()
            for backup in master.glob(DB_NAME + ".before-*"):
                backup.unlink()
        else:
            build_library(master, articles, highlights_per_article, seed=seed).close()
        (master / "complete").write_text(key + "\n")
    folder.mkdir(parents=True, exist_ok=True)
    # The master is closed (no -wal left after a clean close); copied by SQLite's
    # own backup API would be safer for a live database, a plain copy is faster here.
    shutil.copyfile(master / DB_NAME, folder / DB_NAME)
    return Library.open(folder)


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
    writer = Writer(rng, paragraphs, vocabulary)
    library = Library.open(folder)
    start = datetime(2020, 1, 1)
    batch_articles, batch_contents, batch_highlights = [], [], []

    def flush(conn) -> None:
        for rows, model in ((batch_articles, Article), (batch_contents, ArticleContent), (batch_highlights, Highlight)):
            if rows:
                conn.execute(insert(model), rows)
            rows.clear()

    with library.engine.begin() as conn:
        for i in range(1, articles + 2):
            long = i == articles + 1
            title, body, text = writer.article(
                long_article[0] if long else rng.randint(*words), cjk=not long and rng.random() < CJK_SHARE
            )
            if i <= 3 or long:  # the generator's text is the library's text
                assert text == html_to_text(body), f"synthetic article {i}: text differs from html_to_text"
            added = start + timedelta(minutes=37 * i)
            batch_articles.append(
                dict(
                    id=i,
                    uid=uuid.UUID(int=rng.getrandbits(128)).hex,
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
                    content_hash=uuid.UUID(int=rng.getrandbits(128)).hex,
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
            if len(batch_articles) >= 2000:
                flush(conn)
        flush(conn)
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
        uid=uuid.UUID(int=rng.getrandbits(128)).hex,
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
