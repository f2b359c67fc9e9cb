"""The web workspace through FastAPI's TestClient, over a real SQLite store of the examples and a hostile article."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from geobrief.ingest import read_articles
from geobrief.pipeline import ingest_paths
from geobrief.web import create_app

with warnings.catch_warnings():
    # Starlette 1.x asks for httpx2 but still works with httpx, which geobrief already depends on
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
RED_SEA = ROOT / "examples" / "red-sea-houthi-shipping-2024.txt"
HOSTILE = """TITLE: <script>alert(1)</script> Strike report <img src=x onerror=alert(2)>
SOURCE: <a href="javascript:alert(3)">Evil Wire</a>
URL: javascript:alert(3)
DATE: {date}

On {when}, Houthi forces fired missiles at a US Navy destroyer in the Red Sea <script>alert(1)</script>, \
the Pentagon said. <img src=x onerror=alert(2)> The United States struck Houthi targets in Yemen the next day. \
China and Russia signed a trade agreement in Beijing <a href="javascript:alert(3)">click</a>.
"""


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


def csrf_of(html: str) -> str:
    return next(str(a["value"]) for t, a in parse(html).tags if t == "input" and a.get("name") == "csrf")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A store with the examples and a hostile article dated this month; the article ids by name."""
    from datetime import UTC, datetime

    folder = tmp_path_factory.mktemp("web")
    hostile = folder / "hostile.txt"
    today = datetime.now(UTC).date()
    hostile.write_text(
        HOSTILE.format(date=today.isoformat(), when=f"{today:%B} {today.day}, {today.year}"), encoding="utf-8"
    )
    db = str(folder / "store.db")
    new, _ = ingest_paths([*map(str, EXAMPLES), str(hostile)], db=db)
    assert new == len(EXAMPLES) + 1
    return {
        "db": db,
        "hostile": read_articles([str(hostile)])[0].id,
        "red_sea": read_articles([str(RED_SEA)])[0].id,
        "other": read_articles([str(EXAMPLES[0])])[0].id,
    }


@pytest.fixture
def client(store: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(store["db"])) as c:
        yield c


def assert_safe(html: str) -> None:
    """No script element, no event-handler attribute, no javascript: link in the parsed page."""
    for tag, attrs in parse(html).tags:
        assert tag != "script"
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action"):
            assert not str(attrs.get(name) or "").strip().lower().startswith("javascript:"), (tag, attrs)


def test_developments_rank_the_stored_articles(client: TestClient, store: dict[str, str]) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert "What changed for Singapore" in r.text
    assert f'href="/articles/{store["red_sea"]}"' in r.text
    assert "Suez traffic slumps" in r.text
    assert re.search(r'<td class="num">\d\.\d\d</td>', r.text)  # channel scores
    assert "Signposts matched" in r.text
    assert_safe(r.text)


def test_target_country_is_chosen_and_remembered(client: TestClient) -> None:
    r = client.get("/?country=JPN")
    assert r.status_code == 200 and "What changed for Japan" in r.text
    assert client.cookies.get("country") == "JPN"
    assert "What changed for Japan" in client.get("/").text
    bad = client.get("/?country=XXX")
    assert bad.status_code == 400 and "unknown country" in bad.text


def test_a_library_error_is_a_400_page_with_its_message(client: TestClient) -> None:
    r = client.get("/?since=yesterday-ish")
    assert r.status_code == 400
    assert "not a time span or date" in r.text
    assert "Traceback" not in r.text


def test_article_page_marks_each_event(client: TestClient, store: dict[str, str]) -> None:
    r = client.get(f"/articles/{store['red_sea']}")
    assert r.status_code == 200
    marks = [a for t, a in parse(r.text).tags if t == "mark"]
    assert marks
    assert all(re.fullmatch(r"[A-Z]+ [A-Z0-9,?]+->[A-Z0-9,?]+, [a-z]+(; .+)?", str(a["title"])) for a in marks)
    assert "<th>Recipients</th>" in r.text and "<th>Quantities</th>" in r.text
    text = "".join(parse(r.text).text)
    assert "39% fewer ships passed through the canal" in text


def test_hostile_article_is_escaped_everywhere(client: TestClient, store: dict[str, str]) -> None:
    page = client.get(f"/articles/{store['hostile']}")
    assert page.status_code == 200
    assert "<mark" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "&lt;img src=x onerror=alert(2)&gt;" in page.text
    for html in (page.text, client.get("/").text, client.get("/brief").text, client.get("/actors/YEM").text):
        assert_safe(html)


