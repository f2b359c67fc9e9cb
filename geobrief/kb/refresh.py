"""Refresh sourced profile figures from open data: ``geobrief kb refresh``.

An exposure whose figure is a published open-data series carries a ``refresh``
spec (provider and indicator). ``plan_refresh`` fetches the most recent
non-empty value of each such series, ``render_diff`` shows what would change in
the profile file as a unified diff, and ``apply_changes`` writes it, atomically,
only when asked. The YAML is edited as text, line by line inside each changed
exposure's block, so comments and layout stay as they were; the exposure's
``text`` sentence is never rewritten: a ``# REVIEW:`` comment above the entry
asks a person to update the prose.

The World Bank Indicators API v2 is called directly, one GET per figure:
``{base}/country/{ISO3}/indicator/{code}?format=json&mrnev=1`` answers
``[page metadata, [observation]]`` with the most recent non-empty value. The
``wbgapi`` package is not used: its base URL is the module global
``wbgapi.endpoint`` (process-wide state, not a per-call argument), it queries
the advanced ``sources/{db}/series/...`` endpoints plus extra look-ups of
aggregates and dimension names rather than this one documented call, and it
calls ``requests`` without a timeout.

The base URL is, in order: the ``base_url`` argument (``--base-url``), the
``GEOBRIEF_WORLDBANK_URL`` environment variable, ``DEFAULT_WORLDBANK_URL``.

UN Comtrade (``geobrief.kb.comtrade``) is the second provider: an exposure with
``refresh: {provider: comtrade, partner: CHN, flow: MX}`` gets the target's
merchandise trade with the partner in US$ (times ``scale``), and a profile with
``partners_refresh: true`` gets its ``partners`` shares recomputed from the
same answer, as a ``PartnersChange`` to the mapping's values.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import click
import yaml
from pydantic import ValidationError

from geobrief import __version__
from geobrief.errors import InputError, KnowledgeBaseError, RefreshError
from geobrief.kb import comtrade
from geobrief.kb import schema as s
from geobrief.kb.loader import DATA_DIR

__all__ = [
    "DEFAULT_WORLDBANK_URL",
    "Change",
    "Fetch",
    "Observation",
    "PartnersChange",
    "apply_changes",
    "default_fetch",
    "plan_refresh",
    "refresh_command",
    "render_diff",
    "worldbank_url",
]

DEFAULT_WORLDBANK_URL = "https://api.worldbank.org/v2"
ENV_WORLDBANK_URL = "GEOBRIEF_WORLDBANK_URL"
TIMEOUT = 10.0  # seconds per request
SIGNIFICANT = 4  # digits kept of a fetched value: 322.37143 -> 322.4
SHARE_DECIMALS = 3  # of a recomputed partner share: 0.13742 -> 0.137


class Fetch(Protocol):
    """Get the body of a URL, or raise RefreshError naming it."""

    def __call__(self, url: str, *, headers: Mapping[str, str] | None = None) -> bytes: ...


_FORMAT_FIX = (
    f"is the base URL a World Bank API v2 (default {DEFAULT_WORLDBANK_URL})? check --base-url and {ENV_WORLDBANK_URL}"
)
_SERVER_FIX = f"the API failed; try again later, or set {ENV_WORLDBANK_URL} to a working mirror"


@dataclass(frozen=True, kw_only=True)
class Observation:
    """The most recent non-empty value of a series, as the API gives it."""

    value: float
    year: str


@dataclass(frozen=True, kw_only=True)
class Change:
    """A profile figure whose open-data series has a different value or year."""

    exposure: str
    indicator: str
    url: str
    old_value: float | None
    old_year: str
    new_value: float
    new_year: str


@dataclass(frozen=True, kw_only=True)
class PartnersChange:
    """New shares (0-1) of the profile's ``partners`` from the target's total trade in a year."""

    url: str
    year: str
    old: dict[str, float]
    new: dict[str, float]


Refreshed = Change | PartnersChange

# ------------------------------------------------------------------ fetching


def default_fetch(url: str, *, headers: Mapping[str, str] | None = None, timeout: float = TIMEOUT) -> bytes:
    """GET ``url`` with httpx if installed, else urllib; failures become RefreshError."""
    sent = {**_HEADERS, **(headers or {})}
    try:
        import httpx
    except ImportError:
        return _fetch_urllib(url, sent, timeout)
    try:
        resp = httpx.get(url, timeout=timeout, follow_redirects=True, headers=sent)
    except httpx.HTTPError as exc:
        raise RefreshError(url, f"cannot connect ({exc.__class__.__name__}: {exc})") from exc
    if resp.status_code != 200:
        raise _http_error(url, resp.status_code, resp.reason_phrase, resp.content)
    return resp.content


_HEADERS = {"User-Agent": f"geobrief/{__version__}", "Accept": "application/json"}


def _fetch_urllib(url: str, headers: Mapping[str, str], timeout: float) -> bytes:
    req = urllib.request.Request(url, headers=dict(headers))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body: bytes = resp.read()
            return body
    except urllib.error.HTTPError as exc:
        raise _http_error(url, exc.code, str(exc.reason), _read_error_body(exc)) from exc
    except (urllib.error.URLError, OSError) as exc:  # refused, DNS, timeout
        reason = getattr(exc, "reason", exc)
        raise RefreshError(url, f"cannot connect ({reason})") from exc


def _read_error_body(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read()
    except OSError:
        return b""


def _http_error(url: str, status: int, reason: str, body: bytes = b"") -> RefreshError:
    fix = _SERVER_FIX if status >= 500 else _FORMAT_FIX
    return RefreshError(url, f"HTTP {status} {reason}".strip() + _api_message(body), fix)


def _api_message(body: bytes) -> str:
    """The ``message`` of a JSON error body ({"statusCode": 429, "message": "Rate limit is exceeded. ..."})."""
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return ""
    message = doc.get("message") if isinstance(doc, dict) else None
    return f": {message[:200]}" if isinstance(message, str) and message.strip() else ""


def worldbank_url(country: str, indicator: str, base_url: str | None = None) -> str:
    """The documented API call for the most recent non-empty value of one indicator."""
    base = (base_url or os.environ.get(ENV_WORLDBANK_URL) or DEFAULT_WORLDBANK_URL).rstrip("/")
    path = f"country/{urllib.parse.quote(country)}/indicator/{urllib.parse.quote(indicator)}"
    return f"{base}/{path}?format=json&mrnev=1"


def parse_worldbank(url: str, body: bytes, indicator: str) -> Observation:
    """The first non-empty annual observation in a World Bank API v2 JSON answer."""
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise RefreshError(url, f"the answer is not JSON ({exc})", _FORMAT_FIX) from exc
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and "message" in doc[0]:
        # the API answers a bad indicator or country with HTTP 200 and a message array
        said = "; ".join(f"{m.get('key', '?')}: {m.get('value', '')}" for m in _dicts(doc[0]["message"]))
        fix = f"check the refresh indicator {indicator!r} at https://data.worldbank.org/indicator"
        raise RefreshError(url, f"the API refused the request ({said or 'no detail'})", fix)
    if not (isinstance(doc, list) and len(doc) == 2 and isinstance(doc[0], dict)):
        raise RefreshError(url, "the answer is not [page metadata, observations]", _FORMAT_FIX)
    rows = doc[1] or []  # null when the series has no data at all
    if not isinstance(rows, list):
        raise RefreshError(url, "the observations are not a list", _FORMAT_FIX)
    for row in rows:
        if not isinstance(row, dict) or "value" not in row or "date" not in row:
            raise RefreshError(url, "an observation lacks value or date", _FORMAT_FIX)
        value, year = row["value"], row["date"]
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RefreshError(url, f"value {value!r} is not a number", _FORMAT_FIX)
        if not (isinstance(year, str) and re.fullmatch(r"\d{4}", year)):
            raise RefreshError(url, f"date {year!r} is not a year", "refresh supports annual indicators only")
        return Observation(value=float(value), year=year)
    raise RefreshError(url, f"no non-empty value of {indicator}", "choose an indicator the World Bank reports for it")


def _dicts(items: Any) -> list[dict[str, Any]]:
    return [m for m in items if isinstance(m, dict)] if isinstance(items, list) else []


# ------------------------------------------------------------------ planning


def plan_refresh(
    profile_path: Path,
    *,
    base_url: str | None = None,
    comtrade_url: str | None = None,
    fetch: Fetch | None = None,
    today: date | None = None,
) -> list[Refreshed]:
    """Fetch every ``refresh`` series of the profile; the figures that differ, in file order.

    ``today`` fixes the newest year tried on Comtrade (the year before it).
    """
    get: Fetch = fetch or default_fetch
    profile = _read_profile(profile_path)
    trade = _comtrade_totals(profile, get, comtrade_url, today)
    changes: list[Refreshed] = []
    for exp in profile.exposures:
        spec = exp.refresh
        if spec is None:
            continue
        if spec.provider == "comtrade" and trade is not None:
            partner = spec.partner or "WLD"
            indicator, url = f"comtrade TOTAL {spec.flow} {profile.country}-{partner}", trade.url
            obs = Observation(value=trade.total(partner, spec.flow), year=trade.year)
        else:
            indicator = spec.indicator or ""
            url = worldbank_url(profile.country, indicator, base_url)
            obs = parse_worldbank(url, get(url), indicator)
        new_value = _round(obs.value * spec.scale)
        same = exp.value is not None and math.isclose(exp.value, new_value, rel_tol=1e-9)
        if same and exp.year == obs.year:
            continue
        changes.append(
            Change(
                exposure=exp.id,
                indicator=indicator,
                url=url,
                old_value=exp.value,
                old_year=exp.year,
                new_value=new_value,
                new_year=obs.year,
            )
        )
    if profile.partners_refresh and trade is not None:
        world = trade.total("WLD", "MX")
        if world <= 0:
            raise RefreshError(
                trade.url,
                f"total trade of {profile.country} in {trade.year} is {world}",
                "no shares can be computed; set partners_refresh: false",
            )
        new = {p: round(trade.total(p, "MX") / world, SHARE_DECIMALS) for p in profile.partners}
        if any(not math.isclose(new[p], old, abs_tol=1e-12) for p, old in profile.partners.items()):
            changes.append(PartnersChange(url=trade.url, year=trade.year, old=dict(profile.partners), new=new))
    return changes


def _comtrade_totals(
    profile: s.Profile, get: Fetch, base: str | None, today: date | None
) -> comtrade.TradeTotals | None:
    """One Comtrade answer for every comtrade figure of the profile, or None if it has none."""
    partners = [e.refresh.partner or "WLD" for e in profile.exposures if e.refresh and e.refresh.provider == "comtrade"]
    if profile.partners_refresh:
        partners += list(profile.partners)
    if not partners:
        return None
    return comtrade.fetch_totals(get, profile.country, partners, base=base, today=today)


def refreshable(profile_path: Path) -> int:
    """How many figures of the profile can be refreshed: exposures with a spec, and the partners mapping."""
    profile = _read_profile(profile_path)
    return sum(1 for e in profile.exposures if e.refresh) + int(profile.partners_refresh)


def _read_profile(path: Path) -> s.Profile:
    try:
        doc = yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise InputError(
            str(path), f"cannot be read ({exc.strerror})", "give a profile YAML file or a country code"
        ) from exc
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError([f"{path}: not valid YAML ({str(exc).splitlines()[0]})"]) from exc
    try:
        return s.Profile.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise KnowledgeBaseError([f"{path}: {loc}: {err['msg']}"]) from exc


def _round(value: float) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, max(0, SIGNIFICANT - 1 - math.floor(math.log10(abs(value)))))


# ------------------------------------------------------- diffing and writing


def render_diff(profile_path: Path, changes: Sequence[Refreshed], *, today: date | None = None) -> str:
    """A unified diff of the profile file with the changes applied; empty if none."""
    old = profile_path.read_text("utf-8")
    new = updated_text(old, changes, today=today)
    name = profile_path.name
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}")
    return "".join(lines)


def apply_changes(profile_path: Path, changes: Sequence[Refreshed], *, today: date | None = None) -> None:
    """Write the changed profile all at once, after checking it still validates."""
    new = updated_text(profile_path.read_text("utf-8"), changes, today=today)
    try:
        s.Profile.model_validate(yaml.safe_load(new))
    except (yaml.YAMLError, ValidationError) as exc:  # a bug here must not corrupt the profile
        raise KnowledgeBaseError([f"{profile_path}: refreshed text would not validate ({exc})"]) from exc
    fd, tmp = tempfile.mkstemp(dir=profile_path.parent, prefix=f".{profile_path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(new)
        os.replace(tmp, profile_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def updated_text(text: str, changes: Sequence[Refreshed], *, today: date | None = None) -> str:
    """The profile text with each change's value, year and as_of lines replaced in its block."""
    as_of = (today or date.today()).isoformat()
    lines = text.splitlines(keepends=True)
    for change in changes:
        if isinstance(change, PartnersChange):
            lines = _update_partners(lines, change)
        else:
            lines = _update_block(lines, change, as_of)
    return "".join(lines)


