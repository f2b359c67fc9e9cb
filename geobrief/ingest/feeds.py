"""Polling RSS and Atom feeds: conditional requests, only unseen items, one error per feed.

A poll sends the ETag and Last-Modified the feed last answered with; 304 Not
Modified means nothing new. A parsed feed yields only items not returned by an
earlier poll (an item is known by its guid/id, else its link), and those are
remembered in the store. Fetching sits behind ``Fetch``, a function of (URL,
headers) that returns a response-like object, so tests can use any server; the
default uses httpx with timeouts and a 5 MB limit.

A feed that cannot be fetched or read raises a one-line ``InputError`` naming
the URL. ``poll_all`` polls every subscribed feed, records each failure with its
feed and carries on.
"""

from __future__ import annotations

import calendar
import time
import xml.sax
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, Protocol

from geobrief import __version__
from geobrief.errors import GeobriefError, InputError
from geobrief.ingest.reader import article_id
from geobrief.model import Article
from geobrief.store import Store
from geobrief.store import feeds as db

__all__ = [
    "MAX_FEED_BYTES",
    "FeedItem",
    "Fetch",
    "Fetched",
    "PollFailed",
    "Polled",
    "Response",
    "http_fetch",
    "item_article",
    "poll_all",
    "poll_feed",
]

MAX_FEED_BYTES = 5_000_000
TIMEOUT = 20.0  # seconds for the whole exchange; connecting gets 5
_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
_CHECK = "check the URL in a browser, or unsubscribe from it"


class Response(Protocol):
    """What a fetch returns: an httpx.Response fits, and so does ``Fetched``."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def content(self) -> bytes: ...


Fetch = Callable[[str, Mapping[str, str]], Response]


@dataclass(frozen=True, kw_only=True)
class Fetched:
    """A response read in full: status, headers with lower-case names, body."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes


@dataclass(frozen=True, kw_only=True)
class FeedItem:
    """A new entry of a feed."""

    feed_url: str
    item_id: str  # guid/id, else link
    title: str | None = None
    link: str | None = None
    published: str | None = None  # YYYY-MM-DD (UTC)
    summary: str | None = None  # plain text
    content: str | None = None  # plain text of the full content, if the feed carries it
    source: str | None = None  # the feed's title


@dataclass(frozen=True, kw_only=True)
class Polled:
    """A feed polled: its new items, or none because it answered 304 Not Modified."""

    url: str
    items: tuple[FeedItem, ...] = ()
    not_modified: bool = False


@dataclass(frozen=True, kw_only=True)
class PollFailed:
    """A feed that could not be polled; the error is also kept in the store."""

    url: str
    error: str


def http_fetch(url: str, headers: Mapping[str, str]) -> Fetched:
    """GET ``url`` with httpx: redirects followed, 20 s timeout, at most MAX_FEED_BYTES read."""
    try:
        import httpx
    except ImportError:
        raise InputError(url, "cannot fetch feeds: httpx is not installed", "pip install httpx") from None
    timeout = httpx.Timeout(TIMEOUT, connect=5.0)
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5) as client,
            client.stream("GET", url, headers=dict(headers)) as resp,
        ):
            body = bytearray()
            for chunk in resp.iter_bytes():
                body += chunk
                if len(body) > MAX_FEED_BYTES:
                    raise InputError(url, f"the response is larger than {MAX_FEED_BYTES:,} bytes", _CHECK)
            return Fetched(
                status_code=resp.status_code,
                headers={k.lower(): v for k, v in resp.headers.items()},
                content=bytes(body),
            )
    except httpx.HTTPError as exc:
        raise InputError(url, f"cannot fetch ({exc.__class__.__name__}: {_line(str(exc))})", _CHECK) from None


def _line(text: str) -> str:
    return " ".join(text.split()) or "no details"


def _header(resp: Response, name: str) -> str | None:
    for key, value in resp.headers.items():
        if key.lower() == name:
            return value
    return None


class _Text(HTMLParser):
    """The text of an HTML fragment, a blank line between blocks."""

    _BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _text(value: str | None) -> str | None:
    if not value:
        return None
    parser = _Text()
    parser.feed(value)
    parser.close()
    paras = (" ".join(p.split()) for p in "".join(parser.parts).split("\n\n"))
    text = "\n\n".join(p for p in paras if p)
    return text or None


