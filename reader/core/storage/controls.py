"""Articles that still hold control characters: imported before the importer removed
them (reader.core.importing.controls), their text, html or title keeps ESC, BEL or
C1 controls such as U+008F, which drive a terminal and show nothing on a page.

Found, never changed here: `reader check` names them and `reader reextract` cleans
them, moving their highlights with the text (see Library.check for why).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from reader.core.text import CONTROL_CHARS

# The characters the importer removes from markup now (NUL is never stored at all).
CONTROL_CLASS = f"[{CONTROL_CHARS}]"


def articles_with_controls(conn: Connection) -> list[int]:
    """The ids of the articles whose stored text, html or title holds a control character."""
    if conn.dialect.name == "sqlite":
        # GLOB's [...] compares code points: one pass in C over each value.
        test, pattern = "GLOB", f"*{CONTROL_CLASS}*"
    else:
        test, pattern = "~", CONTROL_CLASS
    rows = conn.execute(
        text(
            "SELECT a.id FROM articles a JOIN article_contents c ON c.article_id = a.id "
            f"WHERE c.text {test} :pattern OR c.html {test} :pattern OR a.title {test} :pattern ORDER BY a.id"
        ),
        {"pattern": pattern},
    )
    return list(rows.scalars())
