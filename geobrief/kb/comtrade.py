"""UN Comtrade, the second open-data provider of ``geobrief kb refresh``.

One GET per year tried answers every figure of a profile at once: the
target's annual merchandise trade (``cmdCode=TOTAL``) with each partner that a
``refresh: {provider: comtrade, ...}`` spec or the ``partners`` mapping names,
and with the world (partner code 0), by flow (M imports, X exports)::

    {base}/C/A/HS?reporterCode=702&period=2024&partnerCode=0,156,842&partner2Code=0
        &cmdCode=TOTAL&flowCode=M,X&customsCode=C00&motCode=0

answers ``{"elapsedTime", "count", "data": [row, ...], "error"}``; a row has
``period``, ``partnerCode``, ``flowCode`` and ``primaryValue`` (US$). The public
preview endpoint takes one period per call, so the years are tried newest
first, from last year back ``YEARS_BACK`` years, and the first year with data
is the latest available. ``partner2Code=0``, ``customsCode=C00`` and
``motCode=0`` ask for the totals over second partners, customs procedures and
modes of transport; rows of any breakdown are ignored.

Comtrade codes countries by UN M49 number. ``pycountry`` gives the ISO 3166
numeric code, which is the M49 one except where ``COMTRADE_CODES`` says
otherwise (Comtrade's reference list ``Reporters.json``).

The base URL is, in order: the ``base_url`` argument (``--comtrade-url``), the
``GEOBRIEF_COMTRADE_URL`` environment variable, then the public preview
``DEFAULT_COMTRADE_URL``, or ``DEFAULT_COMTRADE_KEYED_URL`` when a subscription
key is set in ``GEOBRIEF_COMTRADE_KEY``; the key is sent in the
``Ocp-Apim-Subscription-Key`` header, never in the URL, so it stays out of
error messages.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pycountry

from geobrief.errors import RefreshError

__all__ = [
    "COMTRADE_CODES",
    "DEFAULT_COMTRADE_KEYED_URL",
    "DEFAULT_COMTRADE_URL",
    "TradeTotals",
    "comtrade_code",
    "comtrade_url",
    "fetch_totals",
    "parse_comtrade",
]

DEFAULT_COMTRADE_URL = "https://comtradeapi.un.org/public/v1/preview"
DEFAULT_COMTRADE_KEYED_URL = "https://comtradeapi.un.org/data/v1/get"
ENV_COMTRADE_URL = "GEOBRIEF_COMTRADE_URL"
ENV_COMTRADE_KEY = "GEOBRIEF_COMTRADE_KEY"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
YEARS_BACK = 5  # annual data for year Y are complete from late Y+1 on; older than this is too stale

# Comtrade's codes where they are not the ISO 3166 numeric code of the ISO3 id
COMTRADE_CODES = {
    "WLD": 0,  # World, the total over all partners
    "TWN": 490,  # "Other Asia, nes": the partner code under which Comtrade reports Taiwan
    "USA": 842,  # USA, Puerto Rico and US Virgin Islands (ISO 840)
    "CHE": 757,  # Switzerland and Liechtenstein (ISO 756)
    "IND": 699,  # India since 1975 (ISO 356)
    "FRA": 251,  # France and Monaco (ISO 250)
    "NOR": 579,  # Norway, Svalbard and Jan Mayen (ISO 578)
}

_FORMAT_FIX = f"is the base URL a UN Comtrade API v1 (default {DEFAULT_COMTRADE_URL})? check --comtrade-url and {ENV_COMTRADE_URL}"
_FIXES = {
    "connect": f"no network? run where the UN Comtrade API is reachable, or set {ENV_COMTRADE_URL}",
    "429": f"wait and run again, or set {ENV_COMTRADE_KEY} to a Comtrade subscription key for a higher limit",
    "401": f"check the subscription key in {ENV_COMTRADE_KEY} at https://comtradedeveloper.un.org",
    "5xx": f"the API failed; try again later, or set {ENV_COMTRADE_URL} to a working mirror",
}


@dataclass(frozen=True, kw_only=True)
class TradeTotals:
    """A reporter's merchandise trade in one year, in US$, by Comtrade partner code and flow."""

    reporter: str
    year: str
    url: str
    values: dict[tuple[int, str], float]

    def total(self, iso3: str, flow: str) -> float:
        """Trade with a partner (ISO3 or WLD) in flow M, X or MX (their sum)."""
        code = comtrade_code(iso3)
        out = 0.0
        for one in flow:  # "MX" is imports plus exports
            if (code, one) not in self.values:
                raise RefreshError(
                    self.url,
                    f"no {'import' if one == 'M' else 'export'} value of {self.reporter} with {iso3} "
                    f"(code {code}) in {self.year}",
                    "check the partner, or that Comtrade reports it under that code",
                )
            out += self.values[(code, one)]
        return out


