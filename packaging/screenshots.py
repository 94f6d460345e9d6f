"""Screenshots of the Reader window with real articles, for the README and for review.

Run under a virtual display so nothing appears on screen:

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python packaging/screenshots.py

It imports tests/fixtures/article.html (and a few pages of the shared corpus if it
is present) into a temporary library and writes PNGs to resources/screenshots/.
Settings go to a temporary ini file, never to the user's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpus" / "readability-test-pages"
EXTRA_PAGES = ("nytimes-1", "medium-1", "wikipedia", "keep-images", "lwn-1", "guardian-1", "ars-1", "engadget")


RICH_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Field Notes on Glacial Meltwater - Polar Review</title>
<meta property="og:site_name" content="Polar Review"><meta name="author" content="Aino Virtanen">
<meta property="article:published_time" content="2024-03-18T09:00:00Z"></head><body><article>
<h1>Field Notes on Glacial Meltwater</h1>
<p>Every spring the glacier at the head of the valley begins to sing. Meltwater finds the cracks first,
then the tunnels, and by June a <em>river</em> runs underneath half a kilometre of ice. We spent three
seasons listening to it, and this is what we learned about how a glacier drains.</p>
<figure><img src="meltwater_files/stream.png" alt="A meltwater stream"><figcaption>A surface stream
on the lower glacier in early June, a few hours before it disappeared into a moulin.</figcaption></figure>
<h2>How we measured it</h2>
<p>We lowered loggers into three moulins and read them every ten minutes. The code that turned raw
pressure into discharge is short enough to print here:</p>
<pre><code>def discharge(pressure_kpa, area_m2):
    depth = pressure_kpa / 9.81
    return area_m2 * 0.8 * depth ** 0.5</code></pre>
<ol><li>Drill an access hole with hot water.</li><li>Lower the logger on a kevlar line.</li>
<li>Come back in August and hope it is still there.</li></ol>
<table><thead><tr><th>Moulin</th><th>Peak flow (m³/s)</th><th>Peak hour</th></tr></thead>
<tbody><tr><td>M1</td><td>4.2</td><td>16:00</td></tr><tr><td>M2</td><td>2.7</td><td>17:30</td></tr>
<tr><td>M3</td><td>0.9</td><td>18:10</td></tr></tbody></table>
<blockquote><p>The glacier is not a block of ice. It is a plumbing system that rebuilds itself every summer.</p></blockquote>
<p>The daily peak arrives later each week as the drainage network grows longer, and by the end of the
season the pulse has flattened almost completely. Read the <a href="https://example.org/data">full data set</a>.</p>
</article></body></html>"""


