"""fetch_article against real HTTP servers on 127.0.0.1; no other address is ever connected to."""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import socket
import threading
import time
import tracemalloc
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from geobrief.ingest import fetch
from geobrief.ingest.fetch import FetchError, fetch_article
from geobrief.model import Article

Handler = Callable[[BaseHTTPRequestHandler], None]

ARTICLE = b"""<!DOCTYPE html>
<html><head><title>Port strike spreads | Harbour Times</title>
<meta property="og:title" content="Port strike spreads to the northern terminals">
<meta property="article:published_time" content="2024-10-07T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/markets">Markets</a></nav>
<article>
<h1>Port strike spreads to the northern terminals</h1>
<p>Dock workers in Rotterdam extended their strike on Monday to the northern terminals,
halting container traffic for a third day as talks with the port authority stalled.</p>
<p>The union said the walkout would continue until the authority agreed to binding arbitration
over automation plans that it says threaten two thousand jobs.</p>
<p>Shipping lines diverted vessels to Antwerp and Hamburg, where officials warned of congestion.</p>
</article>
<footer>Subscribe to our newsletter. Copyright Harbour Times. All rights reserved.</footer>
</body></html>"""


class Server:
    """A loopback HTTP server whose routes a test sets; it counts the requests per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.stop = threading.Event()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                server.hits[path] += 1
                with contextlib.suppress(OSError):  # the client hangs up, as it should on a body too large
                    server.routes.get(path, lambda h: reply(h, 404, b"not found"))(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def page(self, path: str, body: bytes, ctype: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.routes[path] = lambda h: reply(h, 200, body, {"Content-Type": ctype, **headers})

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = lambda h: reply(h, status, b"", {"Location": location})

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def reply(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    headers = headers or {}
    for key, value in headers.items():
        h.send_header(key, value)
    if "Content-Length" not in headers:
        h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    yield srv
    srv.close()


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every connection and fail the test on any that does not go to 127.0.0.1."""
    made: list[str] = []
    real = socket.create_connection

    def guarded(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        made.append(address[0])
        assert address[0] == "127.0.0.1", f"tried to connect to {address[0]}"
        return real(address, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "create_connection", guarded)
    fetch.clear_robots_cache()
    return made


def get(url: str, **kwargs: object) -> Article:
    """fetch_article with loopback allowed and short limits, as every test here needs."""
    options: dict[str, object] = {"allow_private": True, "timeout": 2.0, "retries": 0, "backoff": 0.01}
    options.update(kwargs)
    return fetch_article(url, **options)  # type: ignore[arg-type]


# -- pages -------------------------------------------------------------------------------


def test_a_page_loses_its_boilerplate_and_keeps_title_date_and_final_url(server: Server) -> None:
    server.page("/news/strike", ARTICLE)
    server.redirect("/s/1", "/news/strike", 301)
    art = get(server.url("/s/1"))
    assert "Dock workers in Rotterdam" in art.body and "Antwerp" in art.body
    assert "newsletter" not in art.body and "Markets" not in art.body
    assert art.title == "Port strike spreads to the northern terminals"
    assert art.published == "2024-10-07"
    assert art.url == art.path == server.url("/news/strike")


def test_plain_text_is_read_as_the_article_text_format(server: Server) -> None:
    server.page("/a.txt", b"TITLE: Talks resume\r\n\r\nSeoul and Tokyo resumed talks.\r\n", "text/plain")
    art = get(server.url("/a.txt"))
    assert (art.title, art.body, art.url) == ("Talks resume", "Seoul and Tokyo resumed talks.\n", server.url("/a.txt"))


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send it
    ],
)
def test_compressed_pages_are_read(server: Server, encoding: str, compress: Callable[[bytes], bytes]) -> None:
    server.page("/z", compress(ARTICLE), **{"Content-Encoding": encoding})
    assert "Dock workers" in get(server.url("/z")).body


def test_malformed_html_still_gives_its_text(server: Server) -> None:
    server.page("/bad", b"<html><body><div><p>Troops crossed the river at dawn, officials said <b>on <i>Tuesday</b>.")
    assert "Troops crossed the river" in get(server.url("/bad")).body


def test_a_page_without_text_is_an_error(server: Server) -> None:
    server.page("/empty", b"<html><body><div></div></body></html>")
    with pytest.raises(FetchError, match="no article text"):
        get(server.url("/empty"))


