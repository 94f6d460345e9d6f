"""reader://open links: the window goes to the linked highlight, and a second
`reader` started with a link hands it to the window already open."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from gui_support import settle

from reader.core.export import parse_reader_link, reader_link
from reader.gui import instance


def test_a_link_opens_the_article_at_its_highlight(library, make_window, article_page, fixtures, tmp_path, qtbot):
    other = tmp_path / "other.html"
    other.write_text(
        (fixtures / "article.html")
        .read_text()
        .replace("Quiet Rivers", "Loud Rivers")
        .replace("example.org/2024", "e.org/x")
        .replace("quiet in winter", "loud")
    )
    [first] = library.import_paths([article_page], workers=1)
    library.import_paths([other], workers=1)
    highlight = library.highlight_quote(first.id, "Instead we found them breathing.")
    article = library.get(first.id)
    window = make_window(library)
    link = reader_link(article, highlight)
    window.open_link(*parse_reader_link(link))
    qtbot.waitUntil(lambda: window.article_id == first.id, timeout=10000)
    settle(qtbot, window)
    # The sidebar shows the linked highlight as the current one.
    qtbot.waitUntil(lambda: window.sidebar.list.currentIndex().row() == window.sidebar.model.row_of(highlight.id))
    assert window.sidebar.model.row_of(highlight.id) is not None
    window.open_link("no-such-article", None)
    qtbot.waitUntil(lambda: "not in this library" in window.statusBar().currentMessage(), timeout=10000)


def test_a_second_reader_hands_its_link_to_the_open_window(library, make_window, article_page, qtbot):
    [first] = library.import_paths([article_page], workers=1)
    highlight = library.highlight_quote(first.id, "Instead we found them breathing.")
    window = make_window(library)
    name = instance.server_name(f"test-{id(window)}")
    seen: list = []
    listener = instance.Listener(name, seen.append, lambda a, h: seen.append((a, h)), window)
    assert listener.server.isListening()
    article = library.get(first.id)
    assert instance.forward(name, ["/tmp/page.html"], [(article.uid, highlight.uid)])
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10000)
    assert seen == [["/tmp/page.html"], (article.uid, highlight.uid)]
    assert not instance.forward(instance.server_name("nobody listens here"), [], [])
