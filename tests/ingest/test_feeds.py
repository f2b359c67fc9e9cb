"""Feeds against a real HTTP server on 127.0.0.1, and the feed tables of a real SQLite store."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from geobrief.errors import GeobriefError, InputError
from geobrief.ingest import feeds
from geobrief.ingest.dedup import StoryIndex
from geobrief.ingest.feeds import Fetched, Polled, PollFailed, item_article, poll_all, poll_feed
from geobrief.store import Store, open_store
from geobrief.store import feeds as db


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def rss(*items: tuple[str, str, str]) -> bytes:
    """An RSS 2.0 feed of (guid, title, description) items."""
    body = "".join(
        f"<item><guid>{g}</guid><title>{t}</title><link>https://news.example/{g}</link>"
        f"<pubDate>Fri, 18 Oct 2024 09:30:00 +0000</pubDate><description>{d}</description></item>"
        for g, t, d in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Example Wire</title>'
        f"<link>https://news.example/</link><description>News</description>{body}</channel></rss>"
    ).encode()


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Desk</title>
  <id>urn:uuid:feed</id>
  <updated>2024-10-19T10:00:00Z</updated>
  <entry>
    <title>Coast guard water cannon near Scarborough Shoal</title>
    <id>urn:uuid:entry-1</id>
    <link href="https://atom.example/1"/>
    <updated>2024-10-19T10:00:00Z</updated>
    <summary>Short summary.</summary>
    <content type="html">&lt;p&gt;A Chinese coast guard ship fired a water cannon.&lt;/p&gt;&lt;p&gt;Manila protested.&lt;/p&gt;</content>
  </entry>
</feed>
"""


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = "application/rss+xml"
    delay: float = 0.0


