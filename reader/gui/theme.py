"""Reading themes, the reading settings that go with them, and the app palette."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetricsF, QGuiApplication, QPalette

MIN_COLUMN_CHARS = 45  # below this a column reads as a list of words: side panels give way


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    dark: bool
    background: str  # the page
    text: str
    muted: str  # bylines, captions, block quotes
    link: str
    accent: str  # selection bar in the list, site name
    rule: str  # hairlines, table borders
    code: str  # background of code and table headers
    window: str  # the chrome around the page (library panel, toolbar)
    selection: str
    highlights: dict  # colour name -> background of a highlight
    code_style: str = "default"  # the Pygments style code blocks are coloured from (code_colors.py)


THEMES: dict[str, Theme] = {
    "light": Theme(
        "light",
        "Light",
        False,
        background="#ffffff",
        text="#1d1d1f",
        muted="#6b6b70",
        link="#1f5fbf",
        accent="#c2561a",
        rule="#e3e1dc",
        code="#f3f2ef",
        window="#f6f5f2",
        selection="#d9d6ea",
        highlights={"yellow": "#fde68a", "green": "#bbf7d0", "blue": "#93c5fd", "pink": "#fbcfe8", "purple": "#ddd6fe"},
    ),
    "sepia": Theme(
        "sepia",
        "Sepia",
        False,
        background="#f6efe0",
        text="#433422",
        muted="#7d6a52",
        link="#8a4b12",
        accent="#a0521d",
        rule="#e2d5bc",
        code="#ede3cf",
        window="#efe6d3",
        selection="#e6cf9f",
        highlights={"yellow": "#f4d675", "green": "#c5e3b0", "blue": "#bcd4ea", "pink": "#efc2cf", "purple": "#d5c8ea"},
    ),
    "dark": Theme(
        "dark",
        "Dark",
        True,
        background="#1c1c1e",
        text="#dcdad5",
        muted="#9a9892",
        link="#8ab4f8",
        accent="#f0a35e",
        rule="#3a3a3d",
        code="#2a2a2d",
        window="#232325",
        selection="#4a4a58",
        highlights={"yellow": "#6b5a14", "green": "#1f5a37", "blue": "#1d4f8f", "pink": "#6e2a4b", "purple": "#4b3a78"},
        code_style="github-dark",
    ),
}
THEME_CHOICES = ("system", "light", "sepia", "dark")

# Families tried in order; the first installed one wins, the rest are fallbacks.
SERIF = ("Noto Serif", "Source Serif 4", "Literata", "Charter", "Georgia", "DejaVu Serif", "Nimbus Roman", "C059")
SANS = ("Noto Sans", "Inter", "Source Sans 3", "Segoe UI", "Helvetica Neue", "DejaVu Sans", "Nimbus Sans")
MONO = ("Noto Sans Mono", "Noto Mono", "DejaVu Sans Mono", "Consolas", "Menlo", "Nimbus Mono PS")
FONT_ALIASES = {"Serif": SERIF, "Sans": SANS}


def installed(families) -> list[str]:
    have = _families()
    return [f for f in families if f in have]


_known_families: list[frozenset[str]] = []  # the installed families, once read (an app running)


def _families() -> frozenset[str]:
    """The installed font families, read once (a card or a page asks for them each time it is
    built) and again after fonts are added or removed while the window is open."""
    if _known_families:
        return _known_families[0]
    have = frozenset(QFontDatabase.families())
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):  # kept only while an app can say when fonts change
        app.fontDatabaseChanged.connect(_known_families.clear)
        _known_families.append(have)
    return have


def font_families(choice: str) -> list[str]:
    """The family list for a font choice: the choice, then serif, then sans fallbacks."""
    chain = list(FONT_ALIASES.get(choice, (choice,)))
    chain += [f for f in SERIF + SANS if f not in chain]
    return installed(chain) or ["serif"]


def font_choices() -> list[str]:
    """What the font menu offers: the two aliases, then installed reading fonts."""
    return ["Serif", "Sans", *installed(SERIF + SANS)]


def mono_families() -> list[str]:
    return installed(MONO) or ["monospace"]


@dataclass(frozen=True)
class ReadingSettings:
    theme: str = "system"
    font: str = "Serif"
    size: float = 13.0  # points
    line_spacing: int = 160  # line height in percent of the font size, as in CSS
    width: int = 700  # column width in pixels
    justify: bool = False  # justified text, hyphenated (Pyphen) so lines do not gape

    MIN_SIZE = 9.0
    MAX_SIZE = 28.0

    def resolved_theme(self) -> Theme:
        if self.theme in THEMES:
            return THEMES[self.theme]
        return THEMES["dark"] if system_is_dark() else THEMES["light"]

    def bigger(self, step: float = 1.0) -> ReadingSettings:
        return replace(self, size=min(self.MAX_SIZE, self.size + step))

    def smaller(self, step: float = 1.0) -> ReadingSettings:
        return replace(self, size=max(self.MIN_SIZE, self.size - step))

    @classmethod
    def load(cls, settings: QSettings) -> ReadingSettings:
        default = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = settings.value(f"reading/{f.name}", getattr(default, f.name))
            try:
                if isinstance(getattr(default, f.name), bool):  # QSettings' ini files give "false"
                    values[f.name] = raw not in (False, "false", "0", 0, None, "")
                    continue
                values[f.name] = type(getattr(default, f.name))(raw)
            except (TypeError, ValueError):
                values[f.name] = getattr(default, f.name)
        loaded = cls(**values)
        if loaded.theme not in THEME_CHOICES:
            loaded = replace(loaded, theme=default.theme)
        return replace(
            loaded,
            size=min(cls.MAX_SIZE, max(cls.MIN_SIZE, loaded.size)),
            line_spacing=min(250, max(100, loaded.line_spacing)),
            width=min(1400, max(360, loaded.width)),
        )

    def save(self, settings: QSettings) -> None:
        for f in fields(self):
            settings.setValue(f"reading/{f.name}", getattr(self, f.name))


def body_font(settings: ReadingSettings) -> QFont:
    """The article's body face at the reader's size."""
    font = QFont()
    font.setFamilies(font_families(settings.font))
    font.setPointSizeF(settings.size)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return font


def min_column_px(settings: ReadingSettings) -> int:
    """The narrowest column worth reading in: MIN_COLUMN_CHARS characters of the body font, and its margins
    (known before the reading view is built: the window's first frame gives way by it too)."""
    return round(MIN_COLUMN_CHARS * QFontMetricsF(body_font(settings)).averageCharWidth()) + 2 * 28 + 12


def system_is_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def palette_for(theme: Theme) -> QPalette:
    """A whole-window palette that matches the reading theme (used with Fusion)."""
    p = QPalette()
    window = QColor(theme.window)
    base = QColor(theme.background)
    text = QColor(theme.text)
    muted = QColor(theme.muted)
    button = window.lighter(104) if not theme.dark else window.lighter(125)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        p.setColor(group, QPalette.ColorRole.Window, window)
        p.setColor(group, QPalette.ColorRole.Base, base)
        p.setColor(group, QPalette.ColorRole.AlternateBase, QColor(theme.code))
        p.setColor(group, QPalette.ColorRole.Button, button)
        p.setColor(group, QPalette.ColorRole.ToolTipBase, base)
        p.setColor(group, QPalette.ColorRole.ToolTipText, text)
        p.setColor(group, QPalette.ColorRole.Highlight, QColor(theme.selection))
        p.setColor(group, QPalette.ColorRole.HighlightedText, text)
        p.setColor(group, QPalette.ColorRole.Link, QColor(theme.link))
        p.setColor(group, QPalette.ColorRole.PlaceholderText, muted)
        p.setColor(group, QPalette.ColorRole.Mid, QColor(theme.rule))
        p.setColor(group, QPalette.ColorRole.Midlight, QColor(theme.rule))
        p.setColor(group, QPalette.ColorRole.Dark, QColor(theme.rule).darker(130))
        p.setColor(group, QPalette.ColorRole.Light, base.lighter(110))
        p.setColor(group, QPalette.ColorRole.Shadow, QColor(0, 0, 0, 80))
        fg = muted if group == QPalette.ColorGroup.Disabled else text
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
            p.setColor(group, role, fg)
        p.setColor(group, QPalette.ColorRole.BrightText, QColor("#ffffff"))
    return p