def comtrade_code(iso3: str) -> int:
    """The Comtrade (M49) code of an ISO3 country id, or 0 for WLD."""
    if iso3 in COMTRADE_CODES:
        return COMTRADE_CODES[iso3]
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        raise RefreshError(
            f"comtrade:{iso3}",
            f"{iso3!r} is not an ISO 3166 alpha-3 country code",
            "use an ISO3 id, or WLD for the world",
        )
    return int(country.numeric)


def base_url(given: str | None = None) -> str:
    """The Comtrade base URL: argument, environment, then the keyed or public default."""
    keyed = DEFAULT_COMTRADE_KEYED_URL if os.environ.get(ENV_COMTRADE_KEY) else DEFAULT_COMTRADE_URL
    return (given or os.environ.get(ENV_COMTRADE_URL) or keyed).rstrip("/")


def key_headers() -> dict[str, str]:
    """The subscription-key header, if GEOBRIEF_COMTRADE_KEY is set."""
    key = os.environ.get(ENV_COMTRADE_KEY, "").strip()
    return {KEY_HEADER: key} if key else {}


def comtrade_url(reporter: str, partners: Iterable[str], year: int, base: str | None = None) -> str:
    """The documented call for a reporter's total trade with partners (ISO3 or WLD) in one year."""
    codes = sorted({comtrade_code(p) for p in partners})
    params = {
        "reporterCode": comtrade_code(reporter),
        "period": year,
        "partnerCode": ",".join(str(c) for c in codes),
        "partner2Code": 0,
        "cmdCode": "TOTAL",
        "flowCode": "M,X",
        "customsCode": "C00",
        "motCode": 0,
    }
    return f"{base_url(base)}/C/A/HS?{urllib.parse.urlencode(params, safe=',')}"


def parse_comtrade(url: str, body: bytes, year: int) -> dict[tuple[int, str], float]:
    """The total rows of a Comtrade v1 JSON answer by (partner code, flow); empty if no data."""
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise RefreshError(url, f"the answer is not JSON ({exc})", _FORMAT_FIX) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise RefreshError(url, "the answer is not {data: [rows], ...}", _FORMAT_FIX)
    if doc.get("error"):
        raise RefreshError(url, f"the API refused the request ({doc['error']})", _FORMAT_FIX)
    values: dict[tuple[int, str], float] = {}
    for row in doc["data"]:
        if not isinstance(row, dict) or not {"period", "partnerCode", "flowCode", "primaryValue"} <= row.keys():
            raise RefreshError(url, "a row lacks period, partnerCode, flowCode or primaryValue", _FORMAT_FIX)
        if not _is_total(row):
            continue
        value, partner, flow = row["primaryValue"], row["partnerCode"], row["flowCode"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RefreshError(url, f"primaryValue {value!r} is not a number", _FORMAT_FIX)
        if str(row["period"]) != str(year) or not isinstance(partner, int) or flow not in ("M", "X"):
            raise RefreshError(
                url, f"unexpected row (period {row['period']!r}, partner {partner!r}, flow {flow!r})", _FORMAT_FIX
            )
        if (partner, flow) in values:  # adding would double-count
            raise RefreshError(url, f"two total rows for partner {partner}, flow {flow}", _FORMAT_FIX)
        values[(partner, flow)] = float(value)
    return values


def _is_total(row: dict[str, Any]) -> bool:
    return row.get("partner2Code", 0) == 0 and row.get("customsCode", "C00") == "C00" and row.get("motCode", 0) == 0


def fetch_totals(
    get: Callable[..., bytes],
    reporter: str,
    partners: Iterable[str],
    *,
    base: str | None = None,
    today: date | None = None,
) -> TradeTotals:
    """The reporter's trade with the partners and the world in the latest year Comtrade has it."""
    wanted = sorted({*partners, "WLD"})
    last = (today or date.today()).year - 1
    url = ""
    for year in range(last, last - YEARS_BACK, -1):
        url = comtrade_url(reporter, wanted, year, base)
        values = parse_comtrade(url, _get(get, url), year)
        if values:
            return TradeTotals(reporter=reporter, year=str(year), url=url, values=values)
    raise RefreshError(
        url,
        f"no data for reporter {reporter} in {last - YEARS_BACK + 1}-{last}",
        "Comtrade has no recent annual data for this country; remove its comtrade refresh specs",
    )


def _get(get: Callable[..., bytes], url: str) -> bytes:
    """Fetch with the key header; a generic fetch error gets the Comtrade fix."""
    try:
        return get(url, headers=key_headers())
    except RefreshError as exc:
        status = re.match(r"HTTP (\d{3})", exc.problem)
        code = status.group(1) if status else "connect"
        fix = _FIXES.get("5xx" if code.startswith("5") else "401" if code in ("401", "403") else code, _FORMAT_FIX)
        raise RefreshError(exc.url, exc.problem, fix) from exc