def _date(entry: Mapping[str, Any]) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if isinstance(parsed, time.struct_time):
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC).date().isoformat()
    return None


def _parse(url: str, content: bytes) -> tuple[str | None, list[FeedItem]]:
    import feedparser

    if not content.strip():
        raise InputError(url, "the response is empty, not a feed", _CHECK)
    parsed = feedparser.parse(content)
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXException):
        # feedparser's lenient parser would guess at a broken document; a guess could
        # mark real items as seen with wrong fields, so the feed is reported instead.
        raise InputError(url, f"the feed is not well-formed XML ({_line(str(problem))})", _CHECK)
    if not parsed.get("version"):
        head = _line(content[:60].decode("utf-8", "replace"))
        raise InputError(url, f"not an RSS or Atom feed (it starts {head!r})", _CHECK)
    source = parsed.feed.get("title") or None
    items: list[FeedItem] = []
    for entry in parsed.entries:
        link = entry.get("link") or None
        item_id = entry.get("id") or link
        if not item_id:
            continue  # nothing to know it by next time
        content_value = next((c.get("value") for c in entry.get("content") or () if c.get("value")), None)
        items.append(
            FeedItem(
                feed_url=url,
                item_id=str(item_id),
                title=_text(entry.get("title")),
                link=link,
                published=_date(entry),
                summary=_text(entry.get("summary")),
                content=_text(content_value),
                source=source,
            )
        )
    return source, items


def poll_feed(store: Store, url: str, *, fetch: Fetch | None = None) -> list[FeedItem]:
    """The items of the feed at ``url`` not returned by an earlier poll (subscribing to it if need be).

    Raises InputError (after recording it with the feed) if the feed cannot be fetched or read.
    """
    return list(_poll(store, url, fetch).items)


def poll_all(store: Store, *, fetch: Fetch | None = None) -> list[Polled | PollFailed]:
    """Poll every subscribed feed; a feed that fails is reported and recorded, the others go on."""
    results: list[Polled | PollFailed] = []
    for feed in db.list_feeds(store):
        try:
            results.append(_poll(store, feed.url, fetch))
        except GeobriefError as exc:
            results.append(PollFailed(url=feed.url, error=str(exc)))
    return results


def _poll(store: Store, url: str, fetch: Fetch | None) -> Polled:
    db.add_feed(store, url)
    url = url.strip()
    feed = db.get_feed(store, url)
    headers = {"User-Agent": f"geobrief/{__version__} (feed reader)", "Accept": _ACCEPT}
    if feed is not None and feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed is not None and feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        try:
            resp = (fetch or http_fetch)(url, headers)
        except GeobriefError:
            raise
        except Exception as exc:  # a fetch is I/O: whatever it raises is this feed's failure, not a crash
            raise InputError(url, f"cannot fetch ({exc.__class__.__name__}: {_line(str(exc))})", _CHECK) from None
        if resp.status_code == 304:
            db.mark_checked(store, url)
            return Polled(url=url, not_modified=True)
        if not 200 <= resp.status_code < 300:
            raise InputError(url, f"the server answered HTTP {resp.status_code}", _CHECK)
        if len(resp.content) > MAX_FEED_BYTES:
            raise InputError(url, f"the response is larger than {MAX_FEED_BYTES:,} bytes", _CHECK)
        title, items = _parse(url, resp.content)
    except GeobriefError as exc:
        db.record_error(store, url, str(exc))
        raise
    seen = db.seen_items(store, url, (i.item_id for i in items))
    fresh: dict[str, FeedItem] = {}
    for item in items:  # feed order; an id given twice in one feed counts once
        if item.item_id not in seen:
            fresh.setdefault(item.item_id, item)
    db.remember_items(store, url, fresh)
    db.set_validators(store, url, _header(resp, "etag"), _header(resp, "last-modified"), title=title)
    return Polled(url=url, items=tuple(fresh.values()))


def item_article(item: FeedItem) -> Article:
    """The article of a feed item: its content (else its summary) as the body, the item's fields as header."""
    body = item.content or item.summary
    if not body:
        raise InputError(item.link or item.item_id, "the feed item has no text", "fetch the linked page instead")
    return Article(
        id=article_id(body),
        body=body,
        title=item.title,
        source=item.source,
        url=item.link,
        published=item.published,
        path=item.link or item.item_id,
    )
