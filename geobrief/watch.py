"""Watching the news: poll the subscribed feeds, fetch and store what is new, again and again.

One cycle: poll every feed (a failing feed is reported and the others go on);
for each new item, fetch its page (or, failing that, use the text the feed
carries), extract its events, assign it to a story (syndicated copies of one
wire story share it) and store it — each article in its own transaction, and
only then is its feed item marked done, so an interrupted run loses nothing:
the next cycle picks up the items left pending. A signal (SIGINT, SIGTERM)
ends the loop after the article in hand.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select, update

from geobrief.errors import GeobriefError
from geobrief.extract import extract
from geobrief.ingest.dedup import simhash
from geobrief.ingest.feeds import FeedItem, PollFailed, item_article, poll_all
from geobrief.kb.loader import load
from geobrief.model import Article
from geobrief.store import Store, open_store
from geobrief.store import feeds as feeds_db

__all__ = ["CycleReport", "parse_every", "watch", "watch_once"]

Fetcher = Callable[[str], Article]
STORY_DISTANCE = 6  # bits: edited wire copies of a 300-word story differ by a few bits, different stories by 18+
Log = Callable[[str], None]


@dataclass
class CycleReport:
    feeds: int = 0
    failed: list[str] = field(default_factory=list)
    new_items: int = 0
    stored: int = 0
    duplicates: int = 0  # already stored (same body)
    syndicated: int = 0  # near-duplicates of a stored story
    skipped: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.feeds} feed(s), {len(self.failed)} failed; {self.new_items} new item(s): {self.stored} stored "
            f"({self.syndicated} syndicated copies), {self.duplicates} already stored, {len(self.skipped)} skipped"
        )


def parse_every(value: str) -> float:
    """``15m``, ``1h``, ``30s`` -> seconds."""
    units = {"s": 1, "m": 60, "h": 3600}
    text = value.strip().lower()
    if len(text) > 1 and text[-1] in units and text[:-1].isdigit() and int(text[:-1]) > 0:
        return float(int(text[:-1]) * units[text[-1]])
    raise GeobriefError(f"--every {value!r} is not an interval — use e.g. 30s, 15m or 1h")


def _pending(store: Store) -> list[tuple[str, str]]:
    """(feed url, item id) of items seen but not yet stored, e.g. after an interrupted run."""
    t = feeds_db.feed_items
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.c.feed_url, t.c.item_id).where(t.c.article_id.is_(None))).all()
    return [(str(f), str(i)) for f, i in rows]


def _mark_done(store: Store, feed_url: str, item_id: str, article_id: str) -> None:
    t = feeds_db.feed_items
    with store.engine.begin() as conn:
        conn.execute(update(t).where(t.c.feed_url == feed_url, t.c.item_id == item_id).values(article_id=article_id))


def _article(item: FeedItem | None, link: str | None, fetch: Fetcher | None) -> Article:
    if link and link.startswith(("http://", "https://")) and fetch is not None:
        try:
            return fetch(link)
        except GeobriefError:
            if item is None:
                raise
    if item is None:
        raise GeobriefError(f"{link}: nothing to store for this item")
    return item_article(item)


def watch_once(
    db: str | None = None,
    *,
    fetch: Fetcher | None = None,
    stop: threading.Event | None = None,
    log: Log | None = None,
    feed_fetch: object | None = None,
) -> CycleReport:
    """One cycle over every subscribed feed; see the module's docstring."""
    kb = load()
    store = open_store(db)
    report = CycleReport()
    polled = poll_all(store, fetch=feed_fetch)  # type: ignore[arg-type]
    report.feeds = len(polled)
    work: dict[tuple[str, str], FeedItem | None] = {key: None for key in _pending(store)}
    for result in polled:
        if isinstance(result, PollFailed):
            report.failed.append(result.error)
            if log:
                log(f"feed failed: {result.error}")
            continue
        for new in result.items:
            work[(new.feed_url, new.item_id)] = new
    report.new_items = len(work)
    index = feeds_db.stories_index(store, max_distance=STORY_DISTANCE)
    for (feed_url, item_id), item in work.items():
        if stop is not None and stop.is_set():
            break
        link = item.link if item is not None else item_id
        try:
            art = _article(item, link, fetch)
        except GeobriefError as exc:
            report.skipped.append(str(exc))
            continue
        if store.has(art.id):
            report.duplicates += 1
        else:
            store.add(extract(art, kb))
            report.stored += 1
            story = index.add(art.id, simhash(art.body))
            if story.duplicate_of is not None:
                report.syndicated += 1
            feeds_db.store_story(store, art.id, story.story_id, story.simhash)
        _mark_done(store, feed_url, item_id, art.id)
    return report


def watch(
    every: float,
    db: str | None = None,
    *,
    fetch: Fetcher | None = None,
    log: Log | None = None,
    cycles: int | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Run cycles every ``every`` seconds until a signal (or ``cycles`` cycles); returns the cycles run."""
    stop = stop or threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
    done = 0
    try:
        while not stop.is_set():
            report = watch_once(db, fetch=fetch, stop=stop, log=log)
            done += 1
            if log:
                log(report.line())
            if cycles is not None and done >= cycles:
                break
            stop.wait(every)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return done
