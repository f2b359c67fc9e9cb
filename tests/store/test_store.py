from __future__ import annotations

from pathlib import Path

import pytest

from geobrief.errors import StoreError
from geobrief.extract import extract
from geobrief.ingest import read_article
from geobrief.kb.loader import KnowledgeBase
from geobrief.store import default_url, open_store
from tests.conftest import EXAMPLES


def test_storing_twice_stores_once_and_events_come_back(kb: KnowledgeBase, db: Path) -> None:
    store = open_store(str(db))
    ex = extract(read_article(str(EXAMPLES / "dprk-russia-kursk-2025.txt")), kb)
    assert store.add(ex) is True
    assert store.add(ex) is False
    assert store.count() == {"articles": 1, "events": len(ex.events)}
    back = store.events_for(["PRK"])
    assert back and all("PRK" in (*e.actors, *e.recipients) for e in back)
    original = {e.id: e for e in ex.events}
    for e in back:
        assert e == original[e.id]
    assert store.article(ex.article.id) is not None


def test_the_environment_variable_chooses_the_store(db: Path) -> None:
    assert default_url() == str(db)


def test_a_directory_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="directory"):
        open_store(str(tmp_path))
