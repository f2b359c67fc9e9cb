"""Feeds, the feed items already seen, and the story of each article, in the article store.

The tables sit on the store's ``metadata``, and the migrations (``migrations/``)
create them when ``open_store`` brings a store to the newest revision; a change
to them needs a revision. Each function here also makes sure they exist, once
per engine (a no-op after migrating), for a ``Store`` built on a bare engine.
Only portable SQL: a select before an insert rather than SQLite's ``INSERT OR
IGNORE``, timestamps as ISO strings, a 64-bit SimHash as 16 hex digits (it does
not fit a signed BIGINT).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import Column, Connection, Engine, ForeignKey, String, Table, Text, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from geobrief.errors import InputError, StoreError
from geobrief.ingest.dedup import DEFAULT_MAX_DISTANCE, StoryIndex
from geobrief.store import Store, metadata

__all__ = [
    "Feed",
    "add_feed",
    "feed_items",
    "feeds",
    "get_feed",
    "list_feeds",
    "mark_checked",
    "record_error",
    "remember_item",
    "remember_items",
    "remove_feed",
    "seen_item",
    "seen_items",
    "set_validators",
    "store_story",
    "stories",
    "stories_index",
    "story_of",
]

feeds = Table(
    "feeds",
    metadata,
    Column("url", String(2048), primary_key=True),
    Column("title", Text),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("added_at", String(32), nullable=False),
    Column("last_checked", String(32)),
    Column("last_error", Text),
)
feed_items = Table(
    "feed_items",
    metadata,
    Column("feed_url", String(2048), ForeignKey("feeds.url", ondelete="CASCADE"), primary_key=True),
    Column("item_id", String(2048), primary_key=True),  # the entry's guid/id, else its link
    Column("seen_at", String(32), nullable=False),
    Column("article_id", String(32)),  # set once the item's article is stored
)
stories = Table(
    "stories",
    metadata,
    Column("article_id", String(32), primary_key=True),
    Column("story_id", String(32), nullable=False, index=True),
    Column("simhash", String(16), nullable=False),  # 16 hex digits
)
_TABLES = [feeds, feed_items, stories]
_ready: weakref.WeakSet[Engine] = weakref.WeakSet()
_VALID_URL = "give an http:// or https:// feed URL"


@dataclass(frozen=True, kw_only=True)
class Feed:
    """A subscribed feed and what the last poll left behind."""

    url: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    added_at: str
    last_checked: str | None = None
    last_error: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@contextmanager
def _begin(store: Store) -> Iterator[Connection]:
    """A transaction on the store, with this module's tables created, and database errors as StoreError."""
    try:
        if store.engine not in _ready:
            metadata.create_all(store.engine, tables=_TABLES)
            _ready.add(store.engine)
        with store.engine.begin() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise StoreError(store.url, f"cannot use ({exc.__class__.__name__}: {str(exc).splitlines()[0]})") from None


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(url or "''", "not an http(s) URL", _VALID_URL)
    return url


def add_feed(store: Store, url: str, title: str | None = None) -> bool:
    """Subscribe to a feed; False if it was already subscribed (its title is then updated if given)."""
    url = _check_url(url)
    with _begin(store) as conn:
        if conn.execute(select(feeds.c.url).where(feeds.c.url == url)).first():
            if title:
                conn.execute(update(feeds).where(feeds.c.url == url).values(title=title))
            return False
        conn.execute(insert(feeds).values(url=url, title=title, added_at=_now()))
    return True


def remove_feed(store: Store, url: str) -> bool:
    """Unsubscribe from a feed and forget its items; False if it was not subscribed."""
    with _begin(store) as conn:
        conn.execute(delete(feed_items).where(feed_items.c.feed_url == url))
        return conn.execute(delete(feeds).where(feeds.c.url == url)).rowcount > 0


def _feed(row: object) -> Feed:
    return Feed(**dict(row))  # type: ignore[call-overload]


def list_feeds(store: Store) -> list[Feed]:
    """The subscribed feeds, in the order they were added."""
    with _begin(store) as conn:
        rows = conn.execute(select(feeds).order_by(feeds.c.added_at, feeds.c.url)).mappings().all()
    return [_feed(r) for r in rows]


