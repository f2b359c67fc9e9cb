"""``geobrief kb refresh`` against a real HTTP server on loopback serving UN Comtrade API answers.

The answers in tests/data/comtrade/ are constructed to the documented API v1
format (see its README), not recorded.
"""

from __future__ import annotations

import functools
import json
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from geobrief.errors import RefreshError
from geobrief.kb import refresh as refresh_module
from geobrief.kb import schema as s
from geobrief.kb.comtrade import comtrade_code
from geobrief.kb.loader import DATA_DIR, check
from geobrief.kb.refresh import (
    Change,
    PartnersChange,
    apply_changes,
    default_fetch,
    plan_refresh,
    refresh_command,
    render_diff,
)
from tests.conftest import ROOT

ANSWERS = ROOT / "tests" / "data" / "comtrade"
TODAY = date(2026, 3, 1)  # Comtrade is tried for 2025 (no data served), then 2024
FETCH = functools.partial(default_fetch, timeout=2.0)  # bounded: the server is local
TOP = "sgp.trade.top_partners_2024"
QUERY_KEYS = {"reporterCode", "period", "partnerCode", "partner2Code", "cmdCode", "flowCode", "customsCode", "motCode"}


class _Handler(BaseHTTPRequestHandler):
    """Serves /{mode}/public/v1/preview/C/A/HS?... from ANSWERS."""

    server: _Server

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        self.server.seen.append((self.path, self.headers.get("Ocp-Apim-Subscription-Key")))
        if parts[1:] != ["public", "v1", "preview", "C", "A", "HS"]:
            return self._send(404, b'{"statusCode": 404, "message": "Resource not found"}')
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        fixed = {"partner2Code": "0", "cmdCode": "TOTAL", "flowCode": "M,X", "customsCode": "C00", "motCode": "0"}
        if set(query) != QUERY_KEYS or any(query[k] != v for k, v in fixed.items()):
            return self._send(400, b'{"statusCode": 400, "message": "unexpected query"}')
        mode = parts[0]
        if mode == "http500":
            return self._send(500, b"<html><body>Internal Server Error</body></html>", "text/html")
        if mode == "ratelimit":
            return self._send(429, (ANSWERS / "rate-limit.json").read_bytes(), retry_after="2")
        if mode == "malformed":
            return self._send(200, (ANSWERS / "malformed.json").read_bytes())
        path = ANSWERS / f"{query['reporterCode']}-{query['period']}.json"
        if mode == "nodata" or not path.exists():
            return self._send(200, (ANSWERS / "no-data.json").read_bytes())
        doc = json.loads(path.read_bytes())
        asked = {int(c) for c in query["partnerCode"].split(",")}
        doc["data"] = [row for row in doc["data"] if row["partnerCode"] in asked]  # as the API filters
        doc["count"] = len(doc["data"])
        self._send(200, json.dumps(doc).encode())

    def _send(self, status: int, body: bytes, kind: str = "application/json", retry_after: str = "") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if retry_after:
            self.send_header("Retry-After", retry_after)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


class _Server(ThreadingHTTPServer):
    seen: list[tuple[str, str | None]]


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
    return f"http://127.0.0.1:{srv.server_address[1]}/{mode}/public/v1/preview"


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEOBRIEF_COMTRADE_KEY", raising=False)
    monkeypatch.delenv("GEOBRIEF_COMTRADE_URL", raising=False)


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    """A copy of the knowledge base whose SGP profile has no World Bank spec (so no other server is needed)."""
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR, root)
    path = root / "profiles" / "SGP.yaml"
    text = path.read_text("utf-8")
    wb = "    refresh:\n      provider: worldbank\n      indicator: NE.TRD.GNFS.ZS\n"
    assert text.count(wb) == 1
    path.write_text(text.replace(wb, ""), "utf-8")
    return path


def _bilateral(path: Path, spec: str) -> None:
    """Give the S$ trade-with-China exposure a Comtrade spec, in US$ billion."""
    text = path.read_text("utf-8")
    anchor = '    sources: [sgp-bt-us-china-choice-2025]\n    as_of: "2026-11-27"\n  - id: sgp.trade.taiwan_top_partner_2025\n'
    assert text.count(anchor) == 1
    head, tail = anchor.split("  - id: sgp.trade.taiwan")
    path.write_text(text.replace(anchor, f"{head}    refresh: {spec}\n  - id: sgp.trade.taiwan{tail}"), "utf-8")