def _rich_page(folder: Path) -> Path:
    """A saved page with an image, a figure, code, a list, a table and a quote."""
    from PySide6.QtCore import QPointF, QRectF
    from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "meltwater_files").mkdir(exist_ok=True)
    image = QImage(1400, 780, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    sky = QLinearGradient(QPointF(0, 0), QPointF(0, 780))
    sky.setColorAt(0, QColor("#9cc7e4"))
    sky.setColorAt(0.55, QColor("#e8f1f7"))
    sky.setColorAt(0.56, QColor("#f4f7fa"))
    sky.setColorAt(1, QColor("#c9d9e6"))
    painter.fillRect(QRectF(0, 0, 1400, 780), sky)
    painter.setBrush(QColor("#5f89a8"))
    painter.setPen(QColor("#5f89a8"))
    painter.drawPolygon(
        [
            QPointF(0, 430),
            QPointF(300, 230),
            QPointF(520, 380),
            QPointF(800, 180),
            QPointF(1100, 360),
            QPointF(1400, 260),
            QPointF(1400, 440),
            QPointF(0, 440),
        ]
    )
    painter.setBrush(QColor("#3b82c4"))
    painter.setPen(QColor("#3b82c4"))
    painter.drawPolygon(
        [
            QPointF(640, 780),
            QPointF(700, 600),
            QPointF(760, 470),
            QPointF(780, 470),
            QPointF(740, 600),
            QPointF(720, 780),
        ]
    )
    painter.end()
    image.save(str(folder / "meltwater_files" / "stream.png"))
    page = folder / "meltwater.html"
    page.write_text(RICH_PAGE, encoding="utf-8")
    return page


def _annotate(library, article_id: int) -> None:
    """Several colours, a note in Markdown, tags, two touching highlights, an overlap and an orphan."""
    library.set_note(article_id, "Three seasons of logger data. Compare with the **2019** survey.")
    library.highlight_quote(
        article_id,
        "Every spring the glacier at the head of the valley begins to sing.",
        color="yellow",
        note="The opening image: *sound* as the first sign of melt.",
        tags=["imagery"],
    )
    library.highlight_quote(
        article_id,
        "by June a river runs underneath half a kilometre of ice",
        color="blue",
        note="Half a kilometre!\n\n- check the ice depth figure\n- compare with M2",
        tags=["numbers"],
    )
    library.highlight_quote(article_id, "We spent three", color="green")
    library.highlight_quote(article_id, "seasons listening to it", color="pink", tags=["method"])
    library.highlight_quote(
        article_id,
        "It is a plumbing system that rebuilds itself every summer.",
        color="purple",
        note="**Key idea** of the piece.",
        tags=["key idea"],
    )
    library.highlight_quote(article_id, "The daily peak arrives later each week", color="yellow")
    library.highlight_quote(
        article_id,
        "later each week as the drainage network grows longer",
        color="green",
        note="Overlaps the yellow one: the blend shows where.",
    )
    text = library.get(article_id).text
    start = text.index("Come back in August")
    h = library.add_highlight(
        article_id,
        start,
        start + len("Come back in August and hope it is still there."),
        color="pink",
        note="Did it survive?",
    )
    from sqlalchemy import text as sql

    with library._write() as session:  # an orphan, as a re-extraction of a changed page would leave it
        session.execute(
            sql('UPDATE highlights SET start = NULL, "end" = NULL, quote = :q WHERE id = :id'),
            {"q": "The loggers were recovered from two of the three moulins.", "id": h.id},
        )


def _review_history(library, article_id: int) -> None:
    """A week of reviewing behind today's session: highlights made on several days, and
    answers on the last three (a streak), so the weekly chart has something to draw."""
    from datetime import UTC, datetime, timedelta

    import reader.core.dates as dates_module

    real = dates_module.now
    today = datetime.now(UTC)
    quotes = {
        6: ["The rivers of the far north run quiet in winter.", "the water keeps moving, slowly"],
        5: ["most of what they hear is silence", "We expected the rivers to sleep."],
        4: ["Nobody had measured that rhythm before"],
        2: ["the rivers may wake earlier each year"],
    }
    made = []
    try:
        for days, words in quotes.items():
            dates_module.now = lambda d=days: real() - timedelta(days=d)
            made += [library.highlight_quote(article_id, w, color="blue").id for w in words]
    finally:
        dates_module.now = real
    for days, count, answer in ((3, 2, "good"), (2, 3, "good"), (1, len(made), "easy")):
        for hid in made[:count]:  # all answered by yesterday: today's session is the glacier piece
            library.answer_review(hid, answer, now=today - timedelta(days=days))


def _shoot_review(window, app, out: Path) -> None:
    """Today's session in light and dark, a note being edited, the settings and the end."""
    from dataclasses import replace

    def settle() -> None:
        for _ in range(20):
            app.processEvents()
            if not window.ops.busy:
                break
            import time

            time.sleep(0.02)
        for _ in range(5):
            app.processEvents()

    def save(widget, name: str) -> None:
        settle()
        widget.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    window.set_reading(replace(window.reading, theme="light"))
    window.action_review()
    view = window.review
    settle()
    view.answer("good")  # one answered today: the chart's today bar, "2 of N"
    settle()
    for theme in ("light", "sepia", "dark"):
        window.set_reading(replace(window.reading, theme=theme))
        save(view, f"{theme}-review")
    window.set_reading(replace(window.reading, theme="light"))
    view.edit("note")
    view.editor.note.setPlainText(view.current().highlight.note + " Ask the team about the *moulin* logs.")
    save(view, "light-review-note")
    view.cancel_edit()
    dialog = view.settings_dialog()
    dialog.show()
    save(dialog, "light-review-settings")
    dialog.close()
    while view.current() is not None:
        view.answer("good")
    save(view, "light-review-done")
    window.set_reading(replace(window.reading, theme="dark"))
    save(view, "dark-review-done")
    window.set_reading(replace(window.reading, theme="light"))
    view.close()


def _select_words(window, words: str) -> None:
    from PySide6.QtGui import QTextCursor

    found = window.view.document().find(words)
    if not found.isNull():
        window.view.setTextCursor(found)
        window.view.ensureCursorVisible()
        window.view._scroll_to_position(found.selectionStart())
        cursor = QTextCursor(found)
        window.view.setTextCursor(cursor)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "resources" / "screenshots"))
    parser.add_argument("--page", action="append", default=[], help="extra saved pages to import and shoot")
    parser.add_argument("--size", default="1400x880")
    parser.add_argument(
        "--narrow",
        default="760x700",
        help="size of the narrow window the --page pages are also shot in (side panels give way)",
    )
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="only the --page pages (light, dark, narrow, scrolled), not the whole gallery",
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    width, height = (int(v) for v in args.size.split("x"))

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from reader.core.library import Library
    from reader.gui.app import create_app
    from reader.gui.main_window import MainWindow

    app = create_app()
    tmp = Path(tempfile.mkdtemp(prefix="reader-shots-"))
    library = Library.open(tmp / "library")
    pages = [] if args.pages_only else [ROOT / "tests" / "fixtures" / "article.html"]
    if not args.pages_only:
        pages += [CORPUS / name / "source.html" for name in EXTRA_PAGES if (CORPUS / name / "source.html").exists()]
    pages += [Path(p) for p in args.page]
    if not args.pages_only:
        pages.append(_rich_page(tmp / "pages"))
    outcomes = library.import_paths(pages, workers=1)

    def key_of(path: str) -> str:
        return Path(path).parent.name if path.endswith("source.html") else Path(path).stem

    ids = {key_of(o.path): o.id for o in outcomes if o.id}
    page_keys = [key_of(str(p)) for p in args.page if key_of(str(p)) in ids]
    first = ids.get("article")
    if first:
        library.set_favorite(first)
        library.set_tags(first, ["science", "rivers"])
        library.highlight_quote(first, "Instead we found them breathing.", color="yellow")
        library.highlight_quote(first, "a daily pulse", color="green")
    for key in ("nytimes-1", "wikipedia"):
        if key in ids:
            library.set_progress(ids[key], 0.4)

    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(library, settings, poll_ms=0)
    window.resize(width, height)
    window.show()

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def shoot(name: str) -> None:
        settle()
        window.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    shots = [("article", first)] + [(k, ids[k]) for k in ids if k != "article"]
    for theme in ("light", "sepia", "dark"):
        window.set_reading(replace(window.reading, theme=theme))
        for key, article_id in shots:
            if article_id is None:
                continue
            if theme != "light" and key not in ("article", "meltwater", "nytimes-1", *page_keys):
                continue
            if theme == "sepia" and key in page_keys:
                continue
            window.panel.select_article(article_id)
            window.view.verticalScrollBar().setValue(0)
            shoot(f"{theme}-{key}")
            if key in page_keys:  # code, tables and formulas are seldom at the top
                bar = window.view.verticalScrollBar()
                for fraction in (0.3, 0.6):
                    bar.setValue(round(bar.maximum() * fraction))
                    shoot(f"{theme}-{key}-{round(fraction * 100)}")
    # The same pages in a narrow window: the side panels give way, the column stays readable.
    if page_keys:
        narrow_w, narrow_h = (int(v) for v in args.narrow.split("x"))
        window.resize(narrow_w, narrow_h)
        for theme in ("light", "dark"):
            window.set_reading(replace(window.reading, theme=theme))
            for key in page_keys:
                window.panel.select_article(ids[key])
                window.view.verticalScrollBar().setValue(0)
                shoot(f"narrow-{theme}-{key}")
                bar = window.view.verticalScrollBar()
                bar.setValue(round(bar.maximum() * 0.3))
                shoot(f"narrow-{theme}-{key}-30")
        window.resize(width, height)
        window.set_reading(replace(window.reading, theme="light"))
    if args.pages_only:
        window.close()
        QApplication.processEvents()
        sys.stdout.flush()
        import os

        os._exit(0)
    # A scrolled view, the search results, the appearance popover, an empty library.
    window.set_reading(replace(window.reading, theme="light"))
    if "wikipedia" in ids:
        window.panel.select_article(ids["wikipedia"])
        window.view.verticalScrollBar().setValue(window.view.verticalScrollBar().maximum() // 3)
        shoot("light-wikipedia-scrolled")
    if "meltwater" in ids:
        for theme in ("light", "dark"):
            window.set_reading(replace(window.reading, theme=theme))
            window.panel.select_article(ids["meltwater"])
            window.view.verticalScrollBar().setValue(int(window.view.verticalScrollBar().maximum() * 0.62))
            shoot(f"{theme}-meltwater-scrolled")
        window.set_reading(replace(window.reading, theme="light"))
    if "meltwater" in ids:
        import reader.core.dates as dates_module

        real_now = dates_module.now
        dates_module.now = lambda: real_now() - timedelta(days=3)  # made before today: due for review
        try:
            _annotate(library, ids["meltwater"])
        finally:
            dates_module.now = real_now
        window.panel.reload()  # the highlight counts in the list
        for theme in ("light", "dark"):
            window.set_reading(replace(window.reading, theme=theme))
            window.panel.select_article(ids["meltwater"])
            window.open_article(ids["meltwater"])  # afresh: the highlights were added behind its back
            window.view.verticalScrollBar().setValue(0)
            shoot(f"{theme}-highlights")
            if theme == "light":
                window.view.verticalScrollBar().setValue(window.view.verticalScrollBar().maximum())
                shoot("light-highlights-scrolled")
        window.set_reading(replace(window.reading, theme="light"))
        window.open_article(ids["meltwater"])
        window.panel.reload()
        settle()
        window.sidebar.list.scrollToBottom()
        settle()
        window.sidebar.grab().save(str(out / "light-sidebar-end.png"))
        print(out / "light-sidebar-end.png")
        window.sidebar.list.scrollToTop()
        _select_words(window, "then the tunnels")
        window._selection_finished()
        shoot("light-selection-toolbar")
        window.view.clear_selection()
        first = library.highlights(ids["meltwater"])[1]
        window._highlight_clicked(first.id, None)
        shoot("light-highlight-clicked")
        window.floating.hide()
        dialog = window.note_dialog(first.quote, first.note, first.tags, first.color)
        dialog.show()
        settle()
        dialog.grab().save(str(out / "light-note-dialog.png"))
        print(out / "light-note-dialog.png")
        dialog.hide()
        dialog = window.export_dialog(
            tags=["imagery", "numbers"],
            current=(ids["meltwater"], "Field Notes on Glacial Meltwater"),
            selected=[],
            notebook=None,
            preset="current",
        )
        dialog.show()
        settle()
        dialog.grab().save(str(out / "light-export-dialog.png"))
        print(out / "light-export-dialog.png")
        dialog.hide()
        for theme in ("light", "dark"):
            window.set_reading(replace(window.reading, theme=theme))
            window.action_notebook()
            window.notebook.resize(820, 620)
            settle()
            window.notebook.grab().save(str(out / f"{theme}-notebook.png"))
            print(out / f"{theme}-notebook.png")
            window.notebook.hide()
        window.set_reading(replace(window.reading, theme="light"))
        if ids.get("article"):
            _review_history(library, ids["article"])
        _shoot_review(window, app, out)
    window.panel.search.setText("ice sensors")
    window.panel.run_search()
    window.panel._open_first_result()
    shoot("light-search")
    window.panel.search.clear()
    window.action_find()
    window.pane.find_bar.field.setText("river")
    shoot("light-find")
    window.pane.find_bar.close_bar()
    window.appearance_menu.popup(window.appearance_button.mapToGlobal(window.appearance_button.rect().bottomLeft()))
    settle()
    popup = window.appearance_menu.grab()
    base = window.grab()
    from PySide6.QtGui import QPainter

    painter = QPainter(base)
    pos = window.mapFromGlobal(window.appearance_menu.pos())
    pos.setX(min(pos.x(), window.width() - popup.width() - 8))
    painter.drawPixmap(pos, popup)
    painter.end()
    base.save(str(out / "light-appearance.png"))
    print(out / "light-appearance.png")
    window.appearance_menu.hide()
    window.close()

    empty = Library.open(tmp / "empty")
    window2 = MainWindow(empty, QSettings(str(tmp / "settings2.ini"), QSettings.Format.IniFormat), poll_ms=0)
    window2.resize(width, height)
    window2.show()
    settle()
    window2.grab().save(str(out / "light-empty.png"))
    print(out / "light-empty.png")
    window2.close()
    QApplication.processEvents()
    sys.stdout.flush()
    import os

    os._exit(0)  # skip interpreter teardown of Qt objects: nothing is left to save


if __name__ == "__main__":
    raise SystemExit(main())
