"""Fetch an article from a URL: httpx for the transfer, trafilatura for the page.

A URL may come from anywhere (a feed, a chat, a colleague), so the fetch is careful:
1. Only http and https. The host is resolved and every address checked: private,
   loopback, link-local, reserved and multicast addresses are refused unless allowed —
   before connecting, on every redirect hop, and again against the address actually
   connected (a host that resolves differently the second time).
2. robots.txt of each host is obeyed, fetched once per host for the process.
3. Redirects are followed here, one hop at a time, up to ``max_redirects``.
4. The body is streamed and decompressed here, so neither a huge body nor a gzip bomb
   holds more than ``max_bytes`` in memory.
5. Only HTML, XHTML and plain text are read; the declared charset is used when the bytes
   fit it, else the charset is detected.
Connection errors, timeouts, 429 and 5xx are retried with exponential backoff.
"""

from __future__ import annotations

import dataclasses
import email.utils
import ipaddress
import re
import socket
import threading
import time
import urllib.request
import zlib
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING
from urllib.robotparser import RobotFileParser

import httpx

from geobrief import __version__
from geobrief.errors import InputError
from geobrief.ingest.reader import article_from_html, article_from_text
from geobrief.model import Article

if TYPE_CHECKING:
    IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
    IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

__all__ = ["USER_AGENT", "FetchError", "clear_robots_cache", "fetch_article"]

USER_AGENT = f"geobrief/{__version__} (+https://github.com/geobrief/geobrief)"
RETRY_AFTER_CAP = 30.0  # seconds; a server asking for a longer wait gets an error, not a hang
ROBOTS_MAX_BYTES = 500_000  # RFC 9309 asks crawlers to read at least 500 KiB
_REDIRECTS = {301, 302, 303, 307, 308}
_KINDS = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<article)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

FIX_PRIVATE = "pass --allow-private to fetch from private networks"
FIX_NETWORK = "check the URL and the network, or save the page and give its file"
FIX_SAVE = "save the page from a browser and give its file"
FIX_TYPES = "geobrief reads text/html, application/xhtml+xml and text/plain; save the text to a file and give its path"


class FetchError(InputError):
    """A URL cannot be fetched, or what it serves is not an article."""

    def __init__(self, url: str, problem: str, fix: str = FIX_NETWORK, *, status: int | None = None) -> None:
        super().__init__(url, problem, fix)
        self.url = url
        self.fix = fix
        self.status = status  # the HTTP status, when the server answered with an error


class _Retryable(Exception):
    """A failure worth another attempt: a connection error, a timeout, 429 or 5xx."""

    def __init__(self, problem: str, *, retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after
        self.status = status


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Options:
    allow_all: bool
    allowed: tuple[IPNetwork, ...]
    timeout: float
    retries: int
    backoff: float
    user_agent: str
    check_peer: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Redirect:
    location: httpx.URL


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Page:
    url: httpx.URL
    data: bytes
    kind: str | None  # html, text, or None when the server did not say
    charset: str | None


def fetch_article(
    url: str,
    *,
    allow_private: bool | Collection[str] = False,
    timeout: float = 10.0,
    max_bytes: int = 5_000_000,
    max_redirects: int = 5,
    retries: int = 2,
    backoff: float = 0.5,
    user_agent: str = USER_AGENT,
    respect_robots: bool = True,
    transport: httpx.BaseTransport | None = None,
) -> Article:
    """Fetch the page at ``url`` and read it as an Article; unsafe URLs and non-pages raise FetchError.

    ``allow_private`` is True to allow every address, or addresses and networks
    (``"10.0.0.0/8"``) to allow just those. ``timeout`` bounds connecting and each read,
    and three times it a whole response. ``transport`` replaces the network (tests,
    proxies); the check of the connected address is then left to it.
    """
    start = _parse_url(url)
    opts = _Options(
        allow_all=allow_private is True,
        allowed=() if isinstance(allow_private, bool) else _networks(allow_private),
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        user_agent=user_agent,
        check_peer=transport is None,
    )
    headers = {
        "User-Agent": user_agent,
        "Accept": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8",
        "Accept-Encoding": "gzip, deflate",  # only what _Inflater can bound
    }
    with httpx.Client(transport=transport, timeout=timeout, headers=headers, follow_redirects=False) as client:
        hops = 0
        current = start
        while True:
            _check_host(current, opts)  # before any connection to it
            if respect_robots and not _robots(client, current, opts).can_fetch(user_agent, str(current)):
                raise FetchError(str(current), "the site's robots.txt disallows fetching this page", FIX_SAVE)
            got = _with_retries(client, current, opts, max_bytes, check_type=True)
            if isinstance(got, _Page):
                return _to_article(got)
            hops += 1
            if hops > max_redirects:
                raise FetchError(
                    url, f"more than {max_redirects} redirects (a loop?), the last to {got.location}", FIX_NETWORK
                )
            current = _parse_url(str(got.location), via=str(current))


def clear_robots_cache() -> None:
    """Forget the robots.txt files read so far (they are kept for the process)."""
    with _ROBOTS_LOCK:
        _ROBOTS.clear()


# -- addresses ---------------------------------------------------------------------------


def _parse_url(url: str, via: str | None = None) -> httpx.URL:
    where = via or url
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError) as exc:
        raise FetchError(where, f"not a valid URL ({exc})", "give an http:// or https:// address") from None
    if parsed.scheme not in {"http", "https"}:
        what = f"a redirect to {url}" if via else f"{parsed.scheme or 'scheme-less'}: URLs"
        raise FetchError(where, f"refusing {what}; only http and https are fetched", "give an http(s) address")
    if not parsed.host:
        raise FetchError(where, "the URL has no host", "give a full address such as https://example.org/news/1")
    return parsed


