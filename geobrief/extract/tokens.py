"""Tokens and a phrase matcher: the fast path of extraction.

Every extraction stage that looks for words (actor names, event triggers,
context keywords, places, threat and act words) uses one ``PhraseMatcher``
over the sentence's tokens instead of a large regular expression: a dict
lookup per token, so time grows linearly with the text whatever the number
of phrases.

Phrase syntax (as in ``lexicon.yaml``): words separated by spaces; a word
ending in ``*`` matches any word that starts with it; a word of two or more
capital letters ("AI", "LNG") matches only in capitals; matching is otherwise
case-insensitive unless the matcher is built case-sensitive.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import accumulate, repeat
from typing import Generic, NamedTuple, TypeVar

__all__ = ["PhraseMatcher", "Token", "longest", "tokenize"]

T = TypeVar("T")
# A capitalised word before a hyphen is a token of its own, so "Chinese-built" and "DPRK-Russia" show
# their names; "'s" is a token; other hyphens and apostrophes stay inside words ("test-fired", "Ren'ai").
# (possessive quantifiers: nothing here needs to backtrack; every token starts with one non-space character,
# consumed first so that the engine skips spaces at C speed, and the lookbehinds then tell the kinds apart)
_TOKEN = re.compile(
    r"\S(?:(?<=[A-Z])\w*+(?=-\w)"  # a capitalised word before a hyphen
    r"|(?<=\w)\w*+(?:-(?![A-Z])\w++)*+(?:['’](?![sS]\b)\w++(?:-(?![A-Z])\w++)*+)*+"  # a word
    r"|(?<=['’])[sS]\b"  # "'s"
    r"|(?<!\w))"  # a punctuation mark
)
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")  # the gaps between tokens, and the tokens
_APOSTROPHE = str.maketrans({"’": "'", "‘": "'"})
_BUCKET = 4  # wildcard words are indexed by their first four characters (or all, if shorter)
_MIN_STEM = 2
_CACHE_SIZE = 200_000  # distinct word forms remembered per matcher
_NEW = tuple.__new__  # skips the named tuple's own constructor


class Token(NamedTuple):
    text: str
    start: int
    end: int
    norm: str  # apostrophes straightened
    low: str  # and lower-cased


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Words (with inner hyphens and apostrophes) and single punctuation marks, with offsets."""
    # the text split into gaps and tokens, and the offsets summed from their lengths: built with map, zip and
    # accumulate rather than a Python loop, as this is the hot path of extraction
    parts = _TOKEN_SPLIT.split(text)
    texts = parts[1::2]
    # the offsets after each gap and token: each token's start, then its end (zip takes two per token from the
    # one iterator, and stops with the texts)
    at = accumulate(map(len, parts), initial=offset)
    next(at)
    norms = texts
    for curly in ("’", "‘"):
        if curly in text:
            norms = list(map(str.replace, norms, repeat(curly), repeat("'")))
    return list(map(_NEW, repeat(Token), zip(texts, at, at, norms, map(str.lower, norms), strict=False)))


@dataclass(frozen=True, slots=True)
class _Word:
    key: str  # lower-case form, or exact form when case matters
    prefix: bool
    exact: bool


# the phrases that can start at a word: one-word phrases (payload, specificity); longer phrases indexed by their
# second word, lower-cased if it matches in any case and as written if it matches only in its case (the words
# after it, payload, specificity); the longer phrases whose second word is a wildcard (their words after the
# first, payload, specificity)
_Cands = tuple[
    list[tuple[T, int]],
    dict[str, list[tuple[tuple["_Word", ...], T, int]]],
    dict[str, list[tuple[tuple["_Word", ...], T, int]]],
    list[tuple[tuple["_Word", ...], T, int]],
]
_NONE: _Cands = ([], {}, {}, [])  # type: ignore[type-arg]


