"""The article store: articles, mentions and events in a relational database.

SQLite in the user's data directory by default; ``--db`` or ``GEOBRIEF_DB``
give another path or a SQLAlchemy URL. An article's id is the hash of its
body, so storing it twice changes nothing.
"""

from __future__ import annotations

import json
import os
import weakref
from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    make_url,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from geobrief.errors import StoreError
from geobrief.extract.pipeline import Extraction
from geobrief.model import Article, Event, Evidence, Quantity

__all__ = ["ENV_VAR", "Store", "default_url", "open_store"]

ENV_VAR = "GEOBRIEF_DB"
metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title", Text),
    Column("source", Text),
    Column("url", Text),
    Column("published", String(10), index=True),
    Column("license", Text),
    Column("body", Text, nullable=False),
    Column("ingested_at", String(32), nullable=False),
)
mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("actor", String(16), nullable=False, index=True),
    Column("entity", String(32), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("how", String(16), nullable=False),
    Column("role", String(8)),
)
events = Table(
    "events",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(16), nullable=False),
    Column("mode", String(32)),
    Column("actors", Text, nullable=False),  # JSON list
    Column("recipients", Text, nullable=False),  # JSON list
    Column("date", String(10)),
    Column("status", String(16), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("confidence", Float),
    Column("payload", Text, nullable=False),  # the rest of the event, JSON
)
event_actors = Table(
    "event_actors",
    metadata,
    Column("event_id", String(32), ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("actor", String(16), nullable=False),
    Column("side", String(1), nullable=False),  # a(ctor) or r(ecipient)
    Index("ix_event_actors_actor", "actor", "side"),
    Index("ix_event_actors_actor_event", "actor", "event_id"),  # "events of this actor" without a table lookup
)
Index("ix_events_type_date", events.c.type, events.c.date)
# Monthly counts of events by type for every actor and pair of actors, kept up to date as articles are stored,
# so a relationship's trend is read in a few rows whatever the size of the store. A single actor's counts
# are the pair (actor, "").
pair_months = Table(
    "pair_months",
    metadata,
    Column("a", String(16), primary_key=True),
    Column("b", String(16), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("type", String(16), primary_key=True),
    Column("n", Integer, nullable=False),
)
predictions = Table(
    "predictions",
    metadata,
    Column("id", String(32), primary_key=True),  # hash of country, rule, actors and period
    Column("created_at", String(32), nullable=False),
    Column("country", String(8), nullable=False, index=True),
    Column("horizon", String(8), nullable=False),
    Column("period", String(32), nullable=False),
    Column("rule", String(64), nullable=False),
    Column("actors", Text, nullable=False),  # JSON list: the actors of the events it rests on
    Column("text", Text, nullable=False),
    Column("likelihood", Float, nullable=False),
    Column("signposts", Text, nullable=False),  # JSON list
    Column("events", Text, nullable=False),  # JSON list of the event ids it rests on
)


def default_url() -> str:
    """``GEOBRIEF_DB`` if set, else a SQLite file in the user's data directory."""
    env = os.environ.get(ENV_VAR)
    if env:
        return env
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("geobrief", appauthor=False)) / "geobrief.db")


