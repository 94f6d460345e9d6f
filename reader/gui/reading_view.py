"""Where the reading view used to live: it is now the package reader/gui/reading/."""

from reader.core.textmap import TextMap
from reader.gui.reading.article_html import display_html, format_date
from reader.gui.reading.document import CHROME_STATE
from reader.gui.reading.find_bar import FindBar
from reader.gui.reading.view import ReaderPane, ReadingView

__all__ = ["CHROME_STATE", "FindBar", "ReaderPane", "ReadingView", "TextMap", "display_html", "format_date"]