def test_unknown_article_is_a_404_page(client: TestClient) -> None:
    r = client.get("/articles/0000000000000000")
    assert r.status_code == 404
    assert "No stored article has the id" in r.text and "Traceback" not in r.text
    assert client.get("/no/such/page").status_code == 404


def test_actor_page_shows_entry_trend_network_and_events(client: TestClient) -> None:
    r = client.get("/actors/yem?with=USA")
    assert r.status_code == 200
    assert "Yemen" in r.text and "<h3>Sources</h3>" in r.text
    assert "<svg" in r.text  # the network of its stored events
    assert re.search(r'class="bar (coop|conf)"', r.text)  # this month's events with the United States
    assert "Latest stored events" in r.text and "/articles/" in r.text
    assert_safe(r.text)
    assert client.get("/actors/NOPE").status_code == 404
    assert client.get("/actors/YEM?with=NOPE").status_code == 400


def test_trend_of_a_pair_ends_at_its_latest_stored_event(client: TestClient) -> None:
    r = client.get("/actors/PRK?with=RUS")  # the Kursk example: events of 2025, none since
    assert r.status_code == 200
    last = re.search(r"the 24 months to (\d{4}-\d{2})", r.text)
    assert last and last.group(1).startswith("2025-")
    assert re.search(r'class="bar (coop|conf)"', r.text)


@pytest.mark.parametrize("section", ["actors", "profiles", "impact_rules", "outlook_rules", "plays"])
def test_kb_pages_list_entries_with_sources(client: TestClient, section: str) -> None:
    r = client.get(f"/kb?section={section}")
    assert r.status_code == 200
    tags = parse(r.text).tags
    assert [a for t, a in tags if t == "ul" and a.get("class") == "sources"]
    links = [str(a["href"]) for t, a in tags if t == "a" and "rel" in a]
    assert links and all(h.startswith(("http://", "https://")) for h in links)


def test_kb_actor_search(client: TestClient) -> None:
    r = client.get("/kb?q=houthi")
    assert r.status_code == 200 and "/actors/HOUTHIS" in r.text and "/actors/FRA" not in r.text


def test_security_headers(client: TestClient) -> None:
    r = client.get("/kb?section=plays")
    assert r.headers["content-security-policy"].startswith("default-src 'self'")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


def test_brief_builder_generates_and_exports(client: TestClient, store: dict[str, str]) -> None:
    form = client.get("/brief")
    assert form.status_code == 200 and 'type="checkbox"' in form.text
    assert "Suez traffic slumps" in form.text  # each stored article by its title
    r = client.post(
        "/brief",
        data={"csrf": csrf_of(form.text), "country": "SGP", "ids": [store["red_sea"], store["other"]]},
        follow_redirects=False,
    )
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith("/brief/result?")
    query = urlsplit(location).query
    assert parse_qs(query)["ids"] == [store["red_sea"], store["other"]]
    result = client.get(location)
    assert result.status_code == 200 and "<iframe" in result.text and "/brief/export?format=pdf" in result.text
    view = client.get(f"/brief/view?{query}")
    assert view.status_code == 200 and view.headers["content-type"].startswith("text/html")
    expected = {"markdown": ("text/markdown", b"# "), "json": ("application/json", b"{"),
                "html": ("text/html", b"<!DOCTYPE html>"), "pdf": ("application/pdf", b"%PDF"),
                "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK")}  # fmt: skip
    for fmt, (ctype, magic) in expected.items():
        got = client.get(f"/brief/export?format={fmt}&{query}")
        assert got.status_code == 200, fmt
        assert got.headers["content-type"].startswith(ctype)
        assert got.content.startswith(magic), fmt
        assert re.fullmatch(r'attachment; filename="geobrief-SGP-[\d-]+\.\w+"', got.headers["content-disposition"])
    assert client.get(f"/brief/export?format=exe&{query}").status_code == 400


def test_brief_on_an_actor_pair(client: TestClient) -> None:
    csrf = csrf_of(client.get("/brief").text)
    r = client.post("/brief", data={"csrf": csrf, "actor_a": "yem", "actor_b": "USA", "since": ""})
    assert r.status_code == 200 and "<iframe" in r.text
    bad = client.post("/brief", data={"csrf": csrf, "actor_a": "ZZZ", "actor_b": "USA"})
    assert bad.status_code == 400 and "unknown actor code" in bad.text