def get_feed(store: Store, url: str) -> Feed | None:
    """One subscribed feed, or None."""
    with _begin(store) as conn:
        row = conn.execute(select(feeds).where(feeds.c.url == url)).mappings().first()
    return _feed(row) if row is not None else None


def set_validators(
    store: Store, url: str, etag: str | None, last_modified: str | None, *, title: str | None = None
) -> None:
    """After a successful poll: keep the response's ETag and Last-Modified, clear the last error."""
    values: dict[str, object] = {
        "etag": etag,
        "last_modified": last_modified,
        "last_checked": _now(),
        "last_error": None,
    }
    if title:
        values["title"] = title
    with _begin(store) as conn:
        conn.execute(update(feeds).where(feeds.c.url == url).values(**values))


def mark_checked(store: Store, url: str) -> None:
    """After a poll answered 304 Not Modified: the validators stay, the error clears."""
    with _begin(store) as conn:
        conn.execute(update(feeds).where(feeds.c.url == url).values(last_checked=_now(), last_error=None))


def record_error(store: Store, url: str, message: str) -> None:
    """After a failed poll: keep the one-line error for `feeds list`."""
    with _begin(store) as conn:
        conn.execute(
            update(feeds).where(feeds.c.url == url).values(last_checked=_now(), last_error=" ".join(message.split()))
        )


def seen_item(store: Store, feed_url: str, item_id: str) -> bool:
    """Whether an item of a feed was already returned by a poll."""
    with _begin(store) as conn:
        q = select(feed_items.c.item_id).where(feed_items.c.feed_url == feed_url, feed_items.c.item_id == item_id)
        return conn.execute(q).first() is not None


def seen_items(store: Store, feed_url: str, item_ids: Iterable[str]) -> set[str]:
    """Which of ``item_ids`` were already seen in a feed (one query per 500 ids)."""
    ids = list(dict.fromkeys(item_ids))
    found: set[str] = set()
    with _begin(store) as conn:
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = select(feed_items.c.item_id).where(feed_items.c.feed_url == feed_url, feed_items.c.item_id.in_(chunk))
            found.update(r[0] for r in conn.execute(q))
    return found


def remember_item(store: Store, feed_url: str, item_id: str, article_id: str | None = None) -> bool:
    """Mark an item as seen; False if it already was (its article id is then filled in if given)."""
    with _begin(store) as conn:
        return _remember(conn, feed_url, item_id, article_id)


def remember_items(store: Store, feed_url: str, item_ids: Iterable[str]) -> int:
    """Mark several items as seen in one transaction; returns how many were new."""
    with _begin(store) as conn:
        return sum(_remember(conn, feed_url, i, None) for i in dict.fromkeys(item_ids))


def _remember(conn: Connection, feed_url: str, item_id: str, article_id: str | None) -> bool:
    where = (feed_items.c.feed_url == feed_url, feed_items.c.item_id == item_id)
    if conn.execute(select(feed_items.c.item_id).where(*where)).first():
        if article_id:
            conn.execute(update(feed_items).where(*where).values(article_id=article_id))
        return False
    conn.execute(insert(feed_items).values(feed_url=feed_url, item_id=item_id, seen_at=_now(), article_id=article_id))
    return True


def store_story(store: Store, article_id: str, story_id: str, simhash: int) -> bool:
    """Keep an article's story and SimHash; False if the article already has one (kept as it was)."""
    with _begin(store) as conn:
        if conn.execute(select(stories.c.article_id).where(stories.c.article_id == article_id)).first():
            return False
        conn.execute(insert(stories).values(article_id=article_id, story_id=story_id, simhash=f"{simhash:016x}"))
    return True


def story_of(store: Store, article_id: str) -> str | None:
    """The story of a stored article, or None if it has not been assigned one."""
    with _begin(store) as conn:
        return conn.execute(select(stories.c.story_id).where(stories.c.article_id == article_id)).scalar()


def stories_index(store: Store, max_distance: int = DEFAULT_MAX_DISTANCE) -> StoryIndex:
    """A StoryIndex holding every stored assignment, ready to file new articles."""
    with _begin(store) as conn:
        q = select(stories.c.article_id, stories.c.story_id, stories.c.simhash)
        rows = conn.execute(q.order_by(stories.c.story_id, stories.c.article_id)).all()
    return StoryIndex.from_rows(((a, s, int(h, 16)) for a, s, h in rows), max_distance)
