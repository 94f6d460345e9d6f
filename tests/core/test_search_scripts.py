"""Search finds what the reading view shows, in every script."""

import sqlite3

from reader.core import Library
from reader.core.storage import db

CHINESE = """<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>神经网络的新进展</title></head>
<body><article><h1>神经网络的新进展</h1>
<p>DeepMind表示，这款名为DNC的AI模型可以接受家谱和伦敦地铁网络地图这样的信息，还可以回答复杂问题。</p>
<p>营区内除了露营、民宿、餐饮、賞楓项目，楓香樹由綠轉黃、轉紅到楓紅層層，吸引许多游客前来观赏。</p>
</article></body></html>"""

JAPANESE = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>京都の秋</title></head>
<body><article><h1>京都の秋</h1><p>京都の紅葉は十一月下旬に見頃を迎え、多くの観光客が訪れます。
嵐山や東福寺では、朝早くから写真を撮る人々の姿が見られました。</p></article></body></html>"""


def _import(library, tmp_path, name, html):
    page = tmp_path / name
    page.write_text(html, encoding="utf-8")
    [outcome] = library.import_paths([page], workers=1)
    assert outcome.status == "imported", outcome.error
    return outcome.id


def test_words_inside_chinese_and_japanese_text_are_found(library, tmp_path):
    zh = _import(library, tmp_path, "zh.html", CHINESE)
    ja = _import(library, tmp_path, "ja.html", JAPANESE)
    for query, expected in [
        ("家谱", zh),
        ("楓香樹", zh),
        ("地铁网络", zh),
        ("DeepMind 家谱", zh),
        ("紅葉", ja),
        ("東福寺", ja),
        ("写真", ja),
    ]:
        hits = library.search(query)
        assert [h.article_id for h in hits] == [expected], query
        assert "<b>" in hits[0].snippet_html, query
        assert len(hits[0].snippet) < 220, query  # a snippet, not the paragraph
    assert library.search("家谱 東福寺") == []  # every word must match, in one article
    assert library.search("谱家") == []  # the characters in that order only


def test_highlights_and_notes_in_cjk_are_found(library, tmp_path):
    ja = _import(library, tmp_path, "ja.html", JAPANESE)
    library.add_highlight(ja, 0, 5, note="紅葉狩りの計画")
    assert [h.article_id for h in library.search("計画")] == [ja]


def test_upgrade_indexes_cjk_articles_already_in_the_library(tmp_path):
    folder = tmp_path / "v4"
    folder.mkdir()
    engine = db.create_library_engine(folder / "library.db")
    db.run_migrations(engine, "0004")
    engine.dispose()
    con = sqlite3.connect(folder / "library.db")
    con.executescript("""
        insert into articles (id, uid, title, word_count, source_name, source_kind, content_hash,
            extracted_fallback, note, archived, favorite, progress, added, updated)
        values (1, 'u', '京都の秋', 1, 'a.html', 'html', 'h', 0, '', 0, 0, 0, '2024-01-01', '2024-01-01');
        insert into article_contents values (1, '<p>京都の紅葉は見頃</p>', '京都の紅葉は見頃', x'00');
        insert into search_index(rowid, title, author, text, annotations) values (1, '京都の秋', '', '京都の紅葉は見頃', '');
    """)
    con.commit()
    con.close()
    with Library.open(folder) as library:
        assert [h.article_id for h in library.search("紅葉")] == [1]
        assert library.check() == []


def test_upgrade_to_the_split_index_finds_notes_and_text_of_existing_articles(tmp_path):
    folder = tmp_path / "v9"
    folder.mkdir()
    engine = db.create_library_engine(folder / "library.db")
    db.run_migrations(engine, "0009")
    engine.dispose()
    con = sqlite3.connect(folder / "library.db")
    con.executescript("""
        insert into articles (id, uid, title, word_count, source_name, source_kind, content_hash,
            extracted_fallback, note, archived, favorite, progress, added, updated)
        values (1, 'u', 'Autumn in Kyoto', 1, 'a.html', 'html', 'h', 0, 'maple trip', 0, 0, 0,
                '2024-01-01', '2024-01-01');
        insert into article_contents values (1, '<p>京都の紅葉は見頃</p>', '京都の紅葉は見頃', x'00');
        insert into highlights (id, uid, article_id, start, "end", quote, prefix, suffix, color, note,
            created, updated)
        values (1, 'h1', 1, 0, 2, '京都', '', 'の紅葉', 'yellow', 'ask about temples', '2024-01-01', '2024-01-01');
    """)
    con.commit()
    con.close()
    with Library.open(folder) as library:
        assert [h.article_id for h in library.search("temples")] == [1]
        assert [h.article_id for h in library.search("maple 紅葉")] == [1]
        assert [h.article_id for h in library.search("kyoto temples")] == [1]
        assert library.check() == []