# render.charts' timeline warns when all its events fall within a few days (a library issue, not the web's)
def test_brief_on_the_hostile_article_is_safe(client: TestClient, store: dict[str, str]) -> None:
    assert_safe(client.get(f"/brief/result?ids={store['hostile']}").text)
    assert_safe(client.get(f"/brief/view?ids={store['hostile']}").text)


@pytest.mark.parametrize("csrf", [None, "", "forged-token-forged-token-forged-token"])
def test_post_without_the_right_csrf_token_is_403(client: TestClient, store: dict[str, str], csrf: str | None) -> None:
    client.get("/brief")
    data = {"country": "SGP", "ids": store["red_sea"]} | ({"csrf": csrf} if csrf is not None else {})
    r = client.post("/brief", data=data)
    assert r.status_code == 403 and "security token" in r.text


def test_upload_is_stored_and_briefed(client: TestClient) -> None:
    csrf = csrf_of(client.get("/brief").text)
    body = b"TITLE: Uploaded\n\nJapan and the Philippines signed a defence agreement in Manila on Monday.\n"
    r = client.post("/brief/upload", data={"csrf": csrf, "country": "SGP"}, files={"file": ("up.txt", body)})
    assert r.status_code == 200 and "Uploaded" in r.text
    empty = client.post("/brief/upload", data={"csrf": csrf}, files={"file": ("empty.txt", b"  ")})
    assert empty.status_code == 400 and "empty.txt: the file is empty" in empty.text


@pytest.mark.parametrize("size", [1_500, 50_000])
def test_upload_over_the_limit_is_413(store: dict[str, str], size: int) -> None:
    with TestClient(create_app(store["db"], max_upload=1_000)) as c:
        csrf = csrf_of(c.get("/brief").text)
        r = c.post("/brief/upload", data={"csrf": csrf}, files={"file": ("big.txt", b"x" * size)})
    assert r.status_code == 413 and "1,000 bytes" in r.text


def test_token_protects_a_team_server(store: dict[str, str]) -> None:
    with TestClient(create_app(store["db"], token="s3cret-team")) as c:
        denied = c.get("/kb")
        assert denied.status_code == 401 and "/login" in denied.text
        assert c.get("/kb", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/kb", headers={"Authorization": "Bearer s3cret-team"}).status_code == 200
        login = c.get("/login")
        assert login.status_code == 200
        wrong = c.post("/login", data={"csrf": csrf_of(login.text), "token": "nope"})
        assert wrong.status_code == 401
        assert c.post("/login", data={"token": "s3cret-team"}).status_code == 403  # no CSRF token
        ok = c.post("/login", data={"csrf": csrf_of(login.text), "token": "s3cret-team"})
        assert ok.status_code == 200 and "What changed for" in ok.text
        assert c.get("/kb").status_code == 200


def test_a_crash_is_a_500_page_without_traceback(store: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("geobrief.web.app.build_digest", boom)
    with TestClient(create_app(store["db"]), raise_server_exceptions=False) as c:
        r = c.get("/")
    assert r.status_code == 500
    assert "secret internals" not in r.text and "Traceback" not in r.text
    assert r.headers["x-content-type-options"] == "nosniff"


def test_developments_digest_is_reused_until_an_article_arrives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import geobrief.web.app as web

    db = str(tmp_path / "store.db")
    ingest_paths([str(RED_SEA)], db=db)
    calls: list[str] = []

    def counting(*args: object, **kwargs: object) -> object:
        calls.append("digest")
        return web_build_digest(*args, **kwargs)

    web_build_digest = web.build_digest
    monkeypatch.setattr(web, "build_digest", counting)
    with TestClient(create_app(db)) as c:
        assert c.get("/").status_code == 200
        assert c.get("/").status_code == 200
        assert len(calls) == 1  # the second reader reuses the first computation
        ingest_paths([str(EXAMPLES[0] if EXAMPLES[0] != RED_SEA else EXAMPLES[1])], db=db)
        assert c.get("/").status_code == 200
        assert len(calls) == 2  # a new article in the store is a new digest


def test_an_empty_store_says_how_to_fill_it(tmp_path: Path) -> None:
    with TestClient(create_app(str(tmp_path / "empty.db"))) as c:
        r = c.get("/")
    assert r.status_code == 200
    assert "Nothing was stored in this window" in r.text and "geobrief ingest FOLDER" in r.text
    assert 'href="/brief"' in r.text
