"""The store's tests run against each backend: a SQLite file, and PostgreSQL when a server is given.

PostgreSQL: ``GEOBRIEF_TEST_POSTGRES_URL`` (``scripts/postgres-test-server.sh`` starts a server on loopback
and prints one); each test gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from geobrief.store import Store, _url, open_store

POSTGRES_ENV = "GEOBRIEF_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set: export the URL that scripts/postgres-test-server.sh prints")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(_url(base))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        # The schema alone on the search path: unqualified names, alembic_version included, land in it.
        url = make_url(_url(base)).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture
def stores(store_url: str) -> Iterator[Callable[[], Store]]:
    """Open the test's store (any number of times); the connections are closed after the test."""
    opened: list[Store] = []

    def _open() -> Store:
        opened.append(open_store(store_url))
        return opened[-1]

    yield _open
    for store in opened:
        store.engine.dispose()
