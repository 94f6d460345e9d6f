"""Alembic environment: the library hands us its open connection."""

from alembic import context

from reader.core.storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the library runs migrations
    raise RuntimeError("migrations are run by reader.core.storage.db.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things: copy-and-move tables there; PostgreSQL alters in place.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