def _url(target: str) -> str:
    if "://" in target:
        # SQLAlchemy's bare postgresql:// means psycopg2; geobrief depends on psycopg (3).
        for bare in ("postgresql://", "postgres://"):
            if target.startswith(bare):
                return "postgresql+psycopg://" + target.removeprefix(bare)
        return target
    path = Path(target).expanduser()
    if path.is_dir():
        raise StoreError(target, "is a directory, not a database file")
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class Store:
    """Articles and what was extracted from them."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        # the store owns its engine: its connections close when the store is gone
        weakref.finalize(self, engine.dispose)

    def has(self, article_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(articles.c.id).where(articles.c.id == article_id)).first() is not None

    def add(self, ex: Extraction) -> bool:
        """Store an article and its extraction; False if it was already stored."""
        return self.add_many([ex]) == 1

    def add_many(self, exs: Iterable[Extraction]) -> int:
        """Store articles and their extractions in one transaction; returns how many were new."""
        added = 0
        try:
            with self.engine.begin() as conn:
                for ex in exs:
                    added += self._insert(conn, ex)
        except SQLAlchemyError as exc:
            raise StoreError(self.url, f"cannot write ({exc.__class__.__name__}: {str(exc).splitlines()[0]})") from None
        return added

    def _count_pairs(self, conn: Connection, evs: Iterable[Event]) -> None:
        counts: dict[tuple[str, str, str, str], int] = {}
        for e in evs:
            if not e.date or len(e.date) < 7:
                continue
            parties = sorted(set(e.actors) | set(e.recipients))
            keys = [(p, "") for p in parties] + [(a, b) for i, a in enumerate(parties) for b in parties[i + 1 :]]
            for a, b in keys:
                key = (a, b, e.date[:7], e.type)
                counts[key] = counts.get(key, 0) + 1
        if not counts:
            return
        rows = [{"a": a, "b": b, "month": m, "type": t, "n": n} for (a, b, m, t), n in counts.items()]
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as upsert
        else:
            from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
        stmt = upsert(pair_months)
        stmt = stmt.on_conflict_do_update(
            index_elements=["a", "b", "month", "type"], set_={"n": pair_months.c.n + stmt.excluded.n}
        )
        conn.execute(stmt, rows)

    def _insert(self, conn: Connection, ex: Extraction) -> bool:
        art = ex.article
        if conn.execute(select(articles.c.id).where(articles.c.id == art.id)).first():
            return False
        conn.execute(
            insert(articles).values(
                id=art.id,
                title=art.title,
                source=art.source,
                url=art.url,
                published=art.published,
                license=art.license,
                body=art.body,
                ingested_at=datetime.now(UTC).isoformat(timespec="microseconds"),
            )
        )
        if ex.mentions:
            conn.execute(
                insert(mentions),
                [
                    {
                        "article_id": art.id,
                        "actor": m.actor,
                        "entity": m.entity,
                        "start": m.start,
                        "end": m.end,
                        "how": m.how,
                        "role": m.role,
                    }
                    for m in ex.mentions
                ],
            )
        if ex.events:
            conn.execute(insert(events), [_event_row(art.id, e) for e in ex.events])
            rows = [
                {"event_id": e.id, "actor": code, "side": side}
                for e in ex.events
                for side, codes in (("a", e.actors), ("r", e.recipients))
                for code in codes
            ]
            if rows:
                conn.execute(insert(event_actors), rows)
            self._count_pairs(conn, ex.events)
        return True

    def article(self, article_id: str) -> Article | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).mappings().first()
        if row is None:
            return None
        return Article(
            id=row["id"],
            body=row["body"],
            title=row["title"],
            source=row["source"],
            url=row["url"],
            published=row["published"],
            license=row["license"],
        )

    def events_for(self, actors_: Iterable[str], since: str | None = None) -> list[Event]:
        """Stored events in which any of ``actors_`` takes part, oldest first."""
        codes = list(actors_)
        q = (
            select(events)
            .where(events.c.id.in_(select(event_actors.c.event_id).where(event_actors.c.actor.in_(codes))))
            .order_by(events.c.date.nulls_first(), events.c.id)
        )
        if since:
            q = q.where(events.c.date >= since)
        with self.engine.connect() as conn:
            rows = conn.execute(q).mappings().all()
        return [_event_from_row(r) for r in rows]

    def events_of(self, article_id: str) -> list[Event]:
        """The stored events of one article, in text order."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(events).where(events.c.article_id == article_id).order_by(events.c.start)
            ).mappings().all()  # fmt: skip
        return [_event_from_row(r) for r in rows]

    def latest(self, limit: int = 50) -> list[dict[str, object]]:
        """The most recently stored articles: id, title, source, published, ingested_at."""
        cols = [articles.c[c] for c in ("id", "title", "source", "published", "ingested_at")]
        with self.engine.connect() as conn:
            rows = conn.execute(select(*cols).order_by(articles.c.ingested_at.desc()).limit(limit)).mappings().all()
        return [dict(r) for r in rows]

    def add_predictions(self, rows: list[dict[str, object]]) -> int:
        """Store outlook developments as dated predictions; one already stored is kept as it was."""
        added = 0
        with self.engine.begin() as conn:
            for row in rows:
                if conn.execute(select(predictions.c.id).where(predictions.c.id == row["id"])).first():
                    continue
                conn.execute(insert(predictions).values(**row))
                added += 1
        return added

    def predictions(self, country: str | None = None) -> list[dict[str, object]]:
        q = select(predictions).order_by(predictions.c.created_at, predictions.c.id)
        if country:
            q = q.where(predictions.c.country == country)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings().all()]

    def events_since(self, ingested_after: str, actors_: Iterable[str]) -> list[Event]:
        """Stored events of ``actors_`` in articles ingested after a moment (ISO timestamp)."""
        codes = list(actors_)
        q = (
            select(events)
            .join(articles, articles.c.id == events.c.article_id)
            .where(articles.c.ingested_at > ingested_after)
            .where(events.c.id.in_(select(event_actors.c.event_id).where(event_actors.c.actor.in_(codes))))
            .order_by(events.c.date.nulls_first(), events.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(q).mappings().all()
        return [_event_from_row(r) for r in rows]

    def articles_about(self, actors_: Iterable[str], since: str | None = None, limit: int = 20) -> list[Article]:
        """The most recent stored articles with events in which all of ``actors_`` take part."""
        codes = list(dict.fromkeys(actors_))
        q = select(events.c.article_id, events.c.id)
        for code in codes:
            q = q.where(events.c.id.in_(select(event_actors.c.event_id).where(event_actors.c.actor == code)))
        ids = select(q.subquery().c.article_id).distinct()
        aq = (
            select(articles)
            .where(articles.c.id.in_(ids))
            .order_by(articles.c.published.desc().nulls_last(), articles.c.id)
        )
        if since:
            aq = aq.where(articles.c.published >= since)
        with self.engine.connect() as conn:
            rows = conn.execute(aq.limit(limit)).mappings().all()
        return [
            Article(id=r["id"], body=r["body"], title=r["title"], source=r["source"], url=r["url"],
                    published=r["published"], license=r["license"])
            for r in rows
        ]  # fmt: skip

    def event_counts(self, actors_: Iterable[str], since: str, until: str) -> list[tuple[str, str, int]]:
        """(type, YYYY-MM, count) of stored events dated in [since, until] in which one actor, or both of a pair,
        take part; read from the running monthly counts, so it costs the same whatever the size of the store."""
        codes = sorted(dict.fromkeys(actors_))[:2]
        if not codes:
            return []
        a, b = (codes[0], codes[1]) if len(codes) == 2 else (codes[0], "")
        q = (
            select(pair_months.c.type, pair_months.c.month, pair_months.c.n)
            .where(pair_months.c.a == a, pair_months.c.b == b)
            .where(pair_months.c.month >= since[:7], pair_months.c.month <= until[:7])
        )
        with self.engine.connect() as conn:
            return [(str(t), str(m), int(n)) for t, m, n in conn.execute(q).all()]

    def count(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                "articles": conn.execute(select(func.count()).select_from(articles)).scalar_one(),
                "events": conn.execute(select(func.count()).select_from(events)).scalar_one(),
            }


def _event_row(article_id: str, e: Event) -> dict[str, object]:
    payload = {
        "actor_roles": list(e.actor_roles),
        "recipient_roles": list(e.recipient_roles),
        "quantities": [asdict(q) for q in e.quantities],
        "contexts": list(e.contexts),
        "places": list(e.places),
        "trigger": e.trigger,
        "trigger_start": e.trigger_start,
        "text": e.evidence.text,
    }
    return {
        "id": e.id,
        "article_id": article_id,
        "type": e.type,
        "mode": e.mode,
        "actors": json.dumps(list(e.actors)),
        "recipients": json.dumps(list(e.recipients)),
        "date": e.date,
        "status": e.status,
        "start": e.evidence.start,
        "end": e.evidence.end,
        "confidence": None,
        "payload": json.dumps(payload),
    }


def _event_from_row(r: object) -> Event:
    row = dict(r)  # type: ignore[call-overload]
    p = json.loads(row["payload"])
    return Event(
        id=row["id"],
        type=row["type"],
        mode=row["mode"],
        actors=tuple(json.loads(row["actors"])),
        recipients=tuple(json.loads(row["recipients"])),
        actor_roles=tuple(p["actor_roles"]),
        recipient_roles=tuple(p["recipient_roles"]),
        date=row["date"],
        quantities=tuple(Quantity(**q) for q in p["quantities"]),
        status=row["status"],
        contexts=tuple(p["contexts"]),
        places=tuple(p["places"]),
        trigger=p["trigger"],
        trigger_start=p.get("trigger_start"),
        evidence=Evidence(source=row["article_id"], start=row["start"], end=row["end"], text=p["text"]),
    )


def _display(raw: str) -> str:
    """The store's name in messages: its URL without the password."""
    return make_url(raw).render_as_string(hide_password=True) if "://" in raw else raw


def _engine(url: str, raw: str) -> Engine:
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ImportError) as exc:
        raise StoreError(_display(raw), f"cannot open ({str(exc).splitlines()[0]})") from None
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

    return engine


def open_store(target: str | None = None) -> Store:
    """Open the store at ``target`` (a path or a SQLAlchemy URL), creating or migrating its schema to the newest."""
    from geobrief.store.migrate import migrate

    raw = target or default_url()
    engine = _engine(_url(raw), raw)
    try:
        migrate(engine, _display(raw))
    except StoreError:
        engine.dispose()
        raise
    return Store(engine, _display(raw))
