"""The window's style sheet, from the reading theme (Qt style sheets over the Fusion palette)."""

from __future__ import annotations

from reader.gui.theme import ReadingSettings, Theme, font_families


def window_css(t: Theme) -> str:
    return f"""
    QMainWindow, QWidget#LibraryPanel, QStackedWidget, QFrame#EmptyState {{ background: {t.window}; }}
    QTableView#ArticleList, QListView#SearchResults {{ background: {t.window}; border: none; outline: none; }}
    QListView QScrollBar:vertical, QTableView#ArticleList QScrollBar:vertical {{ background: {t.window}; width: 10px; margin: 0; }}
    QListView QScrollBar::handle:vertical, QTableView#ArticleList QScrollBar::handle:vertical {{ background: {t.rule}; border-radius: 4px; min-height: 40px; margin: 2px; }}
    QListView QScrollBar::handle:vertical:hover, QTableView#ArticleList QScrollBar::handle:vertical:hover {{ background: {t.muted}; }}
    QListView QScrollBar::add-line, QListView QScrollBar::sub-line,
    QTableView#ArticleList QScrollBar::add-line, QTableView#ArticleList QScrollBar::sub-line {{ height: 0; }}
    QListView QScrollBar::add-page, QListView QScrollBar::sub-page,
    QTableView#ArticleList QScrollBar::add-page, QTableView#ArticleList QScrollBar::sub-page {{ background: none; }}
    QToolBar#MainToolbar {{ background: {t.window}; border: none; border-bottom: 1px solid {t.rule};
                            padding: 4px 8px; spacing: 2px; }}
    QToolBar#MainToolbar QToolButton {{ border: none; border-radius: 7px; padding: 5px; margin: 1px; }}
    QToolBar#MainToolbar QToolButton:hover {{ background: {t.rule}; }}
    QToolBar#MainToolbar QToolButton:checked {{ background: {t.selection}; }}
    QToolBar#MainToolbar QToolButton::menu-indicator {{ image: none; width: 0; }}
    QToolBar::separator {{ background: {t.rule}; width: 1px; margin: 6px 6px; }}
    QLineEdit#SearchField {{ border: 1px solid {t.rule}; border-radius: 9px; padding: 6px 10px;
                             background: {t.background}; color: {t.text}; }}
    QLineEdit#SearchField:focus {{ border: 1px solid {t.accent}; }}
    QLabel#CountLabel {{ color: {t.muted}; padding-left: 2px; }}
    QLabel#EmptyTitle {{ font-size: 15pt; font-weight: 600; color: {t.text}; }}
    QLabel#EmptyBody {{ color: {t.muted}; }}
    QSplitter#MainSplitter::handle {{ background: {t.rule}; }}
    QFrame#ImportSummary {{ background: {t.code}; border-bottom: 1px solid {t.rule}; }}
    QFrame#ImportSummary[failed="true"] QLabel#SummaryTitle {{ color: {t.accent}; font-weight: 600; }}
    QLabel#SummaryTitle {{ font-weight: 600; }}
    QLabel#SummaryDetails {{ color: {t.muted}; }}
    QFrame#FindBar {{ background: {t.window}; border-top: 1px solid {t.rule}; }}
    QStatusBar {{ background: {t.window}; color: {t.muted}; border-top: 1px solid {t.rule}; }}
    QLabel#DropOverlay {{ background: rgba({_rgb(t.background)}, 225); color: {t.accent};
                          border: 2px dashed {t.accent}; border-radius: 18px; font-size: 18pt; font-weight: 600; }}
    QFrame#AppearancePanel QLabel {{ color: {t.muted}; }}
    QWidget#AnnotationsPanel, QFrame#AnnotationsHeader {{ background: {t.window}; }}
    QListView#HighlightList {{ background: {t.window}; border: none; outline: none; }}
    QListView#HighlightList QScrollBar:vertical, QListView#NotebookList QScrollBar:vertical {{
        background: transparent; width: 10px; margin: 0; }}
    QListView#HighlightList QScrollBar::handle:vertical, QListView#NotebookList QScrollBar::handle:vertical {{
        background: {t.rule}; border-radius: 4px; min-height: 40px; margin: 2px; }}
    QListView#HighlightList QScrollBar::add-line, QListView#HighlightList QScrollBar::sub-line,
    QListView#NotebookList QScrollBar::add-line, QListView#NotebookList QScrollBar::sub-line {{ height: 0; }}
    QLabel#SidebarLabel {{ color: {t.muted}; font-size: 8.5pt; font-weight: 600; letter-spacing: 0.5px; }}
    QLabel#SidebarTitle {{ font-weight: 600; font-size: 10.5pt; }}
    QLabel#SidebarCount {{ color: {t.muted}; padding-left: 4px; }}
    QLabel#SidebarEmpty {{ color: {t.muted}; padding: 24px; }}
    QPlainTextEdit#ArticleNote {{ background: {t.background}; color: {t.text}; border: 1px solid {t.rule};
                                  border-radius: 8px; padding: 4px 6px; }}
    QPlainTextEdit#ArticleNote:focus {{ border: 1px solid {t.accent}; }}
    QComboBox#ColorFilter, QComboBox#TagFilter {{ padding: 3px 8px; }}
    QDialog#Notebook {{ background: {t.window}; }}
    QListView#NotebookList {{ background: {t.window}; border: 1px solid {t.rule}; border-radius: 8px; outline: none; }}
    QLineEdit#NotebookSearch {{ border: 1px solid {t.rule}; border-radius: 9px; padding: 5px 10px;
                                background: {t.background}; color: {t.text}; }}
    QLabel#NotebookCount {{ color: {t.muted}; }}
    QLabel#NoteQuote {{ color: {t.muted}; font-style: italic; }}
    QLabel#NoteHint {{ color: {t.muted}; }}
    """


