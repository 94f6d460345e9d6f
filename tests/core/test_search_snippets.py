"""Search snippets around matches inside very long runs of text without spaces."""

from __future__ import annotations


def test_a_word_inside_a_long_chinese_paragraph_gets_a_short_snippet(library, tmp_path):
    # A paragraph of Chinese has no spaces: one "word" of thousands of characters,
    # longer than the window a snippet looks at (this search used to fail).
    run = "中国经济发展社会政府文化历史科学技术教育研究" * 120
    page = tmp_path / "long.html"
    page.write_text(
        "<html><head><title>长文</title></head><body><article>"
        f"<h1>长文</h1><p>{run}</p><p>{run}家谱记录{run}</p></article></body></html>",
        encoding="utf-8",
    )
    [outcome] = library.import_paths([page], workers=1)
    assert outcome.status == "imported", outcome.error
    [hit] = library.search("家谱")
    assert hit.article_id == outcome.id
    assert "<b>家谱</b>" in hit.snippet_html
    assert len(hit.snippet) <= 200  # a snippet, not the paragraph