def _networks(allowed: Collection[str]) -> tuple[IPNetwork, ...]:
    try:
        return tuple(
            ipaddress.ip_network(a, strict=False) for a in ([allowed] if isinstance(allowed, str) else allowed)
        )
    except ValueError as exc:
        raise ValueError(f"allow_private: {exc}; give IP addresses or networks such as 10.0.0.0/8") from None


def _address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public address, or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return _address_problem(embedded)
    for attr, what in (
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_unspecified", "an unspecified address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    ):
        if getattr(ip, attr):
            return what
    return None if ip.is_global else "not a public address"


def _refusal(ip: IPAddress, opts: _Options) -> str | None:
    if opts.allow_all or any(ip in net for net in opts.allowed):
        return None
    return _address_problem(ip)


def _resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (a seam for tests)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def _check_host(url: httpx.URL, opts: _Options) -> None:
    if opts.allow_all:
        return
    host = url.raw_host.decode("ascii")
    try:
        addresses = _resolve(host, url.port or (443 if url.scheme == "https" else 80))
    except (OSError, UnicodeError) as exc:
        problem = getattr(exc, "strerror", None) or str(exc)
        raise FetchError(str(url), f"cannot resolve the host {host} ({problem})", FIX_NETWORK) from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if why := _refusal(ip, opts):
            named = f"{ip}," if host == str(ip) else f"{host}, which resolves to {ip},"
            raise FetchError(str(url), f"refusing to fetch from {named} {why}", FIX_PRIVATE)