_FIELD = re.compile(r"^(?P<indent>\s*)(?P<key>value|year|as_of):(?P<rest>.*?)(?P<eol>\r?\n)?$")


def _update_block(lines: list[str], change: Change, as_of: str) -> list[str]:
    start_re = re.compile(rf"^(\s*)- id:\s*(['\"]?){re.escape(change.exposure)}\2\s*(#.*)?$")
    found = [(i, m) for i, line in enumerate(lines) if (m := start_re.match(line.rstrip("\r\n")))]
    if not found:
        raise KnowledgeBaseError([f"exposure {change.exposure!r}: no '- id:' line found to update"])
    start, match = found[0]
    item_indent = len(match.group(1))
    field_indent = item_indent + 2
    end = start + 1
    while end < len(lines):
        stripped = lines[end].strip()
        if stripped and len(lines[end]) - len(lines[end].lstrip()) < field_indent:
            break
        end += 1
    eol = "\r\n" if lines[start].endswith("\r\n") else "\n"
    pad = " " * field_indent
    wanted = {"value": _number(change.new_value), "year": change.new_year, "as_of": as_of}
    block = lines[start:end]
    seen = set()
    for i, line in enumerate(block):
        m = _FIELD.match(line)
        if not m or len(m.group("indent")) != field_indent:
            continue
        key = m.group("key")
        seen.add(key)
        rest = m.group("rest").strip()
        quote = "" if key == "value" else rest[0] if rest[:1] in ("'", '"') else '"'  # a bare 2024 is no str
        block[i] = f"{pad}{key}: {quote}{wanted[key]}{quote}{eol}"
    if "value" not in seen:  # a figure the profile did not state yet: put it before year
        at = next((i for i, line in enumerate(block) if line.startswith(f"{pad}year:")), len(block))
        block.insert(at, f"{pad}value: {wanted['value']}{eol}")
    old = "no figure" if change.old_value is None else _number(change.old_value)
    review = (
        f"{' ' * item_indent}# REVIEW: text still says {old}; "
        f"new value {_number(change.new_value)} ({change.new_year}){eol}"
    )
    before = lines[:start]
    if before and before[-1].lstrip().startswith("# REVIEW:"):  # a second refresh replaces the first note
        before = before[:-1]
    return [*before, review, *block, *lines[end:]]


