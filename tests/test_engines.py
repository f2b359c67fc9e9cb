"""The Dask engine gives exactly what the local engine gives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from geobrief.engines import EngineError, extract_many
from geobrief.ingest import read_article
from geobrief.store import open_store
from tests.conftest import Result, corpus_files

pytest.importorskip("distributed")


def test_dask_and_local_extractions_are_identical() -> None:
    articles = [read_article(str(p)) for p in corpus_files()[:12]]
    local = extract_many(articles, engine="local")
    dask = extract_many(articles, engine="dask", workers=2, shard_size=3)
    assert [ex.article.id for ex in dask] == [a.id for a in articles]
    assert [ex.events for ex in dask] == [ex.events for ex in local]
    assert [ex.mentions for ex in dask] == [ex.mentions for ex in local]


def test_ingest_with_the_dask_engine_stores_the_same(run: Callable[..., Result], tmp_path: Path) -> None:
    files = [str(p) for p in corpus_files()[:6]]
    r1 = run("ingest", *files, "--db", str(tmp_path / "local.db"))
    r2 = run("ingest", *files, "--engine", "dask", "--workers", "2", "--db", str(tmp_path / "dask.db"))
    assert r1.exit_code == 0 and r2.exit_code == 0, r2.stderr
    assert open_store(str(tmp_path / "local.db")).count() == open_store(str(tmp_path / "dask.db")).count()


def test_an_unreachable_scheduler_is_one_clear_error() -> None:
    art = read_article(str(corpus_files()[0]))
    with pytest.raises(EngineError, match="cannot reach the scheduler"):
        extract_many([art], engine="dask", scheduler="tcp://127.0.0.1:9")
