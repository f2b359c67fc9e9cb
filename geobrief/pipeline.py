"""The pipeline as library functions: the CLI and other front ends call these.

``ingest -> extract -> store -> analyse(target) -> write -> render``
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from geobrief import __version__
from geobrief.analysis import analyse
from geobrief.errors import InputError
from geobrief.extract import Extraction, extract
from geobrief.ingest import read_articles
from geobrief.kb.loader import KnowledgeBase, load
from geobrief.model import Article, Brief, Development, Event
from geobrief.store import Store, open_store
from geobrief.write import compose, title_of

__all__ = ["brief_from_articles", "brief_from_paths", "brief_from_store", "ingest_paths", "prediction_status"]

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
    history = store.event_counts if store is not None else None
    analysis = analyse(kb, profile, extractions, history)
    horizons = {h: (analysis.periods[h], tuple(analysis.outlook[h])) for h in ("short", "medium", "long")}
    stamp = generated_at or _now()
    if store is not None:
        made = datetime.now(UTC).isoformat(timespec="microseconds")  # comparable with articles' ingested_at
        store.add_predictions(_prediction_rows(kb, profile.country, horizons, analysis.events, made))
    return Brief(
        country=profile.country,
        title=title_of(kb, analysis),
        generated_at=stamp,
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


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def read_inputs(inputs: Sequence[str], *, allow_private: bool = False) -> list[Article]:
    """Articles from files, ``-`` (standard input) and http(s) URLs; one given twice is kept once."""
    seen: dict[str, Article] = {}
    for item in inputs:
        if _is_url(item):
            from geobrief.ingest.fetch import fetch_article

            art = fetch_article(item, allow_private=allow_private)
        else:
            art = read_articles([item])[0]
        seen.setdefault(art.id, art)
    return list(seen.values())


def brief_from_paths(
    paths: Sequence[str],
    country: str,
    *,
    db: str | None = None,
    save: bool = True,
    generated_at: str | None = None,
    allow_private: bool = False,
) -> Brief:
    """Read the articles at ``paths`` (files, ``-`` for standard input, or URLs) and write a brief for ``country``."""
    kb = load()
    kb.profile(country)  # an unknown country fails before any work is done
    articles = read_inputs(paths, allow_private=allow_private)
    store = open_store(db) if save else None
    return brief_from_articles(articles, country, kb=kb, store=store, generated_at=generated_at)


def ingest_paths(
    paths: Sequence[str],
    *,
    db: str | None = None,
    progress: Progress | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int = 2,
    allow_private: bool = False,
    skipped: list[str] | None = None,
) -> tuple[int, int]:
    """Store the articles at ``paths`` (files, folders, JSONL or CSV batches, URLs) with their extractions;
    returns (new, already stored). Unreadable batch entries are listed in ``skipped``. ``engine="dask"``
    extracts on a Dask cluster (local by default, or at ``scheduler``)."""
    from geobrief.engines import extract_many

    store = open_store(db)
    fresh: list[Article] = []
    old = 0
    for art in _ingest_inputs(paths, allow_private=allow_private, skipped=skipped):
        if store.has(art.id):
            old += 1
            if progress:
                progress(art.path or art.id)
        else:
            fresh.append(art)

    def advance(n: int) -> None:
        for _ in range(n):
            if progress:
                progress("")

    done = extract_many(fresh, engine=engine, scheduler=scheduler, workers=workers, progress=advance)  # type: ignore[arg-type]
    new = store.add_many(done)
    return new, old


def _ingest_inputs(inputs: Sequence[str], *, allow_private: bool, skipped: list[str] | None) -> Iterator[Article]:
    from pathlib import Path

    from geobrief.ingest.batch import Skipped, iter_batch

    seen: set[str] = set()
    for item in inputs:
        if _is_url(item) or item == "-" or not (Path(item).is_dir() or item.lower().endswith((".jsonl", ".csv"))):
            arts: Iterable[Article | Skipped] = read_inputs([item], allow_private=allow_private)
        else:
            arts = iter_batch(item)
        for art in arts:
            if isinstance(art, Skipped):
                if skipped is not None:
                    skipped.append(str(art))
                continue
            if art.id not in seen:
                seen.add(art.id)
                yield art


def _prediction_rows(
    kb: KnowledgeBase,
    country: str,
    horizons: dict[str, tuple[str, tuple[Development, ...]]],
    events: tuple[Event, ...],
    stamp: str,
) -> list[dict[str, object]]:
    from geobrief.analysis.match import matches

    by_span: dict[tuple[str, int], list[Event]] = {}
    for e in events:
        by_span.setdefault((e.evidence.source, e.evidence.start), []).append(e)
    rows = []
    for horizon, (period, devs) in horizons.items():
        for d in devs:
            rule = kb.outlook_rules.get(d.rule or "")
            # the events behind a development: those of its cited sentences that its rule describes
            evs = [
                e
                for c in d.citations
                if c.source
                for e in by_span.get((c.source, c.start or 0), [])
                if rule is None or matches(kb, rule.when, e)
            ]
            actors = sorted({a for e in evs for a in (*e.actors, *e.recipients)})
            key = f"{country}|{d.rule}|{','.join(actors)}|{period}"
            rows.append(
                {
                    "id": hashlib.sha256(key.encode()).hexdigest()[:16],
                    "created_at": stamp,
                    "country": country,
                    "horizon": horizon,
                    "period": period,
                    "rule": d.rule,
                    "actors": json.dumps(actors),
                    "text": d.text,
                    "likelihood": d.likelihood,
                    "signposts": json.dumps(list(d.signposts)),
                    "events": json.dumps([e.id for e in evs]),
                }
            )
    return rows


def brief_from_store(
    actors: Sequence[str],
    country: str,
    *,
    since: str | None = None,
    db: str | None = None,
    limit: int = 20,
    generated_at: str | None = None,
) -> Brief:
    """A brief on the stored articles in which all ``actors`` take part (most recent ``limit``)."""
    kb = load()
    kb.profile(country)
    codes = [a.upper() for a in actors]
    unknown = [c for c in codes if c not in kb.actors]
    if unknown:
        raise InputError(
            ",".join(unknown),
            "unknown actor code",
            "give knowledge-base codes, e.g. PRK,RUS (see `geobrief kb show CODE`)",
        )
    store = open_store(db)
    articles = store.articles_about(codes, since=since, limit=limit)
    if not articles:
        raise InputError(
            ",".join(codes), f"no stored article about these actors{' since ' + since if since else ''}",
            "ingest articles first with `geobrief ingest FILE...`, or widen --since",
        )  # fmt: skip
    return brief_from_articles(articles, country, kb=kb, store=store, generated_at=generated_at)


@dataclass(frozen=True, kw_only=True)
class PredictionStatus:
    prediction: dict[str, object]
    matched: tuple[Event, ...]  # stored events, ingested after the prediction, that its signposts describe


def prediction_status(*, country: str | None = None, db: str | None = None) -> list[PredictionStatus]:
    """Stored predictions, each with the later stored events that match its outlook rule."""
    from geobrief.analysis.match import matches

    kb = load()
    store = open_store(db)
    out = []
    for p in store.predictions(country):
        rule = kb.outlook_rules.get(str(p["rule"]))
        actors = json.loads(str(p["actors"]))
        hits: tuple[Event, ...] = ()
        if rule is not None and actors:
            own = set(json.loads(str(p["events"])))
            later = store.events_since(str(p["created_at"]), actors)
            hits = tuple(e for e in later if e.id not in own and matches(kb, rule.when, e))
        out.append(PredictionStatus(prediction=p, matched=hits))
    return out
