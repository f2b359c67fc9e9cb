"""Broader patterns: knowledge-base rules over the event graph, and the relationship's trend.

A pattern rule lists steps (kinds of events) with roles A and B; it holds when
actors can be bound to A and B so that every step is met by some event.
The trend compares cooperative and conflictual events of the focal actors in
the six months before the latest source against the six months before that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from geobrief.analysis.match import matches
from geobrief.kb.loader import KnowledgeBase
from geobrief.kb.schema import PatternRule, PatternStep
from geobrief.model import Event

__all__ = ["COOPERATION_WEIGHT", "FoundPattern", "Trend", "find_patterns", "trend"]

# Cooperation (+) or conflict (-) of each PLOVER type, on the spirit of the PLOVER expert scores
# (-10..+10) scaled to -1..+1.
COOPERATION_WEIGHT = {
    "AGREE": 0.5, "CONSULT": 0.3, "SUPPORT": 0.4, "CONCEDE": 0.5, "COOPERATE": 0.7, "AID": 0.8,
    "RETREAT": 0.4, "REQUEST": -0.1, "REJECT": -0.4, "ACCUSE": -0.4, "THREATEN": -0.6, "PROTEST": -0.5,
    "SANCTION": -0.6, "MOBILIZE": -0.5, "COERCE": -0.8, "ASSAULT": -1.0,
}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class FoundPattern:
    rule: PatternRule
    a: str
    b: str | None
    events: tuple[Event, ...]


def _step_event(kb: KnowledgeBase, step: PatternStep, events: list[Event], bind: dict[str, str | None]) -> Event | None:
    for e in events:
        if step.actor != "any" and bind.get(step.actor) not in e.actors:
            continue
        if step.recipient != "any" and bind.get(step.recipient) not in e.recipients:
            continue
        if matches(kb, step.when, e):
            return e
    return None


def find_patterns(kb: KnowledgeBase, events: list[Event], focal: list[str]) -> list[FoundPattern]:
    """Pattern rules that hold among ``events``, with A (and B) bound to actors, focal actors first."""
    involved = list(dict.fromkeys([*focal, *(c for e in events for c in (*e.actors, *e.recipients))]))
    found: list[FoundPattern] = []
    for rule in kb.pattern_rules.values():
        uses_b = any("B" in (s.actor, s.recipient) for s in rule.steps)
        done = False
        for a in involved:
            for b in involved if uses_b else [None]:
                if a == b:
                    continue
                bind: dict[str, str | None] = {"A": a, "B": b}
                used = [_step_event(kb, step, events, bind) for step in rule.steps]
                if all(used):
                    found.append(FoundPattern(rule=rule, a=a, b=b, events=tuple(e for e in used if e)))
                    done = True
                    break
            if done:
                break
    return found


@dataclass(frozen=True, kw_only=True)
class Trend:
    """Cooperation and conflict of the focal actors in two consecutive six-month windows."""

    actors: tuple[str, ...]
    recent: tuple[int, int, float]  # cooperative events, conflictual events, index
    before: tuple[int, int, float]
    window_end: str
    stored: bool = False  # counted over the store, not only the sources at hand


def month_index(value: str) -> int:
    """Months since year 0 of a YYYY-MM(-DD) date (a bare year counts as its June)."""
    y, m = int(value[:4]), int(value[5:7]) if len(value) >= 7 else 6
    return y * 12 + m - 1


def trend(
    events: list[Event],
    actors: list[str],
    until: str | None,
    stored: Callable[[list[str], str, str], list[tuple[str, str, int]]] | None = None,
) -> Trend | None:
    """The trend of the relationship between the first two focal ``actors`` (or of one, if alone):
    cooperative and conflictual events in the six months to ``until`` and the six before, from the
    ``stored`` counts (type, month, n) when a store is given, else from ``events``."""
    if not actors or not until:
        return None
    pair = sorted(set(actors[:2]))
    end = month_index(until)
    rows: list[tuple[str, int, int]] = []  # (type, month index, count)
    if stored is not None:
        lo = f"{(end - 12) // 12:04d}-{(end - 12) % 12 + 1:02d}"
        rows = [(t, month_index(m), n) for t, m, n in stored(pair, lo, until[:7] + "-31")]
    else:
        for e in events:
            if e.date and len(e.date) >= 7 and set(pair) <= {*e.actors, *e.recipients}:
                rows.append((e.type, month_index(e.date), 1))

    def counts(lo: int, hi: int) -> tuple[int, int, float]:
        coop = conf = 0
        index = 0.0
        for etype, month, n in rows:
            if not lo < month <= hi:
                continue
            w = COOPERATION_WEIGHT.get(etype, 0.0)
            coop += n if w > 0 else 0
            conf += n if w < 0 else 0
            index += w * n
        return coop, conf, round(index, 1)

    recent, before = counts(end - 6, end), counts(end - 12, end - 6)
    if sum(recent[:2]) + sum(before[:2]) == 0:
        return None
    return Trend(actors=tuple(pair), recent=recent, before=before, window_end=until, stored=stored is not None)