_SHARE = re.compile(
    r"^(?P<head>\s+(?P<key>['\"]?[A-Za-z0-9_.-]+['\"]?):\s*)(?P<value>[-+0-9.eE]+)(?P<tail>\s*(#.*)?\r?\n?)$"
)


def _update_partners(lines: list[str], change: PartnersChange) -> list[str]:
    """Replace the values of the top-level ``partners:`` block mapping, keeping keys, comments and order."""
    start = next((i for i, line in enumerate(lines) if re.match(r"^partners:\s*(#.*)?\r?\n?$", line)), None)
    if start is None:
        raise KnowledgeBaseError(["partners: no top-level block mapping found to update"])
    seen = set()
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in (" ", "\t")):
        m = _SHARE.match(lines[end])
        key = m.group("key").strip("'\"") if m else None
        if m and key in change.new:
            seen.add(key)
            lines[end] = f"{m.group('head')}{_number(change.new[key])}{m.group('tail')}"
        end += 1
    missing = sorted(set(change.new) - seen)
    if missing:
        raise KnowledgeBaseError([f"partners: no line found to update for {', '.join(missing)}"])
    eol = "\r\n" if lines[start].endswith("\r\n") else "\n"
    review = (
        f"# REVIEW: shares recomputed from UN Comtrade total merchandise trade in {change.year}; "
        f"update the comment above and partners_basis{eol}"
    )
    before = lines[:start]
    if before and before[-1].lstrip().startswith("# REVIEW:"):
        before = before[:-1]
    return [*before, review, *lines[start:]]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# ----------------------------------------------------------------- command