def review_css(t: Theme, reading: ReadingSettings) -> str:
    """The daily review's window (gui/review.py), in the reading theme and face."""
    sans = ", ".join(f"'{f}'" for f in font_families("Sans"))
    serif = ", ".join(f"'{f}'" for f in font_families(reading.font))
    good_text = "#ffffff" if not t.dark else t.background
    return f"""
            QDialog#Review {{ background: {t.window}; }}
            QDialog#Review QLabel {{ color: {t.text}; }}
            QFrame#ReviewCard, QFrame#ReviewMessage {{ background: {t.background}; border: 1px solid {t.rule};
                border-radius: 12px; }}
            QTextBrowser#ReviewQuote {{ background: {t.background}; color: {t.text}; border: none; }}
            QTextBrowser#ReviewQuote QScrollBar:vertical {{ background: {t.background}; width: 9px; margin: 0; }}
            QTextBrowser#ReviewQuote QScrollBar::handle:vertical {{ background: {t.rule}; border-radius: 4px;
                min-height: 30px; margin: 1px; }}
            QTextBrowser#ReviewQuote QScrollBar::add-line, QTextBrowser#ReviewQuote QScrollBar::sub-line {{ height: 0; }}
            QTextBrowser#ReviewQuote QScrollBar::add-page, QTextBrowser#ReviewQuote QScrollBar::sub-page {{ background: none; }}
            QLabel#ReviewSite {{ color: {t.accent}; font-family: {sans}; font-size: {reading.size * 0.72:.1f}pt;
                font-weight: 600; letter-spacing: 1px; }}
            QLabel#ReviewTitle {{ font-family: {serif}; font-size: {reading.size * 1.15:.1f}pt; font-weight: 700; }}
            QDialog#Review QLabel#ReviewMeta, QDialog#Review QLabel#ReviewHint,
            QDialog#Review QLabel#ReviewAsk, QDialog#Review QLabel#ReviewExplain,
            QDialog#Review QLabel#ReviewLegend, QDialog#Review QLabel#ReviewStreak,
            QDialog#Review QLabel#ReviewWeek {{ color: {t.muted}; }}
            QLabel#ReviewWeek {{ font-weight: 600; }}
            QLabel#ReviewPosition {{ font-weight: 600; }}
            QDialog#Review QLabel#ReviewStatus {{ color: {t.accent}; }}
            QLabel#ReviewHeadline {{ font-family: {serif}; font-size: {reading.size * 1.45:.1f}pt; font-weight: 700; }}
            QPushButton {{ background: {t.code}; color: {t.text}; border: 1px solid {t.rule}; border-radius: 8px;
                padding: 6px 14px; }}
            QPushButton:hover {{ border-color: {t.muted}; }}
            QPushButton:disabled {{ color: {t.muted}; }}
            QPushButton#answer-good, QPushButton#answer-keep {{ background: {t.accent}; color: {good_text};
                border-color: {t.accent}; font-weight: 600; }}
            QPushButton[flat="true"] {{ background: transparent; border: none; color: {t.link}; padding: 4px 8px; }}
            QPushButton[flat="true"]:hover {{ background: {t.code}; }}
            QPlainTextEdit#ReviewNote, QLineEdit#ReviewTags {{ background: {t.background}; color: {t.text};
                border: 1px solid {t.rule}; border-radius: 6px; padding: 4px 6px; }}
    """


def _rgb(color: str) -> str:
    from PySide6.QtGui import QColor

    c = QColor(color)
    return f"{c.red()}, {c.green()}, {c.blue()}"
