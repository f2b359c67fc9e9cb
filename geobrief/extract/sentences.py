"""Split a body into sentences with character offsets.

Rule-based and linear in the text length: a sentence ends at ``.``, ``!`` or
``?`` (with closing quotes or brackets) followed by space and an upper-case
letter, a digit or a quote, unless the word before is a known abbreviation; a
line break always ends a sentence. Very long runs without punctuation are cut
at ``MAX_CHARS`` so later stages stay bounded.
"""

from __future__ import annotations

import re

from geobrief.model import Sentence

__all__ = ["MAX_CHARS", "split_sentences"]

MAX_CHARS = 2000
_ABBREV = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "gen",
    "lt",
    "col",
    "maj",
    "capt",
    "cmdr",
    "adm",
    "sgt",
    "rep",
    "sen",
    "gov",
    "st",
    "jr",
    "sr",
    "no",
    "nos",
    "vol",
    "fig",
    "inc",
    "ltd",
    "co",
    "corp",
    "dept",
    "est",
    "approx",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "a.m",
    "p.m",
    "u.s",
    "u.k",
    "u.n",
    "d.c",
    "m/v",
    "h.e",
    "s.e",
    "amb",
    "pres",
    "rt",
    "hon",
    "art",
    "para",
    "sec",
    "op",
    "cf",
}
# (led by the characters that can end a sentence, so that the engine skips to them at C speed; the
# lookbehinds then tell a full stop from a line break)
_END = re.compile(r"[.!?\n](?:(?<=[.!?])[.!?]*[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|(?<=\n)\n*)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z./]*)$")


def _is_abbreviation(text: str, dot: int) -> bool:
    m = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in _ABBREV:
        return True
    # single capital initials: "J. Smith", "U.S." handled above
    return len(word) == 1 and word.isalpha()


def split_sentences(body: str) -> list[Sentence]:
    """Sentences of ``body``; offsets index into ``body`` and exclude outer whitespace."""
    out: list[Sentence] = []
    start = 0

    def emit(a: int, b: int) -> None:
        while a < b and body[a].isspace():
            a += 1
        while b > a and body[b - 1].isspace():
            b -= 1
        while b - a > MAX_CHARS:
            cut = body.rfind(" ", a, a + MAX_CHARS)
            cut = cut if cut > a else a + MAX_CHARS
            out.append(Sentence(index=len(out), start=a, end=cut, text=body[a:cut]))
            a = cut
            while a < b and body[a].isspace():
                a += 1
        if b > a:
            out.append(Sentence(index=len(out), start=a, end=b, text=body[a:b]))

    for m in _END.finditer(body):
        if m.group(0)[0] == "." and "\n" not in m.group(0) and _is_abbreviation(body, m.start()):
            continue
        emit(start, m.end())
        start = m.end()
    emit(start, len(body))
    return out
