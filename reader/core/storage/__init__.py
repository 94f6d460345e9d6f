"""SQLite storage through SQLAlchemy; schema changes through Alembic."""
