"""The list's pages are read from an index starting at the cursor, in every view
and order: no sort of the whole view, no scan from the top of the list. (At
100,000 articles a sorted inbox took 0.6 s a page, and walking the list grew
quadratically; tests/benchmarks/bench.py measures it.)"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.core import listing


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    """A small library with statistics as at 100,000 articles (built once)."""
    from reader.core import Library

    folder = tmp_path_factory.mktemp("plans")
    source = (Path(__file__).parents[1] / "fixtures" / "article.html").read_text()
    pages = []
    for i in range(6):
        page = folder / f"p{i}.html"
        page.write_text(
            source.replace("The Quiet Rivers of the North", f"Title {i}")
            .replace("quiet in winter", f"quiet {i}")
            .replace("example.org/2024", f"e.org/{i}")
        )
        pages.append(page)
    with Library.open(folder / "lib") as library:
        for outcome in library.import_paths(pages, workers=1):
            library.set_archived(outcome.id, outcome.id % 2 == 0)
            library.set_favorite(outcome.id, outcome.id % 3 == 0)
        library.optimize()
        path = library.db_path
    _as_if_large(path)
    return path


@pytest.mark.parametrize("state", [None, "inbox", "archived", "favorite"])
@pytest.mark.parametrize("sort", listing.SORTS)
def test_every_page_of_every_view_walks_an_index_from_the_cursor(db_path, state, sort):
    conn = listing.connect(db_path)
    first = listing.list_articles(conn, sort, state, limit=1)
    assert first.next_cursor is not None
    seen: list[tuple[str, tuple[object, ...]]] = []
    execute = conn.execute
    conn.execute = lambda sql, params=(): seen.append((sql, tuple(params))) or execute(sql, params)  # type: ignore[method-assign]
    listing.list_articles(conn, sort, state, cursor=first.next_cursor, limit=1)
    [(query, params)] = [(q, p) for q, p in seen if q.lstrip().upper().startswith("SELECT")]
    # Planned with the values bound, as they are run: SQLite plans literals differently.
    raw = sqlite3.connect(db_path)
    plan = " | ".join(row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + query, params))
    raw.close()
    main = plan.split(" | ")[0]
    assert "TEMP B-TREE" not in plan, plan
    assert main.startswith("SEARCH a USING") and ("<" in main or ">" in main), plan


def _as_if_large(db_path, articles: int = 100_000) -> None:
    """Scale the planner's statistics to a library of `articles` (SQLite's own
    advice for testing plans): a handful of rows is planned differently. The
    state indexes get what db.analyze (analysis_limit=1000) leaves there at that
    size: about 1,000 rows a value, far fewer than the 70% of the inbox."""
    con = sqlite3.connect(db_path)
    rows = con.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'articles'").fetchall()
    for idx, stat in rows:
        numbers = [int(n) for n in stat.split() if n.isdigit()]
        scale = articles / numbers[0]
        scaled = [n if n == 1 and i else max(1, round(n * scale)) for i, n in enumerate(numbers)]
        if idx in ("ix_articles_archived", "ix_articles_favorite"):
            scaled = [articles, 1001]
        con.execute(
            "UPDATE sqlite_stat1 SET stat = ? WHERE tbl = 'articles' AND idx IS ?", (" ".join(map(str, scaled)), idx)
        )
    con.commit()
    con.close()