def _partners_refresh(path: Path) -> None:
    text = path.read_text("utf-8")
    anchor = "partners_basis: [sgp.trade.partner_shares_2023]\n"
    assert text.count(anchor) == 1
    path.write_text(text.replace(anchor, anchor + "partners_refresh: true\n"), "utf-8")


def _plan(path: Path, srv: _Server, mode: str = "ok") -> list[Change | PartnersChange]:
    return plan_refresh(path, comtrade_url=_base(srv, mode), fetch=FETCH, today=TODAY)


@pytest.mark.parametrize(("flow", "value"), [("MX", 117.5), ("M", 55.2), ("X", 62.3)])
def test_bilateral_value_gives_a_diff_with_new_value_and_year(
    server: _Server, profile: Path, flow: str, value: float
) -> None:
    _bilateral(profile, f"{{provider: comtrade, partner: CHN, flow: {flow}, scale: 1.0e-9}}")
    before = profile.read_bytes()
    changes = _plan(profile, server)
    assert len(changes) == 1
    change = changes[0]
    assert isinstance(change, Change)
    assert (change.exposure, change.indicator) == (TOP, f"comtrade TOTAL {flow} SGP-CHN")
    assert (change.old_value, change.old_year, change.new_value, change.new_year) == (170.2, "2024", value, "2024")
    assert "reporterCode=702&period=2024&partnerCode=0,156&" in change.url  # the world total comes along
    diff = render_diff(profile, changes, today=TODAY)
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["-    value: 170.2", '-    as_of: "2026-11-27"']
    assert added == [
        f"+  # REVIEW: text still says 170.2; new value {value} (2024)",
        f"+    value: {value}",
        '+    as_of: "2026-03-01"',
    ]
    assert profile.read_bytes() == before  # planning and diffing write nothing


def test_years_are_tried_newest_first_and_partners_are_asked_once(server: _Server, profile: Path) -> None:
    _bilateral(profile, "{provider: comtrade, partner: USA, flow: MX, scale: 1.0e-9}")
    _partners_refresh(profile)
    server.seen.clear()
    changes = _plan(profile, server)
    assert [type(c) for c in changes] == [Change, PartnersChange]
    periods = [urllib.parse.parse_qs(urllib.parse.urlsplit(p).query)["period"][0] for p, _key in server.seen]
    assert periods == ["2025", "2024"]  # 2025 has no data yet
    partners = urllib.parse.parse_qs(urllib.parse.urlsplit(server.seen[-1][0]).query)["partnerCode"][0]
    assert partners == "0,156,360,458,490,842"  # world, CHN, IDN, MYS, TWN as 490, USA as 842


def test_partner_shares_are_recomputed_from_the_served_totals(server: _Server, profile: Path) -> None:
    _partners_refresh(profile)
    (change,) = _plan(profile, server)
    assert isinstance(change, PartnersChange)
    assert change.year == "2024"
    assert change.old == {"CHN": 0.13, "USA": 0.11, "MYS": 0.10, "TWN": 0.08, "IDN": 0.06}
    # imports + exports over the world's 895.46 bn; the sea-only breakdown row is not counted
    assert change.new == {"CHN": 0.131, "USA": 0.105, "MYS": 0.101, "TWN": 0.092, "IDN": 0.06}
    diff = render_diff(profile, [change], today=TODAY)
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["-  CHN: 0.13", "-  USA: 0.11", "-  MYS: 0.10", "-  TWN: 0.08"]  # IDN stays 0.06
    assert added == [
        "+# REVIEW: shares recomputed from UN Comtrade total merchandise trade in 2024; "
        "update the comment above and partners_basis",
        "+  CHN: 0.131",
        "+  USA: 0.105",
        "+  MYS: 0.101",
        "+  TWN: 0.092",
    ]
    apply_changes(profile, [change], today=TODAY)
    text = profile.read_text("utf-8")
    assert "# Top partners by share of merchandise trade (Jan-Aug 2023, GTA data via KOTRA).\n# REVIEW:" in text
    kb, problems = check(profile.parents[1])
    assert problems == []
    assert kb.profile("SGP").partners == change.new
    assert _plan(profile, server) == []  # current now


