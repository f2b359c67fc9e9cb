"""The morning digest: what reached the store since a moment, ranked by its impact on a target.

For each article ingested in the window: its strongest impact on the target (the
impact rules and exposure profile of a brief); the stored predictions whose
signposts its events matched; and what changed since the last digest for the
same target (new channels at the top, new stories).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, String, Table, Text, insert, select

from geobrief.analysis.impact import score_impacts
from geobrief.errors import InputError
from geobrief.kb.loader import KnowledgeBase, load
from geobrief.model import Article, Event, Impact
from geobrief.pipeline import prediction_status
from geobrief.store import Store, articles, events, metadata, open_store
from geobrief.store import _event_from_row as event_from_row

__all__ = ["Digest", "DigestItem", "build_digest", "parse_since", "render_digest_html", "render_digest_markdown"]

digests = Table(
    "digests",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("created_at", String(40), nullable=False),
    Column("top", Text, nullable=False),  # JSON list of the top channels
)
_SINCE = re.compile(r"^(\d+)\s*([mhdw])$")


def parse_since(value: str, now: datetime | None = None) -> str:
    """``24h``, ``90m``, ``7d``, ``2w`` or an ISO date/time -> an ISO timestamp in UTC."""
    now = now or datetime.now(UTC)
    m = _SINCE.match(value.strip().lower())
    if m:
        n, unit = int(m.group(1)), m.group(2)
        delta = {"m": timedelta(minutes=n), "h": timedelta(hours=n), "d": timedelta(days=n), "w": timedelta(weeks=n)}[
            unit
        ]
        return (now - delta).isoformat(timespec="microseconds")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError(value, "not a time span or date", "use e.g. 24h, 90m, 7d, 2w or 2026-11-27") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.isoformat(timespec="microseconds")


@dataclass(frozen=True, kw_only=True)
class DigestItem:
    article: Article
    impacts: tuple[Impact, ...]
    events: tuple[Event, ...]

    @property
    def score(self) -> float:
        return self.impacts[0].score if self.impacts else 0.0


@dataclass(frozen=True, kw_only=True)
class Digest:
    country: str
    since: str
    created_at: str
    items: tuple[DigestItem, ...]
    signposts: tuple[tuple[dict[str, object], tuple[Event, ...]], ...]
    new_top: tuple[str, ...]  # channels at the top now that were not at the last digest
    previous: str | None  # when the last digest for this target was made
    notes: list[str] = field(default_factory=list)


def _articles_since(store: Store, since: str) -> list[tuple[Article, list[Event]]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(articles).where(articles.c.ingested_at >= since).order_by(articles.c.ingested_at, articles.c.id)
        ).mappings().all()  # fmt: skip
        out = []
        for r in rows:
            evs = (
                conn.execute(select(events).where(events.c.article_id == r["id"]).order_by(events.c.start))
                .mappings()
                .all()
            )
            art = Article(id=r["id"], body=r["body"], title=r["title"], source=r["source"], url=r["url"],
                          published=r["published"], license=r["license"])  # fmt: skip
            out.append((art, [event_from_row(e) for e in evs]))
    return out


def build_digest(country: str, since: str, *, db: str | None = None, kb: KnowledgeBase | None = None,
                 limit: int = 15, remember: bool = True) -> Digest:  # fmt: skip
    """The digest for ``country`` of what was stored since ``since`` (a span like 24h, or a date)."""
    kb = kb or load()
    profile = kb.profile(country)
    start = parse_since(since)
    store = open_store(db)
    metadata.create_all(store.engine, tables=[digests])
    items = []
    for art, evs in _articles_since(store, start):
        impacts = score_impacts(kb, profile, evs)
        items.append(DigestItem(article=art, impacts=tuple(impacts), events=tuple(evs)))
    items.sort(key=lambda i: (-i.score, i.article.published or "", i.article.id))
    fresh_ids = {e.id for i in items for e in i.events}
    signposts = tuple(
        (s.prediction, tuple(e for e in s.matched if e.id in fresh_ids))
        for s in prediction_status(country=profile.country, db=db)
        if any(e.id in fresh_ids for e in s.matched)
    )
    top = sorted({i.impacts[0].channel for i in items[:5] if i.impacts})
    with store.engine.begin() as conn:
        last = conn.execute(
            select(digests).where(digests.c.country == profile.country).order_by(digests.c.created_at.desc()).limit(1)
        ).mappings().first()  # fmt: skip
        created = datetime.now(UTC).isoformat(timespec="microseconds")
        if remember:
            conn.execute(insert(digests).values(id=f"{profile.country}-{created}", country=profile.country,
                                                created_at=created, top=json.dumps(top)))  # fmt: skip
    before = set(json.loads(last["top"])) if last else set()
    return Digest(
        country=profile.country,
        since=start,
        created_at=created,
        items=tuple(items[:limit]),
        signposts=signposts,
        new_top=tuple(c for c in top if c not in before),
        previous=last["created_at"] if last else None,
    )


def render_digest_markdown(d: Digest, kb: KnowledgeBase) -> str:
    """The digest as Markdown: ranked developments, matched signposts, what changed."""
    country = kb.label(d.country)
    out = [f"# What changed for {country}", "", f"*Articles stored since {d.since[:16].replace('T', ' ')} UTC · "
           f"digest made {d.created_at[:16].replace('T', ' ')} UTC*", ""]  # fmt: skip
    out += ["## Since the last digest", ""]
    if d.previous is None:
        out.append(f"This is the first digest for {country}.")
    elif d.new_top:
        out.append("New among the channels at the top: " + ", ".join(kb.channels[c].title for c in d.new_top) + ".")
    else:
        out.append(
            f"The channels at the top are the same as at the last digest ({d.previous[:16].replace('T', ' ')} UTC)."
        )
    out += ["", "## Developments ranked by impact", ""]
    if not d.items:
        out.append("Nothing was stored in this window.")
    for n, item in enumerate(d.items, 1):
        title = item.article.label
        if item.impacts:
            top = item.impacts[0]
            chans = ", ".join(f"{kb.channels[i.channel].title.lower()} {i.score:.2f}" for i in item.impacts[:3])
            out.append(f"{n}. **{title}** ({item.article.published or 'undated'}) — {chans}. {top.summary}")
        else:
            out.append(f"{n}. **{title}** ({item.article.published or 'undated'}) — no impact on {country} found.")
    out += ["", "## Signposts matched", ""]
    if not d.signposts:
        out.append("No stored prediction's signposts were matched in this window.")
    for pred, evs in d.signposts:
        out.append(f"- {pred['text']} (made {str(pred['created_at'])[:10]}, likelihood {float(str(pred['likelihood'])):.0%}):"
                   f" matched by {len(evs)} new event(s), e.g. “{evs[0].evidence.text[:160]}”")  # fmt: skip
    out.append("")
    return "\n".join(out)


def render_digest_html(d: Digest, kb: KnowledgeBase) -> str:
    """The digest as a small standalone HTML page; all stored text is escaped."""
    md = render_digest_markdown(d, kb)
    body = []
    for line in md.split("\n"):
        text = html.escape(line)
        text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
        if line.startswith("# "):
            body.append(f"<h1>{text[2:]}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{text[3:]}</h2>")
        elif line.startswith("*") and line.endswith("*"):
            body.append(f"<p class='meta'>{text.strip('*')}</p>")
        elif line.strip():
            body.append(f"<p>{text}</p>")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>What changed for {html.escape(kb.label(d.country))}</title><style>body{{font-family:Georgia,serif;"
        "max-width:46rem;margin:2rem auto;line-height:1.5}.meta{color:#4a5568;font-size:.85rem}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )
