"""What the reading view's mixins (highlights, find, typesetting, contents, word
selection) may use of the view they are mixed into: for the type checker only.
At run time the mixins are plain classes and ReadingView is the one QTextBrowser."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import QRectF, QTimer
    from PySide6.QtGui import QBrush, QFont, QPainter
    from PySide6.QtWidgets import QLabel, QTextBrowser, QTextEdit

    from reader.core.domain import Article, Highlight
    from reader.core.textmap import TextMap
    from reader.gui.reading.article_html import Formula
    from reader.gui.reading.contents import Heading
    from reader.gui.theme import ReadingSettings, Theme

    class ViewBase(QTextBrowser):
        library: Any
        settings: ReadingSettings
        theme: Theme
        article: Article | None
        text_map: TextMap | None
        highlights: dict[int, Highlight]
        _spans: dict[int, tuple[int, int]]
        _joins: list[int]
        _brushes: dict[tuple[str, tuple[str, ...]], QBrush]
        _images: dict[str, Any]
        _formulas: list[Formula]
        _code_blocks: list[tuple[int, int]]
        _fitted_width: float
        _applied_scales: dict[int, float]
        _table_scales: tuple[dict[int, float], tuple[float, float, object]]
        _image_limit: int
        _stacked: frozenset[int]
        _stacked_column: float
        _table_indices: list[int]
        _mirrored: list[bool]
        _page_rtl: bool
        _table_words: tuple[object, dict[int, float]]
        _headings: list[Heading] | None
        _find_selections: list[QTextEdit.ExtraSelection]
        _term_selections: list[QTextEdit.ExtraSelection]
        _flash_selections: list[QTextEdit.ExtraSelection]
        _pending: list[tuple[tuple[int, int], QTextEdit.ExtraSelection]]
        _search_terms: tuple[str, ...]
        _flash_timer: QTimer
        _pending_fraction: float | None
        _fraction: float
        _last_max: int
        _save_timer: QTimer
        time_left: QLabel
        progressChanged: Any  # Signal(int, float)

        def body_font(self) -> QFont: ...
        def scroll_fraction(self) -> float: ...
        def _render(self, fraction: float) -> None: ...
        def _scroll_to_position(self, pos: int, select_to: int | None = None) -> None: ...
        def _apply_extra(self) -> None: ...
        def layout_now(self) -> None: ...
        def set_page_width(self) -> None: ...
        def minutes_left(self) -> int | None: ...
        def _paint_note_marks(self, painter: QPainter) -> None: ...
        def _paint_code_backgrounds(self, painter: QPainter, clip: QRectF) -> None: ...

else:
    ViewBase = object

__all__ = ["ViewBase"]
