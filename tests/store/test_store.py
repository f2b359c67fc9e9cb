from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from geobrief.errors import StoreError
from geobrief.extract import extract
from geobrief.extract.pipeline import Extraction
from geobrief.ingest import read_article
from geobrief.kb.loader import KnowledgeBase
from geobrief.store import Store, _display, _url, default_url, open_store
from tests.conftest import EXAMPLES

Opener = Callable[[], Store]


def _example(kb: KnowledgeBase, name: str = "dprk-russia-kursk-2025.txt") -> Extraction:
    return extract(read_article(str(EXAMPLES / name)), kb)


def test_storing_twice_stores_once_and_events_come_back(kb: KnowledgeBase, stores: Opener) -> None:
    store = stores()
    ex = _example(kb)
    assert store.add(ex) is True
    assert store.add(ex) is False
    assert store.count() == {"articles": 1, "events": len(ex.events)}
    back = store.events_for(["PRK"])
    assert back and all("PRK" in (*e.actors, *e.recipients) for e in back)
    original = {e.id: e for e in ex.events}
    for e in back:
        assert e == original[e.id]
    assert store.article(ex.article.id) == replace(ex.article, path=None)  # the path is not stored
    assert stores().count() == {"articles": 1, "events": len(ex.events)}  # reopened: nothing migrated twice


def test_a_batch_with_an_article_twice_stores_it_once(kb: KnowledgeBase, stores: Opener) -> None:
    ex = _example(kb)
    assert stores().add_many([ex, ex]) == 1


def test_undated_events_come_first_and_undated_articles_last_on_every_backend(
    kb: KnowledgeBase, stores: Opener
) -> None:
    # SQLite sorts NULL first in ascending order and last in descending; PostgreSQL does the opposite.
    store = stores()
    ex = _example(kb)
    assert len(ex.events) >= 2 and ex.article.published
    undated = replace(ex.events[-1], date=None)
    store.add(replace(ex, events=(*(replace(e, date="2025-03-01") for e in ex.events[:-1]), undated)))
    code = sorted({*undated.actors, *undated.recipients})[0]
    assert store.events_for([code])[0].id == undated.id

    later = replace(ex.article, id="2" * 16, published=None)
    store.add(replace(ex, article=later, events=(replace(undated, id="e" * 13),), mentions=()))
    assert [a.id for a in store.articles_about([code])] == [ex.article.id, later.id]


def test_event_counts_group_by_month_on_every_backend(kb: KnowledgeBase, stores: Opener) -> None:
    store = stores()
    ex = _example(kb)
    events = tuple(
        replace(e, date=d) for e, d in zip(ex.events, ["2025-01-05", "2025-01-20", "2025-02", "2025"], strict=False)
    )
    store.add(replace(ex, events=events))
    code = sorted({*events[0].actors, *events[0].recipients})[0]
    counts = store.event_counts([code], "2025-01-01", "2025-12-31")
    expected: dict[tuple[str, str], int] = {}
    for e in events:
        if code in (*e.actors, *e.recipients) and e.date and len(e.date) >= 7 and e.date >= "2025-01-01":
            expected[(e.type, e.date[:7])] = expected.get((e.type, e.date[:7]), 0) + 1
    assert {(t, m): n for t, m, n in counts} == expected


def test_predictions_round_trip_and_are_stored_once(stores: Opener) -> None:
    store = stores()
    row: dict[str, object] = {
        "id": "a" * 16,
        "created_at": "2025-03-01T10:00:00.000000+00:00",
        "country": "SGP",
        "horizon": "short",
        "period": "2025-Q2",
        "rule": "sanctions-tighten",
        "actors": '["PRK", "RUS"]',
        "text": "Sanctions tighten.",
        "likelihood": 0.65,
        "signposts": "[]",
        "events": '["e1"]',
    }
    assert store.add_predictions([row, {**row, "text": "changed"}]) == 1
    assert store.predictions("SGP") == [row]
    assert store.predictions("JPN") == []


def test_a_postgresql_url_means_psycopg() -> None:
    assert _url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert _url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert _url("postgresql+psycopg://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert "secret" not in _display("postgresql://u:secret@h/db")


def test_a_plain_postgresql_url_opens(store_url: str) -> None:
    if not store_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL URL")
    store = open_store(store_url.replace("postgresql+psycopg://", "postgresql://", 1))
    try:
        assert store.count() == {"articles": 0, "events": 0}
        assert "geobrief:geobrief@" not in store.url
    finally:
        store.engine.dispose()


def test_the_environment_variable_chooses_the_store(db: Path) -> None:
    assert default_url() == str(db)


def test_a_directory_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="directory"):
        open_store(str(tmp_path))


def test_an_unreachable_server_is_a_store_error_without_the_password() -> None:
    with pytest.raises(StoreError, match="cannot open") as err:
        open_store("postgresql://someone:secret@127.0.0.1:1/nothing?connect_timeout=2")
    assert "secret" not in str(err.value)


def test_article_is_none_when_absent(stores: Opener) -> None:
    assert stores().article("f" * 16) is None
