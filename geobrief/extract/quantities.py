"""Quantities in a sentence: numbers in digits or words, qualifiers and units.

"at least nine soldiers killed" -> killed 9 at_least; "120-day deployment" ->
duration_days 120; "US$1.5 billion" -> money_usd 1.5e9; "15 per cent" -> percent 15.
Years, dates, times and ordinals are not quantities.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

from geobrief.extract.dates import MONTHS
from geobrief.model import Quantity

__all__ = ["find_quantities", "parse_number"]

_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a dozen": 12,
    "dozens": 24,
    "hundreds": 200,
    "thousands": 2000,
    "a hundred": 100,
    "a thousand": 1000,
}
_SCALE = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "bn": 1e9,
    "m": 1e6,
    "tn": 1e12,
    "k": 1e3,
}
_QUALIFIERS = [
    ("at_least", r"at least|more than|over|upwards of|no fewer than|in excess of|exceeding"),
    ("at_most", r"at most|up to|fewer than|less than|under|no more than|as many as"),
    ("about", r"about|around|approximately|nearly|almost|roughly|an estimated|some|close to|estimated|~"),
]
_QUAL_RE = re.compile(r"(" + "|".join(p for _, p in _QUALIFIERS) + r")\s+$", re.IGNORECASE)


def _by_first_letter(words: list[str]) -> str:
    """An alternation of ``words`` (tried in their order) with one branch per first letter: at a word start the
    engine then tries one branch instead of every word."""
    by_first: dict[str, list[str]] = {}
    for w in words:
        by_first.setdefault(w[0], []).append(w)
    return "|".join(
        re.escape(first) + "(?:" + "|".join(re.escape(w[1:]) for w in ws) + ")" for first, ws in by_first.items()
    )


_NUMWORD = _by_first_letter(sorted(_WORDS, key=lambda w: len(re.escape(w)), reverse=True))  # longest first
_NUM_TAIL = (
    r"(?:\s?(?P<scale>hundred|thousand|million|billion|trillion|bn|tn|m|k)\b)?"
    r"(?P<rest>[-\s]?(?:per\s?cent|percent|%)|-day|-month|-week|-year|-hour)?"
)
# digits and number words are two patterns: the words' alternation is slow, so it runs only when one occurs
# the lookahead lets the engine skip to the characters a number can start with
_NUM = re.compile(
    r"(?=[US$€£\d])(?:(?P<cur>US\$|S\$|\$|USD\s?|SGD\s?|€|£)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?))"
    + f"(?i:{_NUM_TAIL})"
)  # currency codes in capitals only, so that the lookahead skips lower-case letters
_NUM_WORDS = re.compile(
    r"(?=[otfsenhda])(?P<cur>)(?P<num>(?<![\w-])(?:" + _NUMWORD + r")(?![\w]))" + _NUM_TAIL, re.IGNORECASE
)  # (the lookahead: the first letters of the number words, so the engine can skip to them)
_WORD_SET = frozenset(w for w in _WORDS if " " not in w)
_WORD_FORMS = frozenset(f for w in _WORD_SET for f in (w, w.capitalize(), w.upper()))
_A_NUMBERS = ("a dozen", "a hundred", "a thousand")
_LETTERS = re.compile(r"[a-z]+")
_UNITS: list[tuple[str, re.Pattern[str]]] = [
    (
        "killed",
        re.compile(
            r"^\s*(?:(?!and\b|or\b)[\w-]+\s){0,3}?(killed|dead|deaths|died|fatalities|lives lost|lost their lives)\b",
            re.I,
        ),
    ),
    ("injured", re.compile(r"^\s*(?:(?!and\b|or\b)[\w-]+\s){0,3}?(injured|wounded|injuries|casualties)\b", re.I)),
    (
        "troops",
        re.compile(
            r"^\s*(?:[\w-]+\s){0,3}?(troops|soldiers|personnel|servicemen|service members|fighters|sailors|marines|"
            r"peacekeepers|reservists|conscripts|paratroopers|police officers|policemen|advisers|advisors|instructors|"
            r"guards)\b",
            re.I,
        ),
    ),
    ("duration_days", re.compile(r"^\s*(days?|weeks?|months?|years?|hours?)\b", re.I)),
]
_KILLED_BEFORE = re.compile(
    r"\b(?:killed|killing|kills|shot dead)\s+(?:(?:at least|more than|about|some|nearly|over|up to)\s+)?$", re.I
)
_INJURED_BEFORE = re.compile(
    r"\b(?:injured|injuring|wounded|wounding|injuries to|wounds to)\s+(?:(?:at least|more than|about|some|nearly|over|up to)\s+)?$",
    re.I,
)
_PASSIVE_TOLL = r"(?:were|was|have been|has been|had been)\s+(killed|injured|wounded)\b"  # "have been killed"
_LATE_TOLL = re.compile(r"[^.;]{0,80}?\b" + _PASSIVE_TOLL, re.I)
_FELL = re.compile(r"\s+" + _PASSIVE_TOLL, re.I)  # right after the noun: "soldiers were killed"
# (led by the letter f, so that the engine skips to it; the lookbehind is the word boundary)
_A_PERIOD = re.compile(
    r"[fF](?<!\w[fF])(?i:or\s+(over\s+|a\s+further\s+|another\s+)?(a|one)\s+(?:further\s+)?(day|week|month|year)\b)"
)
_COMPOUND = re.compile(r"-[A-Za-z]")  # "15-member", "Hwasong-17"
_TIME_OR_RATIO = re.compile(r"[:/]\d")
_DOLLAR_BEFORE = re.compile(r"\s?\$")
_RANGE_START = re.compile(r"\b(?:between|from)\s+$", re.I)
_RANGE_JOIN = re.compile(r"^\s*(?:and|to|-|–)\s*$", re.I)
_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}
_ONE_VICTIM = re.compile(
    r"\b(killing|wounding|injuring)\s+(?P<one>(?:a|an|its|his|her|their|one|the)\s+(?:[a-z-]+\s+){0,2}?"
    r"(?!people\b|number\b|dozens\b|scores\b|hundreds\b|thousands\b)[a-z-]*[^s\W])\b(?!\s+(?:and|of)\b)",
)
_NOT_ONE = re.compile(r"\b(?:of|and|or|number|dozens|scores|hundreds|thousands|people|several|many)\b")
_LONG = re.compile(r"\b(day|week|month|year)-long\b", re.I)  # "a week-long exercise": one week
_NOT_QUANTITY_AFTER = re.compile(
    r"^\s*(?:a\.m\.|p\.m\.|am\b|pm\b|th\b|st\b|nd\b|rd\b|(?:January|February|March|April|May|June|July|August|September|October|November|December)\b)",
    re.I,
)
_MONTH_BEFORE = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+$",
    re.I,
)


def parse_number(token: str) -> float | None:
    """``"1,200"`` -> 1200.0; ``"nine"`` -> 9.0; otherwise None."""
    t = token.lower().replace(",", "")
    if t in _WORDS:
        return float(_WORDS[t])
    try:
        return float(t)
    except ValueError:
        return None


_DIGIT = re.compile(r"\d")
# a number after one of these names a thing ("resolution 2722", "Section 301", "Flight 17"): not a quantity
_LABEL_BEFORE = re.compile(
    r"\b(?:resolutions?|section|article|chapter|paragraph|clause|flight|route|phase|no\.|number|decree)\s*$",
    re.IGNORECASE,
)


_MONTH_WORDS = frozenset(w for m in MONTHS for w in (m, m + "."))  # "January", "jan", "sept.", lower-cased
_LABEL_WORDS = frozenset(
    [
        "resolution",
        "resolutions",
        "section",
        "article",
        "chapter",
        "paragraph",
        "clause",
        "flight",
        "route",
        "phase",
        "no.",
        "number",
        "decree",
    ]
)
_QUALIFIER_ENDS = frozenset(p.split()[-1] for _, alt in _QUALIFIERS for p in alt.split("|"))


def _last_word(before: str) -> str:
    """The last word of ``before``, lower-cased ("" if none)."""
    if not before or not (before[-1].isspace() or before[-1].isalnum() or before[-1] in ".~"):
        return ""
    # the run of word characters, dots and tildes that the last 20 characters end with, before any spaces (a
    # loop over a few characters: a pattern anchored at the end would be tried at each of the 20 positions)
    tail = before[-20:].rstrip()
    k = len(tail)
    while k and (tail[k - 1].isalnum() or tail[k - 1] in "_.~"):
        k -= 1
    return tail[k:].lower()


def _number_matches(text: str, low: str, words: AbstractSet[str] | None) -> list[re.Match[str]]:
    """Numbers in digits and in words in ``text`` (``low``: the text lower-cased), in order."""
    digit = _DIGIT.search(text)
    # a number in digits starts at most four characters before its first digit ("USD 5"): the scan starts there
    found = list(_NUM.finditer(text, max(0, digit.start() - 4))) if digit else []
    named = not _WORD_SET.isdisjoint(_LETTERS.findall(low)) if words is None else not _WORD_FORMS.isdisjoint(words)
    if named or any(map(low.__contains__, _A_NUMBERS)):
        found += _NUM_WORDS.finditer(text)
        found.sort(key=lambda m: m.start())
    return found


def find_quantities(text: str, offset: int = 0, words: AbstractSet[str] | None = None) -> list[Quantity]:
    """Quantities in ``text``, offsets shifted by ``offset``. ``words``: the words of ``text`` as written, when
    the caller has them already."""
    out: list[Quantity] = []
    low = text.lower()
    tolls = "killed" in low or "injured" in low or "wounded" in low
    for m in _number_matches(text, low, words):
        raw = m.group("num")
        value = parse_number(raw)
        if value is None:
            continue
        cur, scale, rest = m.group("cur"), m.group("scale"), (m.group("rest") or "").lower()
        after = text[m.end() : m.end() + 40]
        before = text[max(0, m.start() - 30) : m.start()]
        is_year = raw.isdigit() and len(raw) == 4 and 1900 <= value <= 2100 and not cur and not scale
        last = _last_word(before)  # the word before the number: most checks of what precedes it start there
        if is_year or _NOT_QUANTITY_AFTER.match(after) or (last in _MONTH_WORDS and _MONTH_BEFORE.search(before)):
            continue
        if not cur and last in _LABEL_WORDS and _LABEL_BEFORE.search(before):
            continue
        if rest == "" and _COMPOUND.match(after) and not cur:
            continue  # "15-member", "Hwasong-17" style compounds are not quantities
        if (m.start() > 0 and text[m.start() - 1] in ":/-") or _TIME_OR_RATIO.match(text, m.end()):
            continue  # times, ratios, resolution numbers
        if scale and scale.lower() in ("m", "k") and not cur:
            continue
        if scale:
            value *= _SCALE[scale.lower()]
        kind = "count"
        if cur:
            kind = "money_sgd" if cur.upper().startswith(("S$", "SGD")) else "money_usd"
        elif _DOLLAR_BEFORE.match(before[-2:]) is not None:
            kind = "money_usd"
        elif "cent" in rest or "%" in rest:
            kind = "percent"
        elif rest.startswith("-") and rest[1:] in _DAYS:
            kind, value = "duration_days", value * _DAYS[rest[1:]]
        elif ("kill" in before or "dead" in before) and _KILLED_BEFORE.search(before):
            kind = "killed"  # "killed at least nine soldiers"
        elif ("injur" in before or "wound" in before) and _INJURED_BEFORE.search(before):
            kind = "injured"
        else:
            for unit, rx in _UNITS:
                u = rx.match(after)
                if u:
                    kind = unit
                    if unit == "duration_days":
                        word = u.group(1).lower().rstrip("s")
                        value *= _DAYS[word]
                    elif unit == "troops" and tolls and (fell := _FELL.match(after, u.end())) is not None:
                        kind = "killed" if fell.group(1).lower() == "killed" else "injured"  # "soldiers were killed"
                    break
        if kind == "count" and tolls and (late := _LATE_TOLL.match(text, m.end(), m.end() + 110)) is not None:
            kind = (
                "killed" if late.group(1).lower() == "killed" else "injured"
            )  # "12,000 civilians, ... have been killed"
        qualifier = "exact"
        q = _QUAL_RE.search(before) if last in _QUALIFIER_ENDS else None
        if q:
            word = q.group(1).lower()
            for name, pattern in _QUALIFIERS:
                if re.fullmatch(pattern, word, re.IGNORECASE):
                    qualifier = name
                    break
            if kind == "duration_days" and word == "over" and not re.search(r"\bfor\s+over\s+$", before, re.I):
                qualifier = "exact"  # "over three years" spans them; "for over a week" is at least one
        out.append(
            Quantity(
                kind=kind,
                value=value,
                qualifier=qualifier,  # type: ignore[arg-type]
                text=m.group(0).strip(),
                start=offset + m.start(),
                end=offset + m.start() + len(m.group(0).rstrip()),
            )
        )
    periods = _A_PERIOD.finditer(text) if "for " in text else ()
    for m in periods:  # "for over a week", "for a further year"
        if not _NOT_ONE.search(m.group(2)) and not any(q.start - offset <= m.start(2) < q.end - offset for q in out):
            qualifier = "at_least" if m.group(1) and "over" in m.group(1).lower() else "exact"
            unit = m.group(3).lower()
            out.append(Quantity(kind="duration_days", value=float(_DAYS[unit]), qualifier=qualifier,  # type: ignore[arg-type]
                                text=text[m.start(2) : m.end()], start=offset + m.start(2), end=offset + m.end()))  # fmt: skip
    for m in _ONE_VICTIM.finditer(text) if tolls or "killing" in low or "wounding" in low else ():
        # "wounding its driver", "killing a civilian": one person, though no number is written
        if not _NOT_ONE.search(m.group(2)) and not any(q.start - offset <= m.start(2) < q.end - offset for q in out):
            kind = "killed" if m.group(1).lower().startswith("kill") else "injured"
            out.append(Quantity(kind=kind, value=1.0, qualifier="exact", text=m.group(2),  # type: ignore[arg-type]
                                start=offset + m.start(2), end=offset + m.end(2)))  # fmt: skip
    for m in _LONG.finditer(text) if "-long" in text else ():
        out.append(Quantity(kind="duration_days", value=float(_DAYS[m.group(1).lower()]), qualifier="exact",
                            text=m.group(0), start=offset + m.start(), end=offset + m.end()))  # fmt: skip
    out.sort(key=lambda q: q.start)
    return _ranges(text, out, offset)


def _ranges(text: str, found: list[Quantity], offset: int) -> list[Quantity]:
    """ "between 5,000 and 6,000 sailors": the first number is a lower bound and the second an upper one, both
    of the unit named after the second."""
    out = list(found)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        if a.qualifier != "exact" or b.qualifier != "exact":
            continue
        if not _RANGE_JOIN.match(text[a.end - offset : b.start - offset]):
            continue
        if not _RANGE_START.search(text[max(0, a.start - offset - 10) : a.start - offset]):
            continue
        kind = b.kind if a.kind == "count" else a.kind
        value = a.value * _unit_value(b) if kind == "duration_days" and a.kind == "count" else a.value
        out[k] = Quantity(kind=kind, value=value, qualifier="at_least", text=a.text, start=a.start, end=a.end)
        out[k + 1] = Quantity(kind=kind, value=b.value, qualifier="at_most", text=b.text, start=b.start, end=b.end)
    return out


def _unit_value(q: Quantity) -> float:
    """Days per written unit of a duration ("three months" -> 30), to scale the other end of a range."""
    raw = parse_number(q.text.split()[0].split("-")[0]) if q.text else None
    return q.value / raw if raw else 1.0
