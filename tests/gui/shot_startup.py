"""Screenshots of the window's first frame and of the settled window, to check by eye that
start-up neither flashes nor jumps (the first frame is what the X server shows right after
the list's first paint, read back from the screen, not a fresh render):

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python tests/gui/shot_startup.py \
        --library /tmp/reader-bench-10k --out /tmp/startup-shots [--last-article 5000]

Writes first-frame.png, settled.png and diff.png (pixels that changed, in red) to --out, and
prints how many pixels changed inside the list. Opens the library as `reader` does
(LazyLibrary), over a temporary settings file. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--last-article", type=int, default=None)
    parser.add_argument("--theme", default="light")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter

    from reader.core.lazy import LazyLibrary
    from reader.gui.app import create_app
    from reader.gui.main_window import MainWindow

    app = create_app(sys.argv[:1])
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("reading/theme", args.theme)
    if args.last_article is not None:
        settings.setValue("library/last_article", args.last_article)
    window = MainWindow(LazyLibrary.open(args.library), settings, poll_ms=0)
    window.resize(1200, 800)
    shots: dict[str, QImage] = {}

    def grab(name: str) -> None:
        screen = QGuiApplication.primaryScreen()
        shots[name] = screen.grabWindow(window.winId()).toImage()
        shots[name].save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                obj.removeEventFilter(self)
                # The window paints first, its children in the same pass. Installed after the
                # window's own filter, this one runs first: the grab comes before anything the
                # window does after its first paint.
                QTimer.singleShot(0, lambda: grab("first-frame"))
            return False

    spy = FirstPaint()
    window.installEventFilter(spy)
    window.show()
    QTimer.singleShot(2500, lambda: (grab("settled"), app.quit()))
    app.exec()

    first, settled = shots["first-frame"], shots["settled"]
    diff = QImage(settled)
    painter = QPainter(diff)
    painter.fillRect(diff.rect(), QColor(255, 255, 255, 200))
    changed = 0
    list_rect = (
        window.panel.list.viewport()
        .rect()
        .translated(window.panel.list.viewport().mapTo(window, window.rect().topLeft()))
    )
    in_list = 0
    for y in range(min(first.height(), settled.height())):
        for x in range(min(first.width(), settled.width())):
            if first.pixel(x, y) != settled.pixel(x, y):
                changed += 1
                in_list += list_rect.contains(x, y)
                painter.setPen(QColor("red"))
                painter.drawPoint(x, y)
    painter.end()
    diff.save(str(out / "diff.png"))
    print(f"changed pixels: {changed} ({in_list} inside the list)")
    window.close()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    raise SystemExit(main())
