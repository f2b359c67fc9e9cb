"""The web workspace of ``geobrief serve``: server-rendered pages over the library, with no logic of its own.

Each page calls what the CLI calls (``build_digest``, ``brief_from_articles``, ``brief_from_store``,
``ingest_paths``, ``render``, the store and the knowledge base) and hands the result to an autoescaping
Jinja2 template. Around the pages: an optional token (``Authorization: Bearer`` or a cookie set by
``/login``), a CSRF token on every POST form, an upload size limit, error pages without tracebacks
and a strict content security policy. No JavaScript.
"""

from __future__ import annotations

import hmac
import itertools
import secrets
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.exceptions import HTTPException

from geobrief.analysis.patterns import month_index
from geobrief.digest import build_digest
from geobrief.errors import GeobriefError, UnknownCountryError
from geobrief.kb.loader import KnowledgeBase, load
from geobrief.model import Article, Brief, Event
from geobrief.pipeline import brief_from_articles, brief_from_store, ingest_paths, read_inputs
from geobrief.render import FORMATS, render
from geobrief.render.charts import COOPERATIVE, network_chart
from geobrief.store import Store, open_store

__all__ = ["create_app"]

DEFAULT_COUNTRY = "SGP"
CSRF_COOKIE, TOKEN_COOKIE, COUNTRY_COOKIE = "geobrief_csrf", "token", "country"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "SAMEORIGIN",  # the brief builder frames its own /brief/view, nothing else may
}
MEDIA_TYPES = {
    "markdown": "text/markdown; charset=utf-8",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
UPLOAD_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml")
_FORM_OVERHEAD = 16_384  # multipart boundaries and the small fields around an uploaded file
_TITLES = {400: "Bad request", 401: "Sign-in needed", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
           411: "Length required", 413: "Too large", 500: "Server error"}  # fmt: skip
# pyplot is not thread-safe and FastAPI runs page functions in a thread pool
_DRAW = threading.Lock()


@dataclass(frozen=True, kw_only=True)
class Settings:
    db: str | None
    token: str | None
    max_upload: int
    store: Store
    digests: dict[tuple[str, str, str], tuple[float, Any]] = field(default_factory=dict)
    digests_lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True, kw_only=True)