def _uses_proxy(url: httpx.URL) -> bool:
    proxies = urllib.request.getproxies_environment()
    if not (proxies.get(url.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(url.host)


def _check_peer(response: httpx.Response, url: httpx.URL, opts: _Options) -> None:
    """Check the address actually connected, in case the host resolved differently this time."""
    stream = response.extensions.get("network_stream")
    if not opts.check_peer or opts.allow_all or stream is None or _uses_proxy(url):
        return
    peer = stream.get_extra_info("server_addr")
    if not peer:
        return
    ip = ipaddress.ip_address(str(peer[0]).split("%")[0])
    if why := _refusal(ip, opts):
        raise FetchError(str(url), f"refusing to read from {ip}, {why}, connected to for {url.host}", FIX_PRIVATE)


# -- robots.txt --------------------------------------------------------------------------

_ROBOTS: dict[str, RobotFileParser] = {}
_ROBOTS_LOCK = threading.Lock()


def _robots(client: httpx.Client, url: httpx.URL, opts: _Options) -> RobotFileParser:
    """The robots.txt rules of the origin of ``url``, read once per process (RFC 9309)."""
    origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
    with _ROBOTS_LOCK:
        cached = _ROBOTS.get(origin)
    if cached is not None:
        return cached
    rules = RobotFileParser(origin + "/robots.txt")
    target = httpx.URL(origin + "/robots.txt")
    for _ in range(5):  # RFC 9309: follow at least five redirects
        try:
            got = _with_retries(client, target, opts, ROBOTS_MAX_BYTES, check_type=False)
        except FetchError as exc:
            if exc.status is not None and exc.status < 500:
                rules.parse([])  # RFC 9309: a 4xx robots.txt (even 401, 403) allows everything
            elif exc.status is None:
                raise FetchError(str(url), exc.problem, exc.fix) from None  # the host is unreachable
            else:  # RFC 9309: a 5xx robots.txt means disallowed; not cached, so a later call tries again
                raise FetchError(
                    str(url), f"its robots.txt cannot be read ({exc.problem})", "try again later, " + FIX_SAVE
                ) from None
            break
        if isinstance(got, _Page):
            rules.parse(got.data.decode("utf-8", errors="replace").splitlines())
            break
        try:
            target = _parse_url(str(got.location))
            _check_host(target, opts)
        except FetchError:
            rules.parse([])  # a redirect to a refused address counts as no robots.txt
            break
    else:
        rules.parse([])
    with _ROBOTS_LOCK:
        _ROBOTS[origin] = rules
    return rules


# -- transfer ----------------------------------------------------------------------------


def _with_retries(
    client: httpx.Client, url: httpx.URL, opts: _Options, max_bytes: int, *, check_type: bool
) -> _Page | _Redirect:
    attempt = 0
    while True:
        try:
            return _attempt(client, url, opts, max_bytes, check_type=check_type)
        except _Retryable as exc:
            if attempt >= opts.retries:
                tries = f" (after {attempt + 1} attempts)" if attempt else ""
                raise FetchError(
                    str(url), exc.problem + tries, "try again later, or " + FIX_NETWORK, status=exc.status
                ) from None
            delay = exc.retry_after if exc.retry_after is not None else opts.backoff * 2**attempt
            time.sleep(delay)
            attempt += 1


def _attempt(
    client: httpx.Client, url: httpx.URL, opts: _Options, max_bytes: int, *, check_type: bool
) -> _Page | _Redirect:
    where = str(url)
    try:
        response = client.send(client.build_request("GET", url), stream=True)
    except httpx.TimeoutException:
        raise _Retryable(f"no answer within {opts.timeout:g} s") from None
    except httpx.TransportError as exc:
        raise _Retryable(f"cannot connect ({str(exc) or type(exc).__name__})") from None
    try:
        _check_peer(response, url, opts)
        status = response.status_code
        if status in _REDIRECTS and response.headers.get("location"):
            try:
                return _Redirect(location=url.join(response.headers["location"].strip()))
            except httpx.InvalidURL as exc:
                raise FetchError(where, f"the redirect goes to an invalid URL ({exc})", FIX_NETWORK) from None
        answer = f"the server answers HTTP {status} {response.reason_phrase}".rstrip()
        if status == 429 or status >= 500:
            raise _Retryable(answer, retry_after=_retry_after(response, where), status=status)
        if not 200 <= status < 300:
            raise FetchError(where, answer, FIX_NETWORK, status=status)
        kind, charset = None, response.charset_encoding
        mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if check_type and mime:
            if mime not in _KINDS:
                raise FetchError(where, f"the server sends {mime}, not a web page or text", FIX_TYPES)
            kind = _KINDS[mime]
        data = _read_body(response, where, max_bytes, 3 * opts.timeout)
        return _Page(url=response.url, data=data, kind=kind, charset=charset)
    except httpx.TimeoutException:
        raise _Retryable(f"the page stopped arriving (nothing for {opts.timeout:g} s)") from None
    except httpx.TransportError as exc:
        raise _Retryable(f"the connection failed while reading ({str(exc) or type(exc).__name__})") from None
    finally:
        response.close()


def _retry_after(response: httpx.Response, where: str) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = max(0.0, when.timestamp() - time.time())
    if seconds > RETRY_AFTER_CAP:
        raise FetchError(
            where,
            f"the server answers HTTP {response.status_code} and asks to wait {seconds:.0f} s",
            f"try again later (geobrief waits at most {RETRY_AFTER_CAP:.0f} s)",
        )
    return seconds


class _Inflater:
    """Undo gzip or deflate a bounded piece at a time, so a bomb is caught before it explodes."""

    PIECE = 65_536

    def __init__(self, encoding: str, where: str) -> None:
        self.where = where
        self.encoding = encoding.strip().lower()
        self.raw_deflate = False
        if self.encoding in {"", "identity"}:
            self._z = None
        elif self.encoding in {"gzip", "x-gzip"}:
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self.encoding == "deflate":
            self._z = zlib.decompressobj()
        else:
            raise FetchError(where, f"the server sends content encoded as {encoding!r}", FIX_SAVE)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._z is None:
            yield data
            return
        while data:
            try:
                out = self._z.decompress(data, self.PIECE)
            except zlib.error as exc:
                if self.encoding == "deflate" and not self.raw_deflate:
                    # Some servers send raw deflate without the zlib header.
                    self.raw_deflate, self._z = True, zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise FetchError(self.where, f"the {self.encoding} body is corrupt ({exc})", FIX_NETWORK) from None
            data = self._z.unconsumed_tail
            yield out


def _read_body(response: httpx.Response, where: str, max_bytes: int, seconds: float) -> bytes:
    too_big = f"the page is larger than {max_bytes:,} bytes"
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(where, f"{too_big} ({int(declared):,} declared)", FIX_SAVE)
    inflater = _Inflater(response.headers.get("content-encoding", ""), where)
    deadline = time.monotonic() + seconds
    pieces: list[bytes] = []
    raw = total = 0
    for chunk in response.iter_raw():
        raw += len(chunk)
        if raw > max_bytes:
            raise FetchError(where, too_big, FIX_SAVE)
        for piece in inflater.feed(chunk):
            total += len(piece)
            if total > max_bytes:
                raise FetchError(where, f"{too_big} once decompressed", FIX_SAVE)
            pieces.append(piece)
        if time.monotonic() > deadline:
            raise FetchError(where, f"the page took longer than {seconds:g} s to arrive", FIX_NETWORK)
    return b"".join(pieces)


# -- the page ----------------------------------------------------------------------------


def _decode(data: bytes, declared: str | None, is_html: bool) -> str:
    """Decode with the declared charset when the bytes fit it, else with a detected one."""
    candidates: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        candidates.append("utf-8-sig")
    if declared:
        label = declared.strip().lower()
        # WHATWG: latin-1 means windows-1252; ASCII is best read as its superset UTF-8.
        candidates.append({"iso-8859-1": "cp1252", "latin-1": "cp1252", "us-ascii": "utf-8"}.get(label, label))
    if is_html and (meta := _META_CHARSET.search(data[:4096])):
        candidates.append(meta.group(1).decode("ascii", errors="ignore"))
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")


def _to_article(page: _Page) -> Article:
    where = str(page.url)
    kind = page.kind
    if kind is None:  # no Content-Type: look at the bytes
        if b"\x00" in page.data[:8192]:
            raise FetchError(where, "the server sends binary data without a content type", FIX_TYPES)
        kind = "html" if _HTML_START.match(page.data[:512]) else "text"
    text = _decode(page.data, page.charset, kind == "html").lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise FetchError(where, "the page is empty", FIX_SAVE)
    if kind == "text":
        if "\x00" in text[:8192]:
            raise FetchError(where, "the text/plain page holds binary data", FIX_TYPES)
        try:
            article = article_from_text(text, path=where)
        except InputError as exc:
            raise FetchError(where, exc.problem, FIX_SAVE) from None
        return dataclasses.replace(article, url=where)
    page_article = article_from_html(text, where, url=where)
    if page_article is None:
        raise FetchError(
            where, "no article text found in this page", "give the address of an article page, or " + FIX_SAVE
        )
    return page_article
