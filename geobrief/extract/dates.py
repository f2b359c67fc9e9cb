"""Dates in a sentence, resolved against the article's publication date.

Handles "19 November 2023", "November 19, 2023", "on 18 November", "in April",
"in August 2025", "late December 2023", "on Saturday", "today", "yesterday",
"last week", "earlier this month", "last year". The result keeps the
precision the text gives: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Set as AbstractSet
from datetime import date, timedelta

__all__ = ["MONTHS", "find_dates", "resolve"]

# month names and abbreviations, lower-cased, to their numbers (also used by the quantity scan)
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
_DAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}


def _word_alternatives(words: list[str]) -> str:
    """``words`` (plain letters) as an alternation, tried in their order, with one branch per first letter, the
    letter checked to start a word: a pattern led by literal letters lets the regex engine skip to them."""
    by_first: dict[str, list[str]] = {}
    for w in words:
        by_first.setdefault(w[0], []).append(w)
    return "|".join(f"{first}(?<!\\w{first})(?:{'|'.join(w[1:] for w in ws)})" for first, ws in by_first.items())


_MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
]  # fmt: skip
_MON = f"(?P<mon>{_word_alternatives(_MONTH_NAMES)})\\.?"
# a pattern that starts with a lookahead for its first letters lets the engine skip to where it can match
_PATTERNS = [
    # (the day's first digit leads, so that the engine skips to digits; the lookbehind is the word boundary)
    ("dmy", re.compile(r"(?P<day>\d(?<!\w\d)\d?)\s+" + _MON + r"(?:\s+(?P<year>\d{4}))?\b")),
    ("mdy", re.compile(_MON + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?\b")),
    (
        "my",
        re.compile(
            r"\b(?:in|since|until|by|from|of|during|early|mid|late|mid-)[\s-]+" + _MON + r"(?:\s+(?P<year>\d{4}))?\b"
        ),
    ),
    (
        "weekday",
        re.compile(
            r"(?=[OoLlTtBbSs])\b(?:[Oo]n|[Ll]ast|[Tt]his|[Bb]y|[Ss]ince)\s+(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
        ),
    ),
    (
        "rel",
        re.compile(
            r"(?=[tylne])\b(?P<rel>today|tonight|this morning|this afternoon|this evening|yesterday|last night|last week|next week|this week|earlier this month|this month|last month|next month|earlier this year|this year|last year|next year)\b",
            re.I,
        ),
    ),
    ("year", re.compile(r"\b(?:in|since|by|until|during|of|early|late|mid-)\s+(?P<year>(?:19|20)\d{2})\b")),
]


def _pub(published: str | None) -> tuple[int | None, int | None, int | None]:
    if not published:
        return None, None, None
    parts = [int(p) for p in published.split("-")]
    parts += [None] * (3 - len(parts))  # type: ignore[list-item]
    return parts[0], parts[1], parts[2]


def resolve(kind: str, m: re.Match[str], published: str | None, future: bool = False) -> str | None:
    """Resolve one date match; None when the publication date gives too little. ``future``: the sentence
    speaks of what will happen, so "in May" and "on Monday" are the next ones, not the last."""
    py, pm, pd = _pub(published)
    g = m.groupdict()
    if kind in ("dmy", "mdy", "my"):
        month = MONTHS[g["mon"].lower().rstrip(".")]
        year = int(g["year"]) if g.get("year") else py
        if year is None:
            return None
        if not g.get("year") and pm is not None and month > pm and not future:
            year -= 1  # "in November" in a March article is last November
        if not g.get("year") and pm is not None and month < pm and future:
            year += 1  # "in March" in a planned act of a November article is next March
        if kind == "my":
            return f"{year:04d}-{month:02d}"
        day = int(g["day"])
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
        return f"{year:04d}-{month:02d}-{day:02d}"
    if kind == "year":
        return g["year"]
    if py is None:
        return None
    if kind == "weekday":
        if pm is None or pd is None:
            return f"{py:04d}-{pm:02d}" if pm else f"{py:04d}"
        pub = date(py, pm, pd)
        if future:
            ahead = (_DAYS[g["wd"].lower()] - pub.weekday()) % 7 or 7
            return (pub + timedelta(days=ahead)).isoformat()
        back = (pub.weekday() - _DAYS[g["wd"].lower()]) % 7
        return (pub - timedelta(days=back)).isoformat()
    rel = g["rel"].lower()
    if rel == "next year":
        return f"{py + 1:04d}"
    if rel in ("earlier this year", "this year"):
        return f"{py:04d}"
    if rel == "last year":
        return f"{py - 1:04d}"
    if pm is None:
        return f"{py:04d}"
    if rel in ("earlier this month", "this month"):
        return f"{py:04d}-{pm:02d}"
    if rel == "last month":
        return f"{py - 1:04d}-12" if pm == 1 else f"{py:04d}-{pm - 1:02d}"
    if rel == "next month":
        return f"{py + 1:04d}-01" if pm == 12 else f"{py:04d}-{pm + 1:02d}"
    if pd is None:
        return f"{py:04d}-{pm:02d}"
    pub = date(py, pm, pd)
    if rel in ("yesterday", "last night"):
        return (pub - timedelta(days=1)).isoformat()
    if rel == "next week":
        return (pub + timedelta(days=7)).isoformat()[:7]
    if rel == "last week":
        return (
            f"{py:04d}-{pm:02d}" if (pub - timedelta(days=7)).month == pm else (pub - timedelta(days=7)).isoformat()[:7]
        )
    return pub.isoformat()


# the words that can start a date as the patterns spell them: months and weekdays capitalised, the relative
# words in either case
_MONTH_WORDS = frozenset(m.capitalize() for m in MONTHS)
_WEEKDAY_WORDS = frozenset(d.capitalize() for d in _DAYS)
_REL_WORDS = frozenset(
    form
    for w in ("today", "tonight", "yesterday", "week", "month", "year", "night", "morning", "afternoon", "evening")
    for form in (w, w.capitalize(), w.upper())
)
_WORDS = re.compile(r"[A-Za-z]+")
_DIGITS4 = re.compile(r"\d\d\d\d")  # (not \d{4}: a pattern led by a character class is scanned faster)
_END_DATE = re.compile(r"\b(?:until|till|through|expires on|expiring on)\s+$", re.I)


def find_dates(
    text: str, published: str | None, future: bool = False, words: AbstractSet[str] | None = None
) -> list[tuple[int, int, str]]:
    """(start, end, resolved date) for each date expression in ``text``, in order. ``words``: the words of
    ``text`` as written, when the caller has them already."""
    found: list[tuple[int, int, str]] = []
    if words is None:
        words = set(_WORDS.findall(text))  # one pass, then set lookups: most sentences have no date
    year = _DIGITS4.search(text) is not None
    has_month = not _MONTH_WORDS.isdisjoint(words)
    needed = {
        "dmy": has_month, "mdy": has_month, "my": has_month,
        "weekday": not _WEEKDAY_WORDS.isdisjoint(words),
        "rel": not _REL_WORDS.isdisjoint(words),
        "year": year,
    }  # fmt: skip
    if not any(needed.values()):
        return found
    taken: list[tuple[int, int]] = []
    for kind, rx in _PATTERNS:
        if not needed[kind]:
            continue
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if _END_DATE.search(text, max(0, m.start() - 12), m.start()) or m.group(0).lower().startswith("until"):
                taken.append((m.start(), m.end()))
                continue  # "extended until 15 July 2027": when something ends, not when the event was
            value = resolve(kind, m, published, future)
            if value:
                found.append((m.start(), m.end(), value))
                taken.append((m.start(), m.end()))
    return sorted(found)