class Segment:
    """A stretch of an article body between evidence boundaries, with the events whose evidence covers it."""

    text: str
    title: str | None  # "TYPE actor->recipient, status; ..." when covered
    anchor: str | None  # an id for the first segment of an evidence span


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("geobrief.web", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,  # a missing value is an error in the tests, not a silently empty field
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    kb = load()
    html = (
        _env()
        .get_template(name)
        .render(
            kb=kb,
            path=request.url.path,
            country=getattr(request.state, "country", DEFAULT_COUNTRY),
            profiles=[(code, kb.label(kb.profiles[code].country)) for code in sorted(kb.profiles)],
            csrf=getattr(request.state, "csrf", ""),
            **ctx,
        )
    )
    return HTMLResponse(html, status_code=status)


def _error(request: Request, status: int, message: str) -> HTMLResponse:
    response = _page(request, "error.html", status, title=_TITLES.get(status, "Error"), code=status, message=message)
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    response.headers.update(SECURITY_HEADERS)
    return response


def _same(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())


def _authorised(request: Request, token: str) -> bool:
    header = request.headers.get("authorization", "")
    bearer = header[7:].strip() if header.lower().startswith("bearer ") else None
    return _same(bearer, token) or _same(request.cookies.get(TOKEN_COOKIE), token)


def _check_csrf(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    """Every POST form carries the session's CSRF token; a request from another site cannot know it."""
    if not _same(csrf, request.state.csrf) or not request.cookies.get(CSRF_COOKIE):
        raise HTTPException(403, "The form's security token is missing or wrong. Reload the page and submit again.")


def highlight(body: str, events: Sequence[Event]) -> list[Segment]:
    """The body cut at every evidence boundary; the template escapes each segment and marks the covered ones."""
    size = len(body)
    cuts = sorted({0, size} | {min(max(x, 0), size) for e in events for x in (e.evidence.start, e.evidence.end)})
    out = []
    for a, b in itertools.pairwise(cuts):
        covering = [e for e in events if e.evidence.start <= a and b <= e.evidence.end]
        title = "; ".join(
            f"{e.type} {','.join(e.actors) or '?'}->{','.join(e.recipients) or '?'}, {e.status}" for e in covering
        )
        starts = any(e.evidence.start == a for e in covering)
        out.append(Segment(text=body[a:b], title=title or None, anchor=f"at-{a}" if starts else None))
    return out


def _article_events(store: Store, article_id: str) -> list[Event]:
    return store.events_of(article_id)


def _latest_articles(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    return store.latest(limit)


def _months(last: str, n: int = 24) -> list[str]:
    """The ``n`` months (YYYY-MM) ending with ``last``."""
    index = month_index(last)
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - n + 1, index + 1)]


def _trend(store: Store, a: str, b: str) -> list[dict[str, Any]]:
    """The pair's stored events by month over the 24 months up to its latest stored event (or this month)."""
    counts = store.event_counts([a, b], "0001-01", "9999-12")
    months = _months(max((m for _, m, _ in counts), default=f"{datetime.now(UTC):%Y-%m}"))
    rows: dict[str, dict[str, Any]] = {m: {"month": m, "cooperation": 0, "conflict": 0} for m in months}
    for etype, month, n in counts:
        if month in rows:
            rows[month]["cooperation" if etype in COOPERATIVE else "conflict"] += n
    peak = max([r["cooperation"] + r["conflict"] for r in rows.values()] + [1])
    return [{**r, "total": r["cooperation"] + r["conflict"], "peak": peak} for r in rows.values()]


def _query(country: str, ids: Sequence[str] | None, actors: str, since: str) -> str:
    pairs = [("country", country)] + [("ids", i) for i in ids or ()]
    if actors:
        pairs += [("actors", actors)] + ([("since", since)] if since else [])
    return urlencode(pairs)


def _brief(request: Request, ids: Sequence[str] | None, actors: str, since: str) -> Brief:
    settings, country, kb = _settings(request), request.state.country, load()
    if ids:
        found: list[Article] = []
        for article_id in dict.fromkeys(ids):
            art = settings.store.article(article_id)
            if art is None:
                raise HTTPException(404, f"No stored article has the id {article_id!r}.")
            found.append(art)
        return brief_from_articles(found, country, kb=kb, store=settings.store)
    codes = [c.strip() for c in actors.split(",") if c.strip()]
    if codes:
        return brief_from_store(codes, country, since=since or None, db=settings.db)
    raise HTTPException(400, "Choose one or more stored articles, or an actor pair, to brief on.")


router = APIRouter()


DIGEST_TTL = 60.0  # seconds a digest is reused while the store does not change


def _digest(request: Request, since: str) -> Any:
    """The digest for the page, reused for a minute while nothing new is stored (many readers, one
    computation); a new article changes the key."""
    settings = _settings(request)
    latest = settings.store.latest(1)
    state = f"{settings.store.count()['articles']}:{latest[0]['id']}" if latest else ""
    key = (request.state.country, since, state)
    now = time.monotonic()
    with settings.digests_lock:
        hit = settings.digests.get(key)
        if hit and now - hit[0] < DIGEST_TTL:
            return hit[1]
        digest = build_digest(request.state.country, since, db=settings.db, kb=load(), remember=False)
        if len(settings.digests) > 64:
            settings.digests.clear()
        settings.digests[key] = (now, digest)
        return digest


@router.get("/", response_class=HTMLResponse)
def developments(request: Request, since: str = "7d") -> HTMLResponse:
    """What reached the store since ``since``, ranked by impact on the target."""
    digest = _digest(request, since)
    return _page(request, "developments.html", title="Developments", digest=digest, since=since)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    """A stored article with each event's evidence marked, and the table of its events."""
    store = _settings(request).store
    art = store.article(article_id)
    if art is None:
        raise HTTPException(404, f"No stored article has the id {article_id!r}.")
    evs = _article_events(store, art.id)
    return _page(request, "article.html", title=art.label, article=art, events=evs,
                 segments=highlight(art.body, evs))  # fmt: skip


@router.get("/actors/{code}", response_class=HTMLResponse)
def actor_page(request: Request, code: str, other: Annotated[str, Query(alias="with")] = "") -> HTMLResponse:
    """An actor's knowledge-base entry, its trend with another actor, its network and latest events."""
    kb, store = load(), _settings(request).store
    actor = kb.actors.get(code.upper())
    if actor is None:
        raise HTTPException(404, f"No actor {code!r} in the knowledge base; search the actors on /kb.")
    other = other.strip().upper()
    if other and other not in kb.actors:
        raise HTTPException(400, f"Unknown actor code {other!r} for the trend; give a knowledge-base code, e.g. USA.")
    evs = store.events_for([actor.id])
    with _DRAW:
        chart = network_chart(kb, evs[-200:])
    counterparts = sorted({c for e in evs for c in (*e.actors, *e.recipients)} - {actor.id})
    return _page(request, "actor.html", title=actor.name, actor=actor, other=other, chart=chart,
                 trend=_trend(store, actor.id, other) if other else None, counterparts=counterparts,
                 latest=list(reversed(evs[-20:])))  # fmt: skip


@router.get("/brief", response_class=HTMLResponse)
def brief_form(request: Request) -> HTMLResponse:
    """The brief builder: stored articles or an actor pair, and an upload form."""
    settings = _settings(request)
    return _page(request, "brief_form.html", title="Brief builder", latest=_latest_articles(settings.store),
                 max_upload=settings.max_upload)  # fmt: skip


@router.post("/brief", dependencies=[Depends(_check_csrf)])
def brief_post(
    country: Annotated[str, Form()] = DEFAULT_COUNTRY,
    ids: Annotated[list[str] | None, Form()] = None,
    actor_a: Annotated[str, Form()] = "",
    actor_b: Annotated[str, Form()] = "",
    since: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Check the form and show the brief at a bookmarkable address."""
    actors = ",".join(a.strip().upper() for a in (actor_a, actor_b) if a.strip())
    if not ids and not actors:
        raise HTTPException(400, "Choose one or more stored articles, or an actor pair, to brief on.")
    return RedirectResponse("/brief/result?" + _query(country, ids, actors, since), status_code=303)


@router.post("/brief/upload", dependencies=[Depends(_check_csrf)])
def brief_upload(
    request: Request, file: Annotated[UploadFile, File()], country: Annotated[str, Form()] = DEFAULT_COUNTRY
) -> Response:
    """Store an uploaded text or HTML article, then show its brief."""
    limit = _settings(request).max_upload
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"The file is larger than the {limit:,} bytes allowed.")
    name = Path(file.filename or "upload.txt").name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise HTTPException(400, f"Upload a text or HTML article ({', '.join(UPLOAD_SUFFIXES)}), not {name!r}.")
    with tempfile.TemporaryDirectory(prefix="geobrief-upload-") as tmp:
        path = Path(tmp) / f"article{suffix}"
        path.write_bytes(data)
        try:
            art = read_inputs([str(path)])[0]
            ingest_paths([str(path)], db=_settings(request).db)
        except GeobriefError as exc:
            raise HTTPException(400, str(exc).replace(str(path), name)) from None
    return RedirectResponse("/brief/result?" + _query(country, [art.id], "", ""), status_code=303)


@router.get("/brief/result", response_class=HTMLResponse)
def brief_result(
    request: Request,
    ids: Annotated[list[str] | None, Query()] = None,
    actors: str = "",
    since: str = "",
) -> HTMLResponse:
    """The brief's headline, sources and export links, with the brief itself framed from /brief/view."""
    brief = _brief(request, ids, actors, since)
    qs = _query(brief.country, ids, actors, since)
    return _page(request, "brief_result.html", title=brief.title, brief=brief, qs=qs, formats=list(MEDIA_TYPES))


@router.get("/brief/view", response_class=HTMLResponse)
def brief_view(
    request: Request, ids: Annotated[list[str] | None, Query()] = None, actors: str = "", since: str = ""
) -> HTMLResponse:
    """The brief as the HTML renderer writes it."""
    brief = _brief(request, ids, actors, since)
    with _DRAW:
        return HTMLResponse(str(render(brief, "html", load())))


@router.get("/brief/export")
def brief_export(
    request: Request,
    format: str = "markdown",
    ids: Annotated[list[str] | None, Query()] = None,
    actors: str = "",
    since: str = "",
) -> Response:
    """The brief as a download in any of the CLI's formats."""
    if format not in MEDIA_TYPES:
        raise HTTPException(400, f"Unknown format {format!r}; choose one of {', '.join(MEDIA_TYPES)}.")
    brief = _brief(request, ids, actors, since)
    with _DRAW:
        content = render(brief, format, load())
    filename = f"geobrief-{brief.country}-{brief.generated_at[:10]}{FORMATS[format][0]}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type=MEDIA_TYPES[format], headers=headers)


@router.get("/kb", response_class=HTMLResponse)
def kb_page(request: Request, section: str = "actors", q: str = "") -> HTMLResponse:
    """The knowledge base: actors (searchable), profiles, impact and outlook rules, plays, with their sources."""
    kb = load()
    sections: dict[str, dict[str, Any]] = {"actors": kb.actors, "profiles": kb.profiles, "impact_rules": kb.impact_rules,
                "outlook_rules": kb.outlook_rules, "plays": kb.plays}  # fmt: skip
    if section not in sections:
        raise HTTPException(404, f"No knowledge-base section {section!r}; choose one of {', '.join(sections)}.")
    entries = list(sections[section].values())
    needle = q.strip().lower()
    if section == "actors" and needle:
        entries = [a for a in kb.actors.values() if _matches(a, needle)]
    return _page(request, "kb.html", title="Knowledge base", section=section, sections=list(sections), q=q,
                 entries=entries)  # fmt: skip


def _matches(actor: Any, needle: str) -> bool:
    names = [actor.id, actor.name, actor.short or "", *actor.aliases]
    return any(needle in n.lower() for n in names)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    """A form for the team server's token."""
    return _page(request, "login.html", title="Sign in")


@router.post("/login", dependencies=[Depends(_check_csrf)])
def login(request: Request, token: Annotated[str, Form()] = "") -> Response:
    """Keep the token in an HTTP-only cookie when it is right."""
    expected = _settings(request).token
    if expected is None:
        return RedirectResponse("/", status_code=303)
    if not _same(token, expected):
        return _error(request, 401, "That token is not right. Ask whoever runs this server for it.")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
    return response


def _guard(settings: Settings) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        csrf = request.cookies.get(CSRF_COOKIE) or ""
        fresh = len(csrf) < 32
        request.state.csrf = secrets.token_urlsafe(32) if fresh else csrf
        kb = load()
        asked = request.query_params.get("country", "").strip().upper()
        cookie = (request.cookies.get(COUNTRY_COOKIE) or "").upper()
        request.state.country = next((c for c in (asked, cookie) if c in kb.profiles), DEFAULT_COUNTRY)
        length = request.headers.get("content-length")
        if settings.token and request.url.path != "/login" and not _authorised(request, settings.token):
            response: Response = _error(request, 401, "This workspace needs a token: sign in on /login.")
        elif asked and asked not in kb.profiles:
            response = _error(request, 400, _unknown_country(kb, asked))
        elif request.method == "POST" and request.url.path == "/brief/upload" and not length:
            response = _error(request, 411, "The upload must say its size (Content-Length).")
        elif length and length.isdigit() and int(length) > settings.max_upload + _FORM_OVERHEAD:
            response = _error(request, 413, f"The upload is larger than the {settings.max_upload:,} bytes allowed.")
        else:
            response = await call_next(request)
        if fresh:
            response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict")
        if asked in kb.profiles and asked != cookie:
            response.set_cookie(COUNTRY_COOKIE, asked, samesite="lax")
        response.headers.update(SECURITY_HEADERS)
        return response

    return guard


def _unknown_country(kb: KnowledgeBase, code: str) -> str:
    try:
        kb.profile(code)
    except UnknownCountryError as exc:
        return str(exc)
    return f"unknown country {code!r}"


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = str(exc.detail)
    if exc.status_code == 404 and message == "Not Found":
        message = f"There is no page at {request.url.path}."
    return _error(request, exc.status_code, message)


async def _library_error(request: Request, exc: Exception) -> Response:
    return _error(request, 400, str(exc).splitlines()[0])


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
    return _error(request, 400, f"{where}: {first.get('msg', 'invalid')}")


async def _crash(request: Request, exc: Exception) -> Response:
    return _error(request, 500, "Something went wrong on the server; the error is in its log.")


def create_app(db: str | None, token: str | None = None, max_upload: int = 2_000_000) -> FastAPI:
    """The workspace over the store at ``db`` (None: the default store); ``token`` protects a team server."""
    settings = Settings(db=db, token=token or None, max_upload=max_upload, store=open_store(db))
    app = FastAPI(title="geobrief", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.include_router(router)
    app.middleware("http")(_guard(settings))
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(GeobriefError, _library_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(Exception, _crash)
    return app
