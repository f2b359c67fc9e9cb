"""The workspace in a real browser: Playwright driving Debian's Chromium against a server on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from geobrief.pipeline import ingest_paths
from tests.conftest import EXAMPLES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytest.importorskip("playwright")
if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):  # .ci/run installs it: a missing browser there is a failure, not a skip
        pytest.fail("Debian's chromium is not installed (apt-get install chromium)", pytrace=False)
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, sync_playwright  # noqa: E402

HOSTILE = (
    'TITLE: <script>window.pwned=1</script> Strike report <img src=x onerror="window.pwned=2">\n'
    "DATE: 2024-06-14\n\n"
    "Houthi rebels attacked a tanker in the Red Sea on Friday <script>window.pwned=3</script>. "
    'The United States condemned the attack <img src=x onerror="window.pwned=4"> and '
    '<a id="evil" href="javascript:window.pwned=5">warned</a> Iran.\n'
)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from geobrief.web import create_app

    tmp = tmp_path_factory.mktemp("web")
    hostile = tmp / "hostile.txt"
    hostile.write_text(HOSTILE, "utf-8")
    db = str(tmp / "store.db")
    ingest_paths([*(str(p) for p in sorted(EXAMPLES.glob("*.txt"))), str(hostile)], db=db)
    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_every_page_loads_and_shows_its_content(server: str, browser: Browser, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(f"{server}/?since=30d")
    assert page.locator("h1").inner_text() == "What changed for Singapore"
    assert page.locator("ol > li").count() >= 4  # the examples and the hostile article, ranked
    first = page.locator("a[href^='/articles/']").first
    first.click()
    page.wait_for_load_state()
    assert page.locator("mark").count() >= 1 and page.locator("table").count() >= 1
    title = page.locator("mark").first.get_attribute("title") or ""
    assert "->" in title
    page.goto(f"{server}/actors/PRK?with=RUS")
    assert page.locator("h1").inner_text().startswith("North Korea")
    assert page.locator(".bar").count() >= 1 and page.locator("svg").count() >= 1  # trend and network
    page.goto(f"{server}/kb?section=profiles")
    assert "Singapore" in page.inner_text("main") and page.locator("main a[href^='http']").count() >= 1  # sources
    page.screenshot(path=str(tmp_path / "kb.png"), full_page=True)
    assert (tmp_path / "kb.png").stat().st_size > 10_000


def test_generate_and_export_a_brief(server: str, browser: Browser) -> None:
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{server}/brief")
    page.locator("input[type=checkbox][name=ids]").first.check()
    page.locator("form[action='/brief'] button[type=submit]").last.click()
    page.wait_for_url("**/brief/result**")
    frame = page.frame_locator("iframe")
    assert frame.locator("#executive_summary").count() == 1
    for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK"), ("markdown", b"# "), ("json", b"{"), ("html", b"<!")):
        with page.expect_download() as info:
            page.locator(f"a[href*='format={fmt}']").first.click()
        data = Path(info.value.path()).read_bytes()
        assert data.startswith(magic), fmt


def test_a_hostile_article_runs_nothing(server: str, browser: Browser) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/?since=30d")
    hostile = page.locator("a[href^='/articles/']", has_text="Strike report").first
    hostile.click()
    page.wait_for_load_state()
    assert "<script>" in page.inner_text("body")  # shown as text
    assert page.evaluate("window.pwned") is None
    assert page.locator("script").count() == 0 and page.locator("img").count() == 0
    assert page.locator("#evil").count() == 0
    page.locator("form[action='/brief'] button[type=submit]").first.click()
    page.wait_for_url("**/brief/result**")
    page.wait_for_timeout(300)
    assert page.evaluate("window.pwned") is None and not dialogs
    view = page.frame_locator("iframe")
    assert view.locator("script").count() == 0 and view.locator("img").count() == 0
