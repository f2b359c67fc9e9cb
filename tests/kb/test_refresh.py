"""``geobrief kb refresh`` against a real HTTP server on loopback serving World Bank API answers.

The answers in tests/data/worldbank/ are constructed to the documented API v2
format (see its README), not recorded.
"""

from __future__ import annotations

import functools
import shutil
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from geobrief.errors import RefreshError
from geobrief.kb.loader import DATA_DIR, check
from geobrief.kb.refresh import (
    Change,
    apply_changes,
    default_fetch,
    plan_refresh,
    refresh_command,
    render_diff,
    updated_text,
)
from tests.conftest import ROOT

ANSWERS = ROOT / "tests" / "data" / "worldbank"
TODAY = date(2027, 1, 15)
FETCH = functools.partial(default_fetch, timeout=2.0)  # bounded: the server is local
TRADE = "sgp.trade.trade_gdp_wdi"


class _Handler(BaseHTTPRequestHandler):
    """Serves /{mode}/v2/country/{ISO3}/indicator/{code}?format=json&mrnev=1 from ANSWERS."""

    server: _Server

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        self.server.seen.append(self.path)
        if len(parts) != 6 or parts[1:3] != ["v2", "country"] or parts[4] != "indicator":
            return self._send(404, b"no such path", "text/plain")
        if urllib.parse.parse_qs(url.query) != {"format": ["json"], "mrnev": ["1"]}:
            return self._send(400, b"expected format=json&mrnev=1", "text/plain")
        mode, country, code = parts[0], parts[3], parts[5]
        if mode == "http500":
            return self._send(500, b"<html><body>Internal Server Error</body></html>", "text/html")
        named = {"malformed": "malformed.json", "nodata": "no-data.json"}
        path = ANSWERS / named[mode] if mode in named else ANSWERS / country / f"{code}.json"
        if not path.exists():
            path = ANSWERS / "unknown-indicator.json"  # the API says so with HTTP 200
        self._send(200, path.read_bytes(), "application/json;charset=utf-8")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


class _Server(ThreadingHTTPServer):
    seen: list[str]


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.seen = []
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


def _base(srv: _Server, mode: str = "ok") -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}/{mode}/v2"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the knowledge base to change."""
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR, root)
    return root


def _outdated(root: Path) -> Path:
    """The copied SGP profile as it stood before the 2024 figure: 325.7% of GDP in 2023."""
    path = root / "profiles" / "SGP.yaml"
    text = path.read_text("utf-8")
    old = '322.4% of its GDP in 2024.\n    value: 322.4\n    unit: percent of GDP\n    year: "2024"\n'
    assert text.count(old) == 1
    path.write_text(text.replace(old, old.replace("322.4", "325.7").replace("2024", "2023")), "utf-8")
    return path


