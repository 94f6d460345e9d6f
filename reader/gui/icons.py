"""Line icons drawn from small SVGs, tinted to the current theme (no icon theme needed)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

_STROKE = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
    'stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round">{}</svg>'
)
_STAR = "12,3.2 14.7,8.8 20.8,9.6 16.4,13.9 17.5,20 12,17.1 6.5,20 7.6,13.9 3.2,9.6 9.3,8.8"

SHAPES = {
    "import": '<path d="M12 3.5v11M7.5 10.5 12 15l4.5-4.5"/><path d="M4 15.5V19a1.5 1.5 0 0 0 1.5 1.5h13A1.5 1.5 0 0 0 20 19v-3.5"/>',
    "archive": '<rect x="3" y="4" width="18" height="4.5" rx="1"/><path d="M5 8.5V19a1.5 1.5 0 0 0 1.5 1.5h11A1.5 1.5 0 0 0 19 19V8.5M10 12.5h4"/>',
    "star": f'<polygon points="{_STAR}"/>',
    "star-filled": f'<polygon points="{_STAR}" fill="currentColor"/>',
    "tag": '<path d="M3.5 12.2V4.5a1 1 0 0 1 1-1h7.7l8.3 8.3a1 1 0 0 1 0 1.4l-7.3 7.3a1 1 0 0 1-1.4 0z"/><circle cx="8" cy="8" r="1.4"/>',
    "trash": '<path d="M4 7h16M9.5 7V4.5h5V7M6 7l1 12.5a1 1 0 0 0 1 .9h8a1 1 0 0 0 1-.9L18 7M10 11v5.5M14 11v5.5"/>',
    "external": '<path d="M14 4h6v6M20 4l-8.5 8.5"/><path d="M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5"/>',
    "link": '<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1"/><path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>',
    "search": '<circle cx="10.5" cy="10.5" r="6.5"/><path d="m20 20-4.8-4.8"/>',
    "type": '<path d="M3.5 19 8 6l4.5 13M5.2 14.5h5.6"/><path d="M14.5 12.2a3 3 0 0 1 5.5 1.3V19m0-3.2c-3.2-.4-5.6.3-5.6 1.9 0 1.9 3.6 2.2 5.6-.2"/>',
    "sidebar": '<rect x="3" y="4.5" width="18" height="15" rx="2"/><path d="M9.5 4.5v15"/>',
    "contents": '<path d="M4 6h.01M8 6h12M6.5 12h.01M10.5 12h9.5M6.5 18h.01M10.5 18h9.5"/>',
    "up": '<path d="m6 15 6-6 6 6"/>',
    "down": '<path d="m6 9 6 6 6-6"/>',
    "close": '<path d="M6 6l12 12M18 6 6 18"/>',
    "info": '<circle cx="12" cy="12" r="8.5"/><path d="M12 11v5.5M12 7.8v.2"/>',
    "review": '<path d="M8 6V4.5a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1h-1.5"/><rect x="4" y="7" width="13.5" height="13.5" rx="1"/><path d="M7.5 11.5h6.5M7.5 15h4"/>',
    "inbox": '<path d="M3.5 13.5 6 5.5a1 1 0 0 1 1-.7h10a1 1 0 0 1 1 .7l2.5 8"/><path d="M3.5 13.5V18a1.5 1.5 0 0 0 1.5 1.5h14a1.5 1.5 0 0 0 1.5-1.5v-4.5H15a3 3 0 0 1-6 0z"/>',
}

APP_ICON = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
<stop offset="0" stop-color="#e0793a"/><stop offset="1" stop-color="#b4481a"/></linearGradient></defs>
<rect x="4" y="4" width="56" height="56" rx="13" fill="url(#g)"/>
<path d="M32 19c-5-3.2-11-4-17-3.2v29c6-.8 12 0 17 3.2 5-3.2 11-4 17-3.2v-29c-6-.8-12 0-17 3.2z" fill="#fffaf2"/>
<path d="M32 19v29" stroke="#e3c9ae" stroke-width="1.6"/>
<path d="M19 23.5c3.5-.2 6.5.3 9 1.4M19 29c3.5-.2 6.5.3 9 1.4M36 24.9c2.5-1.1 5.5-1.6 9-1.4M36 36.4c2.5-1.1 5.5-1.6 9-1.4"
 stroke="#c9b7a3" stroke-width="1.8" stroke-linecap="round" fill="none"/>
<rect x="35" y="28" width="11.5" height="5.5" rx="1.2" fill="#f7c948" opacity=".95"/>
<path d="M35.5 30.4c2.5-1.1 5.5-1.6 9-1.4" stroke="#8a6d2b" stroke-width="1.8" stroke-linecap="round" fill="none"/>
</svg>"""


def _render(svg: str, size: int, ratio: float = 2.0, opacity: float = 1.0) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    image = QImage(int(size * ratio), int(size * ratio), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setOpacity(opacity)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _svg(name: str, color: str) -> str:
    """The project's icon from resources/icons/actions, else the built-in drawing."""
    try:
        from reader import resources

        return resources.icon_svg(name, color).decode("utf-8")
    except Exception:
        return _STROKE.format(SHAPES[name]).replace("currentColor", color)


class _SvgIconEngine(QIconEngine):
    """Draws an SVG at the size asked, when first asked: building the window's
    icons up front cost a tenth of its start-up."""

    def __init__(self, off: str, on: str | None = None) -> None:
        super().__init__()
        self.svgs = {QIcon.State.Off: off, QIcon.State.On: on or off}
        self.cache: dict[tuple, QPixmap] = {}

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        key = (size.width(), size.height(), mode, state)
        pixmap = self.cache.get(key)
        if pixmap is None:
            # Qt asks in device pixels (it scales the size for high-DPI screens itself).
            pixmap = _render(
                self.svgs[state],
                min(size.width(), size.height()),
                ratio=1.0,
                opacity=0.4 if mode == QIcon.Mode.Disabled else 1.0,
            )
            self.cache[key] = pixmap
        return pixmap

    def paint(self, painter: QPainter, rect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.drawPixmap(rect, self.pixmap(rect.size(), mode, state))

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self.svgs[QIcon.State.Off], self.svgs[QIcon.State.On])


def icon(name: str, color: str, on_name: str | None = None, on_color: str | None = None) -> QIcon:
    """A tinted icon; `on_name` gives the checked look (e.g. a filled star)."""
    on_svg = _svg(on_name, on_color or color) if on_name else None
    return QIcon(_SvgIconEngine(_svg(name, color), on_svg))


def app_icon() -> QIcon:
    """The application icon, drawn from its master SVG at each size asked for (the PNGs are
    renders of it: loading all 18 and handing them to the window system cost start-up 10 ms)."""
    try:
        from reader import APP_ID, resources

        svg = resources.read_text("icons", "hicolor", "scalable", "apps", f"{APP_ID}.svg")
    except Exception:  # no resources (a broken install): the built-in drawing
        svg = APP_ICON
    return QIcon(_SvgIconEngine(svg))