class PhraseMatcher(Generic[T]):
    """Leftmost-longest, non-overlapping matches of many phrases over tokens."""

    def __init__(
        self,
        phrases: Iterable[tuple[str, T]],
        *,
        case_sensitive: bool = False,
        case_sensitive_if: Callable[[T], bool] | None = None,
    ) -> None:
        """``case_sensitive_if`` makes the phrases whose payload it accepts match case-sensitively."""
        self.case_sensitive = case_sensitive
        self._exact: dict[str, list[tuple[tuple[_Word, ...], T]]] = {}
        # wildcard heads, bucketed by their first _BUCKET characters
        self._prefix: dict[str, list[tuple[_Word, tuple[_Word, ...], T]]] = {}
        self._cache: dict[str, _Cands[T]] = {}
        for phrase, payload in phrases:
            exact = case_sensitive or (case_sensitive_if is not None and case_sensitive_if(payload))
            words = [self._word(w, exact) for w in phrase.split()]
            if not words:
                continue
            parts: list[_Word] = []
            for w in words:
                parts += self._split(w)
            head, rest = parts[0], tuple(parts[1:])
            if head.prefix:
                if len(head.key) < _MIN_STEM:
                    raise ValueError(f"wildcard word {head.key!r}* is too short in {phrase!r}")
                self._prefix.setdefault(head.key[:_BUCKET], []).append((head, rest, payload))
            else:
                self._exact.setdefault(head.key, []).append((rest, payload))

    @staticmethod
    def _word(raw: str, case_sensitive: bool) -> _Word:
        prefix = raw.endswith("*")
        word = raw.rstrip("*")
        letters = [c for c in word if c.isalpha()]
        exact = case_sensitive or (len(letters) > 1 and all(c.isupper() for c in letters))
        key = word.translate(_APOSTROPHE) if exact else word.translate(_APOSTROPHE).lower()
        return _Word(key, prefix, exact)

    def _split(self, w: _Word) -> list[_Word]:
        """A pattern word is tokenized like text: "U.S." is four tokens."""
        toks = [m.group(0) for m in _TOKEN.finditer(w.key)]
        if len(toks) <= 1:
            return [w]
        out = [_Word(t, False, w.exact) for t in toks]
        out[-1] = _Word(toks[-1], w.prefix, w.exact)
        return out

    @staticmethod
    def _fits(word: _Word, tok: Token) -> bool:
        form = tok[3] if word.exact else tok[4]  # norm or low
        return form.startswith(word.key) if word.prefix else form == word.key

    def _candidates(self, tok: Token) -> _Cands[T]:
        """Phrases that can start at ``tok`` (cached per form)."""
        found = self._cache.get(tok.norm)
        if found is None:
            if len(self._cache) > _CACHE_SIZE:
                self._cache.clear()
            found = self._cache[tok.norm] = self._lookup(tok.low, tok.norm)
        return found

    def _lookup(self, low: str, norm: str) -> _Cands[T]:
        """The phrases whose first word fits a form, with how specific that word is, split into one-word
        phrases, phrases indexed by their second word (any case, exact case) and the rest."""
        heads = [(rest, payload, 1000) for rest, payload in self._exact.get(low, ())]
        if norm != low:
            heads += [(rest, payload, 1000) for rest, payload in self._exact.get(norm, ())]
        prefix = self._prefix
        if prefix:
            for form in (low, norm) if norm != low else (low,):
                for k in range(_MIN_STEM, min(_BUCKET, len(form)) + 1):
                    bucket = prefix.get(form[:k])
                    if bucket:
                        for head, rest, payload in bucket:
                            if (norm if head.exact else low).startswith(head.key):
                                heads.append((rest, payload, len(head.key)))
        if not heads:
            return _NONE
        single: list[tuple[T, int]] = []
        by_next: dict[str, list[tuple[tuple[_Word, ...], T, int]]] = {}
        by_exact: dict[str, list[tuple[tuple[_Word, ...], T, int]]] = {}
        other: list[tuple[tuple[_Word, ...], T, int]] = []
        for rest, payload, spec in heads:
            if not rest:
                single.append((payload, spec))
            elif rest[0].prefix:
                other.append((rest, payload, spec))
            else:
                (by_exact if rest[0].exact else by_next).setdefault(rest[0].key, []).append((rest[1:], payload, spec))
        return (single, by_next, by_exact, other)

    def find(self, tokens: list[Token]) -> list[tuple[int, int, T]]:
        """(first token index, end token index, payload) of each match, left to right: leftmost-longest and
        non-overlapping."""
        return longest(self.find_all(tokens))

    def find_all(self, tokens: list[Token]) -> list[tuple[int, int, T, int]]:
        """Every match at every position, overlaps included: (start, end, payload, specificity)."""
        out: list[tuple[int, int, T, int]] = []
        n = len(tokens)
        get, candidates = self._cache.get, self._candidates
        for i, tok in enumerate(tokens):
            cands = get(tok[3])
            if cands is None:
                cands = candidates(tok)
            if cands is _NONE:
                continue
            single, by_next, by_exact, other = cands
            for payload, spec in single:
                out.append((i, i + 1, payload, spec))
            if i + 1 >= n:
                continue
            nxt = by_next.get(tokens[i + 1][4]) if by_next else None
            nxe = by_exact.get(tokens[i + 1][3]) if by_exact else None
            if not (nxt or nxe or other):
                continue  # the usual case: no longer phrase goes on with the next word
            for first, group in ((i + 2, nxt), (i + 2, nxe), (i + 1, other)):
                for rest, payload, spec in group or ():
                    j = first
                    for w in rest:  # _fits, inlined: this loop is the hot path of extraction
                        if j >= n:
                            break
                        form = tokens[j][3] if w.exact else tokens[j][4]
                        if not (form.startswith(w.key) if w.prefix else form == w.key):
                            break
                        j += 1
                    else:
                        out.append((i, j, payload, spec))
        return out


def longest(matches: list[tuple[int, int, T, int]]) -> list[tuple[int, int, T]]:
    """Leftmost-longest, non-overlapping matches (most specific first word among equals)."""
    # one pass over matches in order of start (as find_all gives them): the first match at a start is taken if
    # free, and replaced by a longer or more specific one at the same start; no sort
    out: list[tuple[int, int, T]] = []
    end = -1
    best: tuple[int, int, object, int] = (-1, -1, None, 0)  # the match taken last
    for match in matches:
        i, j, payload, spec = match
        if i >= end:
            out.append((i, j, payload))
            end, best = j, match
        elif i == best[0]:
            if j > best[1] or (j == best[1] and spec > best[3]):
                out[-1] = (i, j, payload)
                end, best = j, match
        elif i < best[0]:
            return _longest_sorted(matches)  # not in order of start
    return out


def _longest_sorted(matches: list[tuple[int, int, T, int]]) -> list[tuple[int, int, T]]:
    """``longest`` for matches in any order."""
    return longest(sorted(matches, key=lambda m: m[0]))
