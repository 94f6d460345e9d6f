"""The render audit: does the reading view show everything the page says?

    python -m reader.gui.audit [--width W ...] [--json] PAGE...

Each saved page goes through the real import into a temporary library and is
opened in the real reading view at each width (500, 800 and 1200 px unless
given). Per page and width it counts:

- missing_chars: non-space characters of the article text the document does
  not show (the text map could not place them);
- clipped_lines: laid-out lines of zero height, or drawn outside their block
  (the last line of a code block drawn as a sliver), and blocks of text never
  laid out (the end of an article left undrawn);
- broken_words: words broken across two lines inside a table cell;
- overflow_px: how far the article is wider than the view (a horizontal
  scrollbar for the whole article);
- small_images: images drawn at under half the size a browser would draw them
  (their declared size, or their own, fitted to the column);
- render_ms: from showing the article to its full layout.

Exit status 0 when every count is 0, else 1 (2 when a page cannot be read).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

WIDTHS = (500, 800, 1200)
HEIGHT = 700


@dataclass
class Row:
    page: str
    width: int
    missing_chars: int
    clipped_lines: int
    broken_words: int
    overflow_px: int
    small_images: int
    render_ms: float

    @property
    def defects(self) -> int:
        return self.missing_chars + self.clipped_lines + self.broken_words + self.overflow_px + self.small_images


def page_name(path: Path) -> str:
    """A corpus page is its folder's name (corpus/NAME/source.html); other files, their own."""
    return path.parent.name if path.stem in ("source", "index") else path.stem


def audit_view(view, page: str, width: int, article, render_ms: float) -> Row:
    """Measure an article already shown in `view` at `width`."""
    from reader.gui.reading.measure import broken_words, clipped_lines, missing_chars, overflow_px, small_images

    return Row(
        page,
        width,
        missing_chars(view, article),
        clipped_lines(view),
        broken_words(view),
        overflow_px(view),
        small_images(view, article),
        round(render_ms, 1),
    )


def audit_pages(
    paths: list[Path], widths=WIDTHS, library_dir: Path | None = None, workers: int = 1
) -> tuple[list[Row], list[str]]:
    """Import `paths` into a fresh library and audit each article at each width."""
    from PySide6.QtWidgets import QApplication

    from reader.core.library import Library
    from reader.gui.reading.view import ReadingView

    app = QApplication.instance() or QApplication(["reader-audit"])
    rows: list[Row] = []
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="reader-audit-") as tmp:
        library = Library.open(library_dir or Path(tmp) / "library")
        try:
            # One page at a time: the same page saved twice is a duplicate, and each is audited.
            view = ReadingView(library)
            view.resize(widths[0], HEIGHT)
            view.show()
            for path in paths:
                name = page_name(path)
                outcome = library.import_paths([path], workers=workers)[0]
                if outcome.status not in ("imported", "duplicate") or outcome.id is None:
                    errors.append(f"{path}: {outcome.error or outcome.status}")
                    continue
                article = library.get(outcome.id)
                for width in widths:
                    view.resize(width, HEIGHT)
                    app.processEvents()
                    started = time.perf_counter()
                    view.show_article(article, progress=0.0)
                    doc = view.document()
                    doc.documentLayout().blockBoundingRect(doc.lastBlock())
                    view.layout_now()
                    app.processEvents()
                    ms = (time.perf_counter() - started) * 1000
                    rows.append(audit_view(view, name, width, article, ms))
                view.show_placeholder()
            view.close()
        finally:
            library.close()
    return rows, errors


TOTAL_KEYS = ("missing_chars", "clipped_lines", "broken_words", "overflow_px", "small_images")


def table(rows: list[Row]) -> str:
    """Per page and width, then totals per width."""
    head = f"{'page':32} {'width':>5} {'missing':>7} {'clipped':>7} {'broken':>6} {'overflow':>8} {'smallimg':>8} {'ms':>7}"
    lines = [head]
    for r in rows:
        lines.append(
            f"{r.page[:32]:32} {r.width:5} {r.missing_chars:7} {r.clipped_lines:7} {r.broken_words:6} "
            f"{r.overflow_px:8} {r.small_images:8} {r.render_ms:7.0f}"
        )
    lines.append("")
    lines.append(totals(rows))
    return "\n".join(lines)


def totals(rows: list[Row]) -> str:
    out = [
        f"{'totals':12} {'pages':>5} "
        + " ".join(f"{k:>13}" for k in TOTAL_KEYS)
        + f" {'pages w/ defects':>16} {'median ms':>9}"
    ]
    for width in sorted({r.width for r in rows}):
        these = [r for r in rows if r.width == width]
        ms = sorted(r.render_ms for r in these)
        out.append(
            f"{'width ' + str(width):12} {len(these):5} "
            + " ".join(f"{sum(getattr(r, k) for r in these):13}" for k in TOTAL_KEYS)
            + f" {sum(1 for r in these if r.defects):16} {ms[len(ms) // 2] if ms else 0:9.0f}"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reader.gui.audit", description="Check that the reading view shows all of each saved page."
    )
    parser.add_argument(
        "--width", type=int, action="append", help="view width in px (repeatable; default 500, 800, 1200)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per page and width")
    parser.add_argument("pages", nargs="+", metavar="PAGE")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    paths = [Path(p) for p in args.pages]
    for path in paths:
        if not path.is_file():
            print(
                f"audit: {path}: {'a folder, not a saved page' if path.is_dir() else 'no such file'}", file=sys.stderr
            )
            return 2
    widths = tuple(w for w in (args.width or WIDTHS))
    if any(w < 200 or w > 10000 for w in widths):
        print("audit: --width must be between 200 and 10000 px", file=sys.stderr)
        return 2
    rows, errors = audit_pages(paths, widths)
    for error in errors:
        print(f"audit: {error}", file=sys.stderr)
    if args.json:
        for r in rows:
            print(json.dumps(asdict(r), ensure_ascii=False))
    else:
        print(table(rows))
    if errors:
        return 2
    return 0 if all(r.defects == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