def _profile_paths(countries: tuple[str, ...]) -> list[Path]:
    root = DATA_DIR / "profiles"
    if not countries:
        return sorted(root.glob("*.yaml"))
    paths = []
    for arg in countries:
        given = Path(arg)
        if given.suffix in (".yaml", ".yml"):
            paths.append(given)
            continue
        path = root / f"{arg.upper()}.yaml"
        if not path.exists():
            known = ", ".join(p.stem for p in sorted(root.glob("*.yaml")))
            raise InputError(arg, "has no profile", f"profiles exist for {known} — see `geobrief kb countries`")
        paths.append(path)
    return paths


@click.command("refresh")
@click.argument("countries", nargs=-1, metavar="[COUNTRY ...]")
@click.option("--apply", "apply_", is_flag=True, help="Write the refreshed profiles (default: only print the diff).")
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help=f"World Bank API v2 base URL (default: ${ENV_WORLDBANK_URL}, else {DEFAULT_WORLDBANK_URL}).",
)
@click.option(
    "--comtrade-url",
    default=None,
    metavar="URL",
    help=f"UN Comtrade API v1 base URL (default: ${comtrade.ENV_COMTRADE_URL}, else {comtrade.DEFAULT_COMTRADE_URL}).",
)
def refresh_command(countries: tuple[str, ...], apply_: bool, base_url: str | None, comtrade_url: str | None) -> None:
    """Refresh profile figures from open data and show the changes as a diff.

    COUNTRY is a profile code (e.g. SGP) or the path of a profile YAML file;
    none means every profile. Each exposure with a `refresh:` spec gets the
    most recent value and year from the World Bank API or UN Comtrade (trade
    with a partner, US$); a profile with `partners_refresh: true` gets its
    partner shares recomputed from Comtrade. Prose is never rewritten: a
    `# REVIEW:` comment marks each sentence to update by hand. Nothing is
    written without --apply, and nothing at all if any fetch fails.
    GEOBRIEF_COMTRADE_KEY, if set, is sent as the Comtrade subscription key.

    \b
    Examples:
      geobrief kb refresh SGP
      geobrief kb refresh SGP --apply
      GEOBRIEF_WORLDBANK_URL=http://127.0.0.1:8000/v2 geobrief kb refresh
    """
    today = date.today()
    planned = [
        (path, plan_refresh(path, base_url=base_url, comtrade_url=comtrade_url, today=today))
        for path in _profile_paths(countries)
    ]
    for path, changes in planned:  # every fetch has succeeded before anything is printed or written
        click.echo(render_diff(path, changes, today=today), nl=False)
    for path, changes in planned:
        total = refreshable(path)
        if not changes:
            state = "all current" if total else "no exposure has a refresh spec"
            click.echo(f"{path.stem}: {total} refreshable figure(s), {state}", err=True)
            continue
        if apply_:
            apply_changes(path, changes, today=today)
        done = f"wrote {path}" if apply_ else "dry run; --apply writes it"
        click.echo(f"{path.stem}: {len(changes)} of {total} refreshable figure(s) changed ({done})", err=True)