@dataclass
class Server:
    base: str
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path

    def headers_of(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.requests.append((self.path, headers))
            route = state.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.delay:
                state.release.wait(route.delay)
            fresh_etag = route.etag is not None and headers.get("if-none-match") == route.etag
            fresh_date = route.last_modified is not None and headers.get("if-modified-since") == route.last_modified
            if fresh_etag or fresh_date:
                state.statuses.append(304)
                self.send_response(304)
                self.end_headers()
                return
            state.statuses.append(route.status)
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(route.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(str(tmp_path / "geobrief.db"))


def test_rss_items_then_304_with_if_none_match(server: Server, store: Store) -> None:
    server.routes["/rss"] = Route(
        body=rss(("w1", "Troops &amp; ships", "<p>North Korea sent <b>troops</b>.</p>"), ("w2", "Second", "Text two.")),
        etag='"v1"',
    )
    url = server.url("/rss")
    items = poll_feed(store, url)
    assert [i.item_id for i in items] == ["w1", "w2"]
    first = items[0]
    assert (first.title, first.link, first.published, first.summary, first.source) == (
        "Troops & ships",
        "https://news.example/w1",
        "2024-10-18",
        "North Korea sent troops.",
        "Example Wire",
    )
    assert "if-none-match" not in server.headers_of("/rss")[0]

    assert poll_feed(store, url) == []
    second = server.headers_of("/rss")[1]
    assert second["if-none-match"] == '"v1"'
    assert server.statuses == [200, 304]
    feed = db.get_feed(store, url)
    assert feed is not None
    assert (feed.title, feed.etag, feed.last_error) == ("Example Wire", '"v1"', None)
    assert feed.last_checked is not None


def test_atom_with_last_modified(server: Server, store: Store) -> None:
    stamp = "Sat, 19 Oct 2024 10:00:00 GMT"
    server.routes["/atom"] = Route(body=ATOM, last_modified=stamp, content_type="application/atom+xml")
    [item] = poll_feed(store, server.url("/atom"))
    assert item.item_id == "urn:uuid:entry-1"
    assert item.link == "https://atom.example/1" and item.published == "2024-10-19"
    assert item.content == "A Chinese coast guard ship fired a water cannon.\n\nManila protested."
    assert item.summary == "Short summary."
    art = item_article(item)
    assert art.body == item.content and art.source == "Atom Desk" and art.url == item.link

    [result] = poll_all(store)
    assert isinstance(result, Polled) and result.not_modified and result.items == ()
    assert server.headers_of("/atom")[1]["if-modified-since"] == stamp
    assert server.statuses == [200, 304]


def test_seen_items_are_not_returned_twice(server: Server, store: Store) -> None:
    url = server.url("/rss")
    server.routes["/rss"] = Route(body=rss(("a", "A", "a"), ("b", "B", "b")))  # no validators: always 200
    assert [i.item_id for i in poll_feed(store, url)] == ["a", "b"]
    assert poll_feed(store, url) == []
    server.routes["/rss"] = Route(body=rss(("c", "C", "c"), ("a", "A", "a"), ("b", "B", "b"), ("c", "C", "c")))
    assert [i.item_id for i in poll_feed(store, url)] == ["c"]
    assert db.seen_item(store, url, "c") and not db.seen_item(store, url, "d")


def _one_line_error(exc: pytest.ExceptionInfo[InputError], url: str) -> str:
    message = str(exc.value)
    assert url in message and "\n" not in message
    return message


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        (Route(body=b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>a</itm>'), "not well-formed XML"),
        (Route(body=b"<html><body><p>Hello</p></body></html>", content_type="text/html"), "not an RSS or Atom feed"),
        (Route(body=b'{"items": []}', content_type="application/json"), "not well-formed XML"),
        (Route(body=b""), "empty"),
        (Route(body=b"oops", status=500), "HTTP 500"),
    ],
)
def test_a_bad_feed_is_a_clean_error_recorded_with_the_feed(
    server: Server, store: Store, route: Route, expected: str
) -> None:
    server.routes["/bad"] = route
    url = server.url("/bad")
    with pytest.raises(InputError) as exc:
        poll_feed(store, url)
    assert expected in _one_line_error(exc, url)
    feed = db.get_feed(store, url)
    assert feed is not None and feed.last_error is not None and expected in feed.last_error


def test_missing_feed_too_large_and_too_slow(server: Server, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError) as exc:
        poll_feed(store, server.url("/nothing"))
    assert "HTTP 404" in _one_line_error(exc, server.url("/nothing"))

    monkeypatch.setattr(feeds, "MAX_FEED_BYTES", 1000)
    server.routes["/big"] = Route(body=rss(*[(str(i), "T", "x" * 100) for i in range(50)]))
    with pytest.raises(InputError) as exc:
        poll_feed(store, server.url("/big"))
    assert "larger than 1,000 bytes" in _one_line_error(exc, server.url("/big"))

    monkeypatch.setattr(feeds, "TIMEOUT", 0.3)
    server.routes["/slow"] = Route(body=rss(("s", "S", "s")), delay=10)
    started = time.monotonic()
    with pytest.raises(InputError) as exc:
        poll_feed(store, server.url("/slow"))
    assert "ReadTimeout" in _one_line_error(exc, server.url("/slow"))
    assert time.monotonic() - started < 5


def test_a_failing_feed_does_not_affect_the_others(server: Server, store: Store) -> None:
    server.routes["/good"] = Route(body=rss(("g1", "Good", "good")))
    server.routes["/broken"] = Route(body=b"<rss><channel><item>")
    server.routes["/atom"] = Route(body=ATOM, content_type="application/atom+xml")
    urls = [server.url("/good"), server.url("/broken"), server.url("/gone"), "http://127.0.0.1:9/", server.url("/atom")]
    for url in urls:
        assert db.add_feed(store, url)

    results = poll_all(store)
    assert [r.url for r in results] == urls
    good, broken, gone, refused, atom = results
    assert isinstance(good, Polled) and [i.item_id for i in good.items] == ["g1"]
    assert isinstance(atom, Polled) and len(atom.items) == 1
    assert isinstance(broken, PollFailed) and "not well-formed" in broken.error
    assert isinstance(gone, PollFailed) and "HTTP 404" in gone.error
    assert isinstance(refused, PollFailed) and "ConnectError" in refused.error
    errors = {f.url: f.last_error for f in db.list_feeds(store)}
    assert errors[urls[0]] is None and errors[urls[4]] is None
    assert all(errors[u] for u in urls[1:4])

    server.routes["/broken"] = Route(body=rss(("fixed", "Fixed", "now fine")))
    again = {r.url: r for r in poll_all(store)}
    fixed = again[urls[1]]
    assert isinstance(fixed, Polled) and [i.item_id for i in fixed.items] == ["fixed"]
    assert db.get_feed(store, urls[1]).last_error is None  # type: ignore[union-attr]


def test_a_fetch_function_can_stand_in_for_http(store: Store) -> None:
    calls: list[Mapping[str, str]] = []

    def fetch(url: str, headers: Mapping[str, str]) -> Fetched:
        calls.append(headers)
        if len(calls) == 1:
            return Fetched(status_code=200, headers={"ETag": "abc"}, content=rss(("x", "X", "x")))
        raise OSError("network unreachable")

    url = "https://feeds.example/rss"
    assert [i.item_id for i in poll_feed(store, url, fetch=fetch)] == ["x"]
    with pytest.raises(GeobriefError, match="OSError: network unreachable"):
        poll_feed(store, url, fetch=fetch)
    assert calls[1]["If-None-Match"] == "abc"


def test_feed_urls_are_checked_and_added_once(store: Store) -> None:
    assert db.add_feed(store, " https://a.example/rss ")
    assert not db.add_feed(store, "https://a.example/rss", title="A")
    assert [(f.url, f.title) for f in db.list_feeds(store)] == [("https://a.example/rss", "A")]
    with pytest.raises(InputError, match="not an http"):
        db.add_feed(store, "ftp://a.example/rss")
    db.remember_item(store, "https://a.example/rss", "i1")
    assert not db.remember_item(store, "https://a.example/rss", "i1", article_id="abc")
    assert db.remove_feed(store, "https://a.example/rss") and db.list_feeds(store) == []
    assert not db.seen_item(store, "https://a.example/rss", "i1")


def test_story_assignments_persist(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    store = open_store(path)
    big = 2**64 - 1  # does not fit a signed 64-bit integer column
    assert db.store_story(store, "a1", "a1", big)
    assert db.store_story(store, "a2", "a1", big ^ 1)
    assert not db.store_story(store, "a2", "other", 0)
    reopened = open_store(path)
    assert db.story_of(reopened, "a2") == "a1" and db.story_of(reopened, "zz") is None
    index = db.stories_index(reopened)
    assert isinstance(index, StoryIndex) and index.members("a1") == ["a1", "a2"]
    assert index.add("a3", big ^ 0b110).story_id == "a1"
