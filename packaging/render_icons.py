"""Render the application icon's PNG sizes from its SVG masters, with Qt's SVG renderer.

    .venv/bin/python packaging/render_icons.py

Writes resources/icons/hicolor/<N>x<N>/apps/io.github.reader.Reader.png for every size in
reader.resources.APP_ICON_SIZES. Sizes up to 24 px come from a simplified drawing
(resources/art/...-small.svg: no pen, fewer, bolder lines), which reads better that small;
the rest from the scalable icon. The PNGs are committed; run this after editing an SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader import APP_ID  # noqa: E402
from reader.resources import APP_ICON_SIZES  # noqa: E402

ICONS = ROOT / "resources" / "icons" / "hicolor"
MASTER = ICONS / "scalable" / "apps" / f"{APP_ID}.svg"
SMALL = ROOT / "resources" / "art" / f"{APP_ID}-small.svg"
SMALL_UP_TO = 24


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - Qt needs one
    renderers = {}
    for source in (MASTER, SMALL):
        renderer = QSvgRenderer(str(source))
        if not renderer.isValid():
            print(f"render_icons: cannot read {source}", file=sys.stderr)
            return 1
        renderers[source] = renderer
    for size in APP_ICON_SIZES:
        source = SMALL if size <= SMALL_UP_TO else MASTER
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderers[source].render(painter, QRectF(0, 0, size, size))
        painter.end()
        target = ICONS / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            print(f"render_icons: cannot write {target}", file=sys.stderr)
            return 1
        print(f"{target.relative_to(ROOT)}  ({source.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
