"""The Qt binding we install must not corrupt Python's reference counts.

PySide6 6.12.0 decrements None's count whenever a pointer getter returns
nothing; the reading view calls such getters for every block of an article,
so a long article opened a few times aborted the whole app.
"""

import sys

from PySide6.QtGui import QTextCursor, QTextDocument


def test_getters_returning_nothing_keep_none_alive(qapp):
    doc = QTextDocument()
    doc.setHtml("<p>plain paragraph, no list, no table</p>")
    block = doc.begin()
    cursor = QTextCursor(doc)
    before = sys.getrefcount(None)
    for _ in range(2000):
        assert block.textList() is None
        assert cursor.currentTable() is None
        assert cursor.currentList() is None
    assert sys.getrefcount(None) >= before - 50
