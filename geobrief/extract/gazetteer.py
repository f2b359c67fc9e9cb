"""Find actor mentions with a gazetteer built from the knowledge base.

One compiled alternation of every surface form (names, aliases, capitals and
seats of government, demonyms, leaders' names, organisations, armed groups),
longest first, so "North Korean" wins over "Korea" and a scan is one pass.
Leaders resolve to their state on the article's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from geobrief.extract.tokens import PhraseMatcher, Token, tokenize
from geobrief.kb.loader import KnowledgeBase
from geobrief.model import Mention

__all__ = ["Gazetteer", "gazetteer"]

_ROLE_NOUNS = {
    "MIL": "troops forces army armies navy naval military soldiers soldier marines air force coast guard "
    "coastguard militia warships warship vessels vessel ships ship destroyer fighters jets pilots "
    "commanders commander units unit regiment battalion brigade defence defense",
    "GOV": "government ministry minister ministers president prime minister officials official leader "
    "leadership foreign ministry administration authorities cabinet regime embassy ambassador "
    "delegation delegate representative envoy spokesperson spokesman state media",
    "REB": "rebels rebel insurgents insurgent militants militant separatists",
    "COP": "police policemen",
    "BUS": "companies company firms firm banks bank business businesses",
}
_ROLE_OF = {w: role for role, words in _ROLE_NOUNS.items() for w in words.split()}
_ROLE_PAIRS = {"air force", "coast guard", "prime minister", "foreign ministry", "state media", "armed forces"}
_PAIR_STARTS = frozenset(pair.split()[0] for pair in _ROLE_PAIRS)  # the words a pair can start with


def _role_after(tokens: list[Token], j: int) -> str | None:
    """A role noun within three words after a mention: "North Korean troops" -> MIL."""
    if j < len(tokens) - 1 and tokens[j].low == "'" and tokens[j + 1].low == "s":
        j += 2
    elif j < len(tokens) and tokens[j].low == "'s":
        j += 1
    lows = [tok.low for tok in tokens[j : j + 4]]  # three words, and the one after for a pair
    for k, low in enumerate(lows[:3]):
        if not low[:1].isalnum():
            return None
        if low in _PAIR_STARTS and k + 1 < len(lows) and f"{low} {lows[k + 1]}" in _ROLE_PAIRS:
            pair = f"{low} {lows[k + 1]}"
            return "MIL" if pair in ("air force", "coast guard", "armed forces") else "GOV"
        role = _ROLE_OF.get(low)
        if role:
            return role
    return None


@dataclass(frozen=True)
class _Entry:
    actor: str
    entity: str
    how: str
    role: str | None
    start: str | None = None  # leader term
    end: str | None = None


def _variants(form: str) -> set[str]:
    forms = {form, form.replace("'", "’"), form.replace("’", "'")}
    return {f for f in forms if f.strip()}


class Gazetteer:
    """A compiled surface-form index over the knowledge-base actors."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        table: dict[str, list[_Entry]] = {}

        def add(form: str, entry: _Entry) -> None:
            for v in _variants(form):
                table.setdefault(v, []).append(entry)

        for actor in kb.actors.values():
            if actor.kind == "armed_group":
                code, how, role = actor.state or actor.id, "group", actor.role
            elif actor.kind == "organisation":
                code, how, role = actor.id, "organisation", None
            else:
                code, how, role = actor.id, "name", None
            add(actor.name, _Entry(code, actor.id, how, role))
            if actor.short:
                add(actor.short, _Entry(code, actor.id, how, role))
            for alias in actor.aliases:
                add(alias, _Entry(code, actor.id, "alias" if how == "name" else how, role))
            for cap in actor.capitals:
                add(cap, _Entry(code, actor.id, "capital", "GOV"))
            for dem in actor.demonyms:
                add(dem, _Entry(code, actor.id, "demonym" if how == "name" else how, role))
            for body in actor.bodies:
                for form in [body.name, *body.aliases]:
                    add(form, _Entry(code, actor.id, "alias", body.role))
            for leader in actor.leaders:
                for form in [leader.name, *leader.aliases]:
                    add(form, _Entry(code, actor.id, "leader", "GOV", leader.start, leader.end))
        self._table = table
        self._chosen: dict[tuple[str, str | None], _Entry] = {}  # the entry a form stands for on a date
        self._matcher: PhraseMatcher[str] = PhraseMatcher(((f, f) for f in table), case_sensitive=True)

    def _choose(self, form: str, date: str | None) -> _Entry:
        key = (form, date)
        chosen = self._chosen.get(key)
        if chosen is None:
            if len(self._chosen) > 100_000:
                self._chosen.clear()
            chosen = self._chosen[key] = self._choose_uncached(form, date)
        return chosen

    def _choose_uncached(self, form: str, date: str | None) -> _Entry:
        entries = self._table[form]
        if len(entries) == 1:
            return entries[0]
        leaders = [e for e in entries if e.how == "leader"]
        if leaders and len(leaders) == len(entries):
            if date:
                for e in leaders:
                    if e.start and e.start[: len(date)] <= date and (e.end is None or date <= e.end):
                        return e
            return max(leaders, key=lambda e: (e.end is None, e.end or "", e.start or ""))
        # prefer a state's own name over a leader or demonym that shares the form
        order = {"name": 0, "alias": 1, "organisation": 2, "group": 3, "capital": 4, "demonym": 5, "leader": 6}
        return min(entries, key=lambda e: order.get(e.how, 9))

    def find(self, text: str, *, date: str | None = None, offset: int = 0) -> list[Mention]:
        """Mentions in ``text``; offsets are shifted by ``offset``."""
        return self.find_tokens(tokenize(text, offset), text=text, offset=offset, date=date)

    @property
    def forms(self) -> list[str]:
        """Every surface form, for a matcher that looks for them along with other phrases."""
        return list(self._table)

    def find_tokens(self, tokens: list[Token], *, text: str, offset: int, date: str | None = None) -> list[Mention]:
        """Mentions among ``tokens`` of ``text`` (which starts at body offset ``offset``)."""
        return self.mentions(self._matcher.find(tokens), tokens, text=text, offset=offset, date=date)

    def mentions(
        self, matches: list[tuple[int, int, str]], tokens: list[Token], *, text: str, offset: int, date: str | None
    ) -> list[Mention]:
        """Mentions from leftmost-longest matches of ``forms`` over ``tokens``: (first token, end token, form)."""
        out: list[Mention] = []
        for i, j, form in matches:
            if j < len(tokens) and tokens[j].text == "$" and tokens[j].start == tokens[j - 1].end:
                continue  # "US$1.5 billion", "S$20 million": a currency, not a party
            if (
                i >= 2
                and tokens[i - 1].text == "-"
                and tokens[i - 2].end == tokens[i - 1].start
                and tokens[i - 2].text[:1].isupper()
                and not (out and out[-1].end == tokens[i - 2].end)
            ):
                continue  # "the Pan-American Highway": part of a name, not a party
            entry = self._choose(form, date)
            if "Secretary-General" in form and out and tokens[i].start - out[-1].end <= 1:
                continue  # "NATO Secretary-General": the title of the body just named
            if entry.how == "organisation" and i >= 2 and tokens[i - 1].low in ("'s", "'") and out:
                owner = out[-1]  # "Russia's Security Council" is Russia's own body, not the UN's
                if owner.end <= tokens[i - 1].start and owner.how in ("name", "alias", "capital"):
                    entry = _Entry(owner.actor, owner.entity, "name", "GOV")
            role = entry.role
            if entry.how in ("name", "alias", "demonym", "capital", "organisation") and (
                entry.role is None or entry.how == "capital"
            ):
                role = _role_after(tokens, j) or role
            start, end = tokens[i].start, tokens[j - 1].end
            out.append(
                Mention(
                    actor=entry.actor,
                    entity=entry.entity,
                    start=start,
                    end=end,
                    text=text[start - offset : end - offset],
                    how=entry.how,  # type: ignore[arg-type]
                    role=role,
                )
            )
        return out


@cache
def gazetteer(kb: KnowledgeBase) -> Gazetteer:
    """The gazetteer for ``kb``, built once."""
    return Gazetteer(kb)
