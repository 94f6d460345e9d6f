"""The reading view, in pieces of one job each (as Calibre's viewer and Foliate split theirs):

- article_html.py     the article's HTML as Qt's rich text takes it, the header, the style sheet
- document.py         what in the document is ours (header blocks) and the text map over it
- typeset.py          block formats, code blocks, math, images fitted to the column
- table_fit.py        tables set smaller until no word breaks, or found too wide (then shown as lines)
- stacked.py          a too-wide table shown as lines: one card per row
- direction.py        right-to-left pages and tables; logical_order.py maps mirrored rows back
- highlight_painter.py highlights painted into the document, and hit-testing them
- find_bar.py         find in the article, search terms, the find bar
- view.py             ReadingView (showing an article, layout, selection, links) and ReaderPane
- painting.py         painting the page: no caret, rules, the bar beside block quotes
- position.py         where the reader is: scroll position, progress, paging, minutes left
- measure.py          the render audit's measures (python -m reader.gui.audit)
"""
