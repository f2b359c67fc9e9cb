"""The pipeline as library functions: the CLI and other front ends call these.

``ingest -> extract -> store -> analyse(target) -> write -> render``
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from geobrief import __version__
from geobrief.analysis import analyse
from geobrief.extract import Extraction, extract
from geobrief.ingest import read_articles
from geobrief.kb.loader import KnowledgeBase, load
from geobrief.model import Article, Brief
from geobrief.store import Store, open_store
from geobrief.write import compose, title_of

__all__ = ["brief_from_articles", "brief_from_paths", "ingest_paths"]

Progress = Callable[[str], None]


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def brief_from_articles(
    articles: Sequence[Article],
    country: str,
    *,
    kb: KnowledgeBase | None = None,
    store: Store | None = None,
    generated_at: str | None = None,
) -> Brief:
    """A brief on ``articles`` for the target ``country`` (ISO3 with a profile)."""
    kb = kb or load()
    profile = kb.profile(country)
    extractions: list[Extraction] = [extract(a, kb) for a in articles]
    if store is not None:
        for ex in extractions:
            store.add(ex)
    history = (lambda actors: store.events_for(actors)) if store is not None else None
    analysis = analyse(kb, profile, extractions, history)
    horizons = {h: (analysis.periods[h], tuple(analysis.outlook[h])) for h in ("short", "medium", "long")}
    return Brief(
        country=profile.country,
        title=title_of(kb, analysis),
        generated_at=generated_at or _now(),
        sources=tuple(articles),
        events=analysis.events,
        impacts=analysis.impacts,
        outlook=horizons,
        recommendations=analysis.recommendations,
        sections=compose(kb, analysis),
        manifest={
            "geobrief": __version__,
            "python": platform.python_version(),
            "knowledge_base": kb.version,
            "writer": "deterministic",
            "model": None,
            "inputs": {a.id: a.path for a in articles},
        },
    )


def brief_from_paths(
    paths: Sequence[str],
    country: str,
    *,
    db: str | None = None,
    save: bool = True,
    generated_at: str | None = None,
) -> Brief:
    """Read the articles at ``paths`` (``-`` for standard input) and write a brief for ``country``."""
    kb = load()
    kb.profile(country)  # an unknown country fails before any work is done
    articles = read_articles(paths)
    store = open_store(db) if save else None
    return brief_from_articles(articles, country, kb=kb, store=store, generated_at=generated_at)


def ingest_paths(paths: Sequence[str], *, db: str | None = None, progress: Progress | None = None) -> tuple[int, int]:
    """Store the articles at ``paths`` with their extractions; returns (new, already stored)."""
    kb = load()
    store = open_store(db)
    new = old = 0
    for art in read_articles(paths):
        if store.has(art.id):
            old += 1
        else:
            store.add(extract(art, kb))
            new += 1
        if progress:
            progress(art.path or art.id)
    return new, old