def _add_spec(path: Path, exposure_as_of: str, spec: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(exposure_as_of) == 1
    path.write_text(text.replace(exposure_as_of, exposure_as_of + f"    refresh: {spec}\n"), "utf-8")


def test_changed_value_gives_a_diff_with_new_value_year_and_review(server: _Server, data: Path) -> None:
    path = _outdated(data)
    before = path.read_bytes()
    changes = plan_refresh(path, base_url=_base(server), fetch=FETCH)
    assert changes == [
        Change(
            exposure=TRADE,
            indicator="NE.TRD.GNFS.ZS",
            url=f"{_base(server)}/country/SGP/indicator/NE.TRD.GNFS.ZS?format=json&mrnev=1",
            old_value=325.7,
            old_year="2023",
            new_value=322.4,
            new_year="2024",
        )
    ]
    diff = render_diff(path, changes, today=TODAY)
    assert diff.startswith("--- a/SGP.yaml\n+++ b/SGP.yaml\n")
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["-    value: 325.7", '-    year: "2023"', '-    as_of: "2026-11-27"']
    assert added == [
        "+  # REVIEW: text still says 325.7; new value 322.4 (2024)",
        "+    value: 322.4",
        '+    year: "2024"',
        '+    as_of: "2027-01-15"',
    ]
    assert path.read_bytes() == before  # planning and diffing write nothing


def test_current_value_gives_no_change(server: _Server) -> None:
    shipped = DATA_DIR / "profiles" / "SGP.yaml"
    changes = plan_refresh(shipped, base_url=_base(server), fetch=FETCH)
    assert changes == []
    assert render_diff(shipped, changes) == ""


def test_apply_writes_the_file_and_it_still_validates(server: _Server, data: Path) -> None:
    path = _outdated(data)
    changes = plan_refresh(path, base_url=_base(server), fetch=FETCH)
    expected = updated_text(path.read_text("utf-8"), changes, today=TODAY)
    apply_changes(path, changes, today=TODAY)
    text = path.read_text("utf-8")
    assert text == expected
    assert text.startswith("# Singapore target profile")  # comments and layout kept
    assert "# REVIEW: text still says 325.7; new value 322.4 (2024)" in text
    assert "325.7% of its GDP in 2023" in text  # the prose is left to the reviewer
    _kb, problems = check(data)
    assert problems == []
    assert _kb.profile("SGP").exposures[[e.id for e in _kb.profile("SGP").exposures].index(TRADE)].value == 322.4
    assert plan_refresh(path, base_url=_base(server), fetch=FETCH) == []
    assert not list(path.parent.glob(".*.tmp"))


def test_command_prints_the_diff_and_writes_only_with_apply(server: _Server, data: Path) -> None:
    path = _outdated(data)
    before = path.read_bytes()
    runner = CliRunner()
    dry = runner.invoke(refresh_command, [str(path), "--base-url", _base(server)])
    assert dry.exit_code == 0, dry.output
    assert "+    value: 322.4" in dry.stdout and "# REVIEW:" in dry.stdout
    assert "1 of 1 refreshable figure(s) changed (dry run" in dry.stderr
    assert path.read_bytes() == before
    wet = runner.invoke(refresh_command, [str(path), "--apply", "--base-url", _base(server)])
    assert wet.exit_code == 0, wet.output
    assert f"wrote {path}" in wet.stderr
    assert 'value: 322.4\n    unit: percent of GDP\n    year: "2024"' in path.read_text("utf-8")
    again = runner.invoke(refresh_command, [str(path), "--base-url", _base(server)])
    assert again.stdout == "" and "all current" in again.stderr


def test_base_url_comes_from_the_environment(server: _Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOBRIEF_WORLDBANK_URL", _base(server, "envcheck") + "/")
    server.seen.clear()
    assert plan_refresh(DATA_DIR / "profiles" / "SGP.yaml", fetch=FETCH) == []
    assert server.seen == ["/envcheck/v2/country/SGP/indicator/NE.TRD.GNFS.ZS?format=json&mrnev=1"]


@pytest.mark.parametrize(
    ("mode", "spec", "said"),
    [
        ("http500", None, "HTTP 500"),
        ("malformed", None, "the answer is not JSON"),
        ("nodata", None, "no non-empty value of NE.TRD.GNFS.ZS"),
        ("ok", "{provider: worldbank, indicator: XX.NOT.REAL}", "Invalid value: The provided parameter value"),
    ],
)
def test_failures_are_one_line_errors_and_nothing_is_written(
    server: _Server, data: Path, mode: str, spec: str | None, said: str
) -> None:
    path = _outdated(data)  # the trade figure would change, so a partial write would show
    if spec:  # a second, failing spec after the one that succeeds
        food = 'sgp-efeedlink-food-sources-2020]\n    as_of: "2026-11-27"\n'
        _add_spec(path, food, spec)
    before = path.read_bytes()
    with pytest.raises(RefreshError) as info:
        plan_refresh(path, base_url=_base(server, mode), fetch=FETCH)
    message = str(info.value)
    assert "\n" not in message and said in message
    assert message.startswith(f"{_base(server, mode)}/country/SGP/indicator/")
    result = CliRunner().invoke(refresh_command, [str(path), "--apply", "--base-url", _base(server, mode)])
    assert isinstance(result.exception, RefreshError)
    assert result.stdout == ""
    assert path.read_bytes() == before
    assert not list(path.parent.glob(".*.tmp"))


def test_no_network_says_what_to_do() -> None:
    with socket.socket() as sock:  # a port nothing listens on: the connection is refused at once
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(RefreshError, match="no network\\? run where the World Bank API is reachable"):
        plan_refresh(DATA_DIR / "profiles" / "SGP.yaml", base_url=f"http://127.0.0.1:{port}/v2", fetch=FETCH)
    assert time.monotonic() - started < 5


def test_scale_and_a_figure_the_profile_did_not_state(server: _Server, data: Path) -> None:
    path = data / "profiles" / "SGP.yaml"
    text = path.read_text("utf-8")
    # restate the exposure as "times GDP" with no figure yet: scale 0.01, value missing
    text = text.replace("    value: 322.4\n    unit: percent of GDP\n", "    unit: times GDP\n").replace(
        "      indicator: NE.TRD.GNFS.ZS\n", "      indicator: NE.TRD.GNFS.ZS\n      scale: 0.01\n"
    )
    path.write_text(text, "utf-8")
    changes = plan_refresh(path, base_url=_base(server), fetch=FETCH)
    assert [(c.old_value, c.new_value, c.new_year) for c in changes] == [(None, 3.224, "2024")]
    apply_changes(path, changes, today=TODAY)
    new = path.read_text("utf-8")
    assert "# REVIEW: text still says no figure; new value 3.224 (2024)" in new
    assert '    unit: times GDP\n    value: 3.224\n    year: "2024"\n' in new
    assert check(data)[1] == []