TEXT = "Le café de la gare était fermé; les employés réclament une hausse des salaires depuis l'été. "


@pytest.mark.parametrize(
    ("ctype", "data"),
    [
        ("text/plain; charset=utf-8", TEXT.encode("latin-1")),  # declared wrongly
        ("text/plain", TEXT.encode("cp1252")),  # not declared
        ("text/plain; charset=x-no-such-charset", TEXT.encode("utf-8")),  # unknown label
        ("text/html", b"<html><head><meta charset='iso-8859-1'></head><body><p>" + TEXT.encode("latin-1") + b"</p>"),
    ],
)
def test_wrong_or_missing_encodings_are_decoded(server: Server, ctype: str, data: bytes) -> None:
    server.page("/fr", data, ctype)
    assert "café de la gare était fermé" in get(server.url("/fr")).body


def test_other_content_types_are_refused(server: Server) -> None:
    server.page("/doc.pdf", b"%PDF-1.7 ...", "application/pdf")
    with pytest.raises(FetchError, match="application/pdf") as err:
        get(server.url("/doc.pdf"))
    assert "text/html" in str(err.value)  # says what would do


# -- addresses ---------------------------------------------------------------------------


def test_loopback_is_refused_unless_allowed(server: Server, loopback_only: list[str]) -> None:
    server.page("/a", ARTICLE)
    with pytest.raises(FetchError, match=r"127\.0\.0\.1, a loopback address — pass --allow-private"):
        fetch_article(server.url("/a"))
    with pytest.raises(FetchError, match="localhost, which resolves to"):
        fetch_article(f"http://localhost:{server.port}/a")
    assert loopback_only == [] and not server.hits
    assert "Dock workers" in fetch_article(server.url("/a"), allow_private=True, retries=0).body
    assert "Dock workers" in fetch_article(server.url("/a"), allow_private=["127.0.0.1"], retries=0).body


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]/", "http://127.0.0.2/"],
)
def test_a_redirect_to_a_private_address_is_refused_before_connecting(
    server: Server, loopback_only: list[str], target: str
) -> None:
    server.redirect("/go", target)
    with pytest.raises(FetchError, match="refusing to fetch from"):
        fetch_article(server.url("/go"), allow_private=["127.0.0.1"], retries=0)
    assert set(loopback_only) == {"127.0.0.1"} and server.hits["/go"] == 1


def test_a_host_that_resolves_elsewhere_the_second_time_is_caught(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: ["93.184.216.34"])  # public, when checked
    server.page("/a", ARTICLE)
    with pytest.raises(FetchError, match=r"refusing to read from 127\.0\.0\.1, a loopback address"):
        fetch_article(server.url("/a"), respect_robots=False, retries=0)


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("2002:7f00:1::", "loopback"),  # 6to4 around 127.0.0.1
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("10.0.0.1", "private"),
        ("64:ff9b::a00:1", "private"),  # NAT64 around 10.0.0.1
        ("fc00::1", "private"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not a public"),
    ],
)
def test_address_checks(address: str, why: str | None) -> None:
    problem = fetch._address_problem(ipaddress.ip_address(address))
    assert (problem is None) if why is None else (problem is not None and why in problem)


@pytest.mark.parametrize("url", ["ftp://example.org/a", "file:///etc/passwd", "example.org/a", "http:///a"])
def test_only_http_urls_with_a_host_are_fetched(url: str, loopback_only: list[str]) -> None:
    with pytest.raises(FetchError):
        fetch_article(url)
    assert loopback_only == []


def test_a_redirect_to_another_scheme_is_refused(server: Server) -> None:
    server.redirect("/go", "file:///etc/passwd")
    with pytest.raises(FetchError, match="refusing a redirect to file:"):
        get(server.url("/go"))


def test_a_redirect_loop_stops_after_max_redirects(server: Server) -> None:
    server.redirect("/loop", "/loop")
    with pytest.raises(FetchError, match="more than 3 redirects"):
        get(server.url("/loop"), max_redirects=3)
    assert server.hits["/loop"] == 4


# -- limits ------------------------------------------------------------------------------


