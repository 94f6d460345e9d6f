"""Articles that still hold control characters: imported before the importer removed
them (reader.core.importing.controls), their text, html or title keeps ESC, BEL or
C1 controls such as U+008F, which drive a terminal and show nothing on a page.

Found, never changed here: `reader check` names them and `reader reextract` cleans
them, moving their highlights with the text (see Library.check for why).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

# The characters the importer removes from markup now: C0 controls but tab, newline,
# form feed and carriage return (whitespace the text collapses), DEL, C1 controls,
# and the two non-characters U+FFFE and U+FFFF.
CONTROL_CLASS = "[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffe\uffff]"


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
