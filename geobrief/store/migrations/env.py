"""Alembic's environment for the store: the package's ``metadata``, on the connection ``migrate`` hands over.

``metadata`` holds only the tables of the modules imported so far: ``migrate.revision`` imports them
all before autogenerating. There is no alembic.ini: ``geobrief.store.migrate`` builds the Config, sets
``script_location`` to this directory and puts an open connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from geobrief.store import metadata

config = context.config


def _run(connection: Connection) -> None:
    # SQLite cannot ALTER most things: batch mode copies the table instead.
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (given := config.attributes.get("connection")) is not None:
    _run(given)
else:
    engine = create_engine(str(config.get_main_option("sqlalchemy.url")))
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()
