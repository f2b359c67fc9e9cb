"""Migrations: a new store of each backend gets every table; a store made before migrations is adopted."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, insert, inspect, select, text

from geobrief.errors import StoreError
from geobrief.extract import extract
from geobrief.ingest import read_article
from geobrief.kb.loader import KnowledgeBase
from geobrief.store import Store, articles, metadata, open_store
from geobrief.store.migrate import BASELINE, BASELINE_TABLES, head, import_all_tables, upgrade
from tests.conftest import EXAMPLES

Opener = Callable[[], Store]

import_all_tables()  # every table declared on the metadata, wherever it is declared


def _engine(url: str) -> Engine:
    from geobrief.store import _url

    return create_engine(_url(url))


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_upgrade_creates_every_table_on_an_empty_database(store_url: str) -> None:
    done = upgrade(store_url)
    assert (done.before, done.after, done.stamped) == (None, head(), False)
    engine = _engine(store_url)
    try:
        assert set(inspect(engine).get_table_names()) == {*(t.name for t in metadata.sorted_tables), "alembic_version"}
        assert _revision(engine) == head()
    finally:
        engine.dispose()
    again = upgrade(store_url)
    assert (again.before, again.after) == (head(), head())


def test_the_migrations_build_what_the_metadata_declares(stores: Opener) -> None:
    # A table or column added to the metadata without a revision fails here: write one (see migrations/).
    store = stores()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []


@pytest.mark.parametrize("tables", [BASELINE_TABLES, {"articles", "mentions", "events", "event_actors"}])
def test_a_store_made_before_migrations_is_stamped_and_works(
    kb: KnowledgeBase, store_url: str, tables: frozenset[str]
) -> None:
    engine = _engine(store_url)
    try:
        metadata.create_all(engine, tables=[t for t in metadata.sorted_tables if t.name in tables])
        with engine.begin() as conn:
            conn.execute(
                insert(articles).values(id="0" * 16, body="Old.", ingested_at="2024-01-01T00:00:00.000000+00:00")
            )
        done = upgrade(store_url)
        assert (done.before, done.stamped) == (None, True)
        assert _revision(engine) == head()
        assert set(inspect(engine).get_table_names()) == {*(t.name for t in metadata.sorted_tables), "alembic_version"}
    finally:
        engine.dispose()

    store = open_store(store_url)
    try:
        assert store.article("0" * 16) is not None
        ex = extract(read_article(str(EXAMPLES / "dprk-russia-kursk-2025.txt")), kb)
        assert store.add(ex) is True
        assert store.count()["articles"] == 2
        assert store.events_for(["PRK"])
        with store.engine.connect() as conn:
            assert conn.execute(select(text("version_num")).select_from(text("alembic_version"))).all() == [(head(),)]
    finally:
        store.engine.dispose()


def test_a_store_from_a_newer_geobrief_is_refused_with_the_fix(store_url: str) -> None:
    upgrade(store_url)
    engine = _engine(store_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        engine.dispose()
    with pytest.raises(StoreError, match=r"'9999'.*newer geobrief"):
        open_store(store_url)


def test_the_baseline_is_the_first_revision() -> None:
    assert BASELINE == "0001" and head() >= BASELINE


def test_the_backfill_of_monthly_counts_matches_counting_on_insert(kb: KnowledgeBase, stores: Opener) -> None:
    import importlib.util
    from pathlib import Path

    from geobrief.store import pair_months

    store = stores()
    for name in ("dprk-russia-kursk-2025.txt", "red-sea-houthi-shipping-2024.txt"):
        store.add(extract(read_article(str(EXAMPLES / name)), kb))
    with store.engine.connect() as conn:
        counted = sorted(conn.execute(select(pair_months)).all())
    assert counted
    path = next((Path(__file__).parents[2] / "geobrief" / "store" / "migrations" / "versions").glob("0003_*.py"))
    spec = importlib.util.spec_from_file_location("m0003", path)
    assert spec and spec.loader
    source = path.read_text("utf-8")
    backfill = source[source.index('"""\n        INSERT') + 4 : source.index('        """\n    )')]
    with store.engine.begin() as conn:
        conn.execute(pair_months.delete())
        conn.execute(text(backfill))
        assert sorted(conn.execute(select(pair_months)).all()) == counted