def test_command_prints_the_diff_and_writes_only_with_apply(
    server: _Server, profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class _Today(date):
        @classmethod
        def today(cls) -> _Today:
            return cls(TODAY.year, TODAY.month, TODAY.day)

    monkeypatch.setattr(refresh_module, "date", _Today)
    _bilateral(profile, "{provider: comtrade, partner: CHN, scale: 1.0e-9}")
    _partners_refresh(profile)
    before = profile.read_bytes()
    runner = CliRunner()
    args = [str(profile), "--comtrade-url", _base(server)]
    dry = runner.invoke(refresh_command, args)
    assert dry.exit_code == 0, dry.output
    assert "+    value: 117.5" in dry.stdout and "+  CHN: 0.131" in dry.stdout
    assert "2 of 2 refreshable figure(s) changed (dry run" in dry.stderr
    assert profile.read_bytes() == before
    wet = runner.invoke(refresh_command, [*args, "--apply"])
    assert wet.exit_code == 0, wet.output
    assert f"wrote {profile}" in wet.stderr
    assert 'value: 117.5\n    unit: SGD billion (trade with China)\n    year: "2024"' in profile.read_text("utf-8")
    assert check(profile.parents[1])[1] == []
    again = runner.invoke(refresh_command, args)
    assert again.stdout == "" and "all current" in again.stderr


def test_key_and_base_url_come_from_the_environment(
    server: _Server, profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _bilateral(profile, "{provider: comtrade, partner: CHN, scale: 1.0e-9}")
    monkeypatch.setenv("GEOBRIEF_COMTRADE_URL", _base(server, "envcheck") + "/")
    monkeypatch.setenv("GEOBRIEF_COMTRADE_KEY", "test-key-123")
    server.seen.clear()
    (change,) = plan_refresh(profile, fetch=FETCH, today=TODAY)
    assert [key for _path, key in server.seen] == ["test-key-123", "test-key-123"]  # a header, never in the URL
    assert all(path.startswith("/envcheck/public/v1/preview/C/A/HS?") for path, _key in server.seen)
    assert "test-key-123" not in change.url


@pytest.mark.parametrize(
    ("mode", "said", "fix"),
    [
        ("http500", "HTTP 500", "the API failed; try again later"),
        ("malformed", "the answer is not JSON", "is the base URL a UN Comtrade API v1"),
        (
            "ratelimit",
            "HTTP 429 Too Many Requests: Rate limit is exceeded. Try again in 2 seconds.",
            "GEOBRIEF_COMTRADE_KEY",
        ),
        ("nodata", "no data for reporter SGP in 2021-2025", "no recent annual data"),
    ],
)
def test_failures_are_one_line_errors_and_nothing_is_written(
    server: _Server, profile: Path, mode: str, said: str, fix: str
) -> None:
    _bilateral(profile, "{provider: comtrade, partner: CHN, scale: 1.0e-9}")
    _partners_refresh(profile)
    before = profile.read_bytes()
    with pytest.raises(RefreshError) as info:
        _plan(profile, server, mode)
    message = str(info.value)
    assert "\n" not in message and said in message and fix in message
    assert message.startswith(f"{_base(server, mode)}/C/A/HS?reporterCode=702&period=")
    result = CliRunner().invoke(refresh_command, [str(profile), "--apply", "--comtrade-url", _base(server, mode)])
    assert isinstance(result.exception, RefreshError)
    assert result.stdout == ""
    assert profile.read_bytes() == before
    assert not list(profile.parent.glob(".*.tmp"))


def test_a_partner_without_data_is_an_error_not_a_zero(server: _Server, profile: Path) -> None:
    _bilateral(profile, "{provider: comtrade, partner: JPN, scale: 1.0e-9}")
    with pytest.raises(RefreshError, match=r"no import value of SGP with JPN \(code 392\) in 2024"):
        _plan(profile, server)


def test_comtrade_codes() -> None:
    assert [comtrade_code(c) for c in ("SGP", "CHN", "USA", "TWN", "IND", "WLD")] == [702, 156, 842, 490, 699, 0]
    with pytest.raises(RefreshError, match="not an ISO 3166 alpha-3"):
        comtrade_code("XYZ")


@pytest.mark.parametrize(
    "spec",
    [
        {"provider": "comtrade", "flow": "MX"},  # no partner
        {"provider": "comtrade", "partner": "CHN", "indicator": "NE.TRD.GNFS.ZS"},
        {"provider": "worldbank", "indicator": "NE.TRD.GNFS.ZS", "partner": "CHN"},
        {"provider": "worldbank"},  # no indicator
        {"provider": "comtrade", "partner": "CHN", "flow": "RX"},
    ],
)
def test_specs_take_the_fields_of_their_provider(spec: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        s.Refresh.model_validate(spec)


def test_check_wants_a_known_partner(profile: Path) -> None:
    _bilateral(profile, "{provider: comtrade, partner: XXX}")
    problems = check(profile.parents[1])[1]
    assert problems == [f"exposures {TOP!r}: unknown refresh partner 'XXX'"]