def test_a_huge_body_is_cut_off_at_max_bytes_in_bounded_memory(server: Server) -> None:
    block = b"<p>" + b"x" * 65_530 + b"</p>"

    def endless(h: BaseHTTPRequestHandler) -> None:  # 30 MB, no Content-Length
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        for _ in range(460):
            h.wfile.write(block)

    server.routes["/huge"] = endless
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="larger than 1,000,000 bytes"):
            get(server.url("/huge"), max_bytes=1_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000


def test_a_declared_huge_body_is_refused_before_reading(server: Server) -> None:
    server.routes["/big"] = lambda h: reply(h, 200, b"", {"Content-Type": "text/html", "Content-Length": "9999999"})
    with pytest.raises(FetchError, match=r"9,999,999 declared"):
        get(server.url("/big"), max_bytes=1_000_000)


def test_a_gzip_bomb_is_stopped_at_max_bytes(server: Server) -> None:
    bomb = gzip.compress(b"<p>" + b"a" * 20_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    server.page("/bomb", bomb, **{"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="larger than 1,000,000 bytes once decompressed"):
        get(server.url("/bomb"), max_bytes=1_000_000)


def test_a_slow_server_times_out(server: Server) -> None:
    def slow(h: BaseHTTPRequestHandler) -> None:
        server.stop.wait(3)
        reply(h, 200, ARTICLE, {"Content-Type": "text/html"})

    server.routes["/slow"] = slow
    began = time.monotonic()
    with pytest.raises(FetchError, match=r"no answer within 0\.3 s|stopped arriving"):
        get(server.url("/slow"), timeout=0.3, respect_robots=False)
    assert time.monotonic() - began < 2


# -- robots.txt --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "robots",
    [
        b"User-agent: *\nDisallow: /private/\n",
        b"User-agent: geobrief\nDisallow: /private/\n\nUser-agent: *\nDisallow:\n",  # a group for us alone
    ],
)
def test_robots_txt_is_obeyed_unless_told_not_to(server: Server, robots: bytes) -> None:
    server.page("/robots.txt", robots, "text/plain")
    for path in ("/private/a", "/public/a"):
        server.page(path, ARTICLE)
    with pytest.raises(FetchError, match=r"robots\.txt disallows"):
        get(server.url("/private/a"))
    assert server.hits["/private/a"] == 0
    assert "Dock workers" in get(server.url("/public/a")).body
    assert "Dock workers" in get(server.url("/private/a"), respect_robots=False).body
    assert server.hits["/robots.txt"] == 1  # read once for the host


def test_a_missing_robots_txt_allows_everything(server: Server) -> None:
    server.page("/a", ARTICLE)
    assert get(server.url("/a")).title
    assert server.hits["/robots.txt"] == 1


# -- retries -----------------------------------------------------------------------------


def flaky(server: Server, path: str, *failures: tuple[int, dict[str, str]]) -> None:
    """Answer ``path`` with each failure in turn, then with the article."""
    answers = list(failures)

    def handle(h: BaseHTTPRequestHandler) -> None:
        if answers:
            status, headers = answers.pop(0)
            reply(h, status, b"busy", headers)
        else:
            reply(h, 200, ARTICLE, {"Content-Type": "text/html"})

    server.routes[path] = handle


def test_a_503_is_retried(server: Server) -> None:
    flaky(server, "/a", (503, {}))
    assert get(server.url("/a"), retries=2).title
    assert server.hits["/a"] == 2


def test_retries_give_up_with_the_last_answer(server: Server) -> None:
    flaky(server, "/a", (503, {}), (502, {}), (500, {}))
    with pytest.raises(FetchError, match=r"HTTP 500 Internal Server Error \(after 3 attempts\)"):
        get(server.url("/a"), retries=2)


def test_a_429_waits_as_long_as_retry_after_says(server: Server) -> None:
    flaky(server, "/a", (429, {"Retry-After": "1"}))
    began = time.monotonic()
    assert get(server.url("/a"), retries=1).title
    assert time.monotonic() - began >= 0.9


def test_a_retry_after_beyond_the_cap_is_an_error_not_a_wait(server: Server) -> None:
    flaky(server, "/a", (429, {"Retry-After": "3600"}))
    with pytest.raises(FetchError, match="asks to wait 3600 s"):
        get(server.url("/a"), retries=2)
    assert server.hits["/a"] == 1


def test_a_404_is_not_retried(server: Server) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        get(server.url("/nothing"), retries=2)
    assert server.hits["/nothing"] == 1


def test_a_refused_connection_is_retried_then_reported() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match=r"cannot connect .*\(after 2 attempts\)"):
        get(f"http://127.0.0.1:{port}/a", retries=1, respect_robots=False)
