"""Watching feeds on a real local server: new items stored once, failures contained, nothing lost."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from geobrief.errors import GeobriefError
from geobrief.ingest.fetch import fetch_article
from geobrief.model import Article
from geobrief.store import feeds as feeds_db
from geobrief.store import open_store
from geobrief.watch import parse_every, watch, watch_once
from tests.conftest import Result, corpus_file

STORY = corpus_file("23_").read_text("utf-8").split("\n\n", 1)[1]
OTHER = corpus_file("26_").read_text("utf-8").split("\n\n", 1)[1]


def _page(title: str, body: str) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paras}</article></body></html>".encode()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        site: dict[str, tuple[int, str, bytes]] = self.server.site  # type: ignore[attr-defined]
        status, ctype, body = site.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[tuple[str, dict[str, tuple[int, str, bytes]]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.site = {}  # type: ignore[attr-defined]
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, server.site  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


def _rss(base: str, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>{p}</title><link>{base}{p}</link><guid>{base}{p}</guid></item>" for p in paths)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local news</title>{items}</channel></rss>'.encode()


def _fetch(url: str) -> Article:
    return fetch_article(url, allow_private=True, respect_robots=False, retries=0, timeout=5)


def test_a_cycle_stores_new_items_once_and_groups_syndicated_copies(site: Any, db: Path) -> None:
    base, pages = site
    pages["/a"] = (200, "text/html", _page("Strikes on Houthi targets", STORY))
    pages["/b"] = (200, "text/html", _page("Strikes on Houthi targets (wire copy)", STORY + "\nCopyright the wire."))
    pages["/c"] = (200, "text/html", _page("Ports attacked", OTHER))
    pages["/rss"] = (200, "application/rss+xml", _rss(base, ["/a", "/b", "/c"]))
    pages["/broken"] = (200, "application/rss+xml", b"<rss><channel><item>")
    store = open_store(str(db))
    feeds_db.add_feed(store, f"{base}/rss")
    feeds_db.add_feed(store, f"{base}/broken")
    first = watch_once(str(db), fetch=_fetch)
    assert first.stored == 3 and first.syndicated == 1 and len(first.failed) == 1
    assert store.count()["articles"] == 3 and store.count()["events"] > 0
    second = watch_once(str(db), fetch=_fetch)
    assert second.new_items == 0 and second.stored == 0


def test_an_interrupted_cycle_loses_nothing(site: Any, db: Path) -> None:
    base, pages = site
    pages["/a"] = (200, "text/html", _page("A", STORY))
    pages["/c"] = (200, "text/html", _page("C", OTHER))
    pages["/rss"] = (200, "application/rss+xml", _rss(base, ["/a", "/c"]))
    feeds_db.add_feed(open_store(str(db)), f"{base}/rss")
    stop = threading.Event()
    calls: list[str] = []

    def fetch_then_stop(url: str) -> Article:
        calls.append(url)
        stop.set()  # a signal arrives while the first article is in hand
        return _fetch(url)

    first = watch_once(str(db), fetch=fetch_then_stop, stop=stop)
    assert first.stored == 1
    second = watch_once(str(db), fetch=_fetch)  # the feed answers nothing new, the pending item is taken up
    assert second.stored == 1 and open_store(str(db)).count()["articles"] == 2


def test_watch_loop_runs_cycles_until_stopped(site: Any, db: Path) -> None:
    base, pages = site
    pages["/rss"] = (200, "application/rss+xml", _rss(base, []))
    feeds_db.add_feed(open_store(str(db)), f"{base}/rss")
    lines: list[str] = []
    assert watch(0.01, str(db), fetch=_fetch, log=lines.append, cycles=2) == 2
    assert len(lines) == 2 and "1 feed(s), 0 failed" in lines[0]


def test_every() -> None:
    assert parse_every("15m") == 900 and parse_every("30s") == 30 and parse_every("1h") == 3600
    with pytest.raises(GeobriefError, match="15m"):
        parse_every("soon")


def test_feed_commands(run: Callable[..., Result], site: Any) -> None:
    base, pages = site
    pages["/rss"] = (200, "application/rss+xml", _rss(base, []))
    assert "subscribed to" in run("feeds", "add", f"{base}/rss").stdout
    assert f"{base}/rss" in run("feeds", "list").stdout
    r = run("watch", "--once", "--allow-private")
    assert r.exit_code == 0 and "1 feed(s)" in r.stderr
