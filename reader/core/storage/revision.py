"""The schema revisions this version of Reader knows (Alembic's, newest last).

Kept apart from db.py so that it can be read without importing SQLAlchemy;
tests/core/test_migrations.py checks it against Alembic's script directory.
"""

KNOWN_REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
    "0014",
    "0015",
    "0016",
)
SCHEMA_REVISION = KNOWN_REVISIONS[-1]
