"""Analysis: from events and knowledge to the judgements a brief needs.

``analyse`` takes the extractions of the focus articles (and, optionally,
stored events of the same actors) and a target profile, and returns an
``Analysis``: key developments, focal actors, rationale, pattern, impacts,
outlook and recommendations — each with the events, entries and rules behind it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from geobrief.analysis.impact import score_impacts
from geobrief.analysis.match import matches, salience
from geobrief.analysis.outlook import outlook, periods, recommend
from geobrief.analysis.patterns import FoundPattern, Trend, find_patterns, trend
from geobrief.extract.pipeline import Extraction
from geobrief.kb.loader import KnowledgeBase
from geobrief.kb.schema import Interest, Profile, Relationship
from geobrief.model import Article, Development, Event, Impact, Recommendation

__all__ = ["QUADS", "Analysis", "KeyDevelopment", "Rationale", "analyse"]

QUADS = {
    "verbal cooperation": ("AGREE", "CONSULT", "SUPPORT", "CONCEDE"),
    "material cooperation": ("COOPERATE", "AID", "RETREAT"),
    "verbal conflict": ("REQUEST", "REJECT", "ACCUSE", "THREATEN"),
    "material conflict": ("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"),
}
QUAD_OF = {t: q for q, ts in QUADS.items() for t in ts}
# how much an event type matters for the summary; material conflict and aid lead
TYPE_WEIGHT = {
    "ASSAULT": 1.0,
    "COERCE": 0.9,
    "MOBILIZE": 0.85,
    "AID": 0.85,
    "SANCTION": 0.8,
    "THREATEN": 0.7,
    "COOPERATE": 0.65,
    "AGREE": 0.6,
    "RETREAT": 0.6,
    "REJECT": 0.55,
    "ACCUSE": 0.5,
    "PROTEST": 0.5,
    "REQUEST": 0.4,
    "CONCEDE": 0.45,
    "SUPPORT": 0.35,
    "CONSULT": 0.3,
}


@dataclass(frozen=True, kw_only=True)
class KeyDevelopment:
    """Events of one kind between the same actors, merged across sentences and sources."""

    events: tuple[Event, ...]
    weight: float

    @property
    def lead(self) -> Event:
        return self.events[0]


@dataclass(frozen=True, kw_only=True)
class Rationale:
    actor: str
    interests: tuple[tuple[Interest, tuple[Event, ...]], ...]


@dataclass(frozen=True, kw_only=True)
class Analysis:
    profile: Profile
    articles: tuple[Article, ...]
    events: tuple[Event, ...]
    focal: tuple[str, ...]
    developments: tuple[KeyDevelopment, ...]
    rationale: tuple[Rationale, ...]
    relationships: tuple[Relationship, ...]
    quads: dict[str, int]
    contexts: tuple[tuple[str, int], ...]
    risk: dict[str, int]  # sentences tagged threat, act, and all sentences (GPR word groups)
    patterns: tuple[FoundPattern, ...]
    trend: Trend | None
    impacts: tuple[Impact, ...]
    outlook: dict[str, list[Development]]
    periods: dict[str, str]
    recommendations: tuple[Recommendation, ...]


def _focal(kb: KnowledgeBase, events: list[Event], target: str) -> list[str]:
    score: dict[str, float] = {}
    for e in events:
        w = TYPE_WEIGHT.get(e.type, 0.3)
        for c in e.actors:
            score[c] = score.get(c, 0.0) + w
        for c in e.recipients:
            score[c] = score.get(c, 0.0) + 0.6 * w
    ranked = [c for c, _ in sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))]
    states = [c for c in ranked if c != target and kb.actors.get(c) and kb.actors[c].kind != "organisation"]
    others = [c for c in ranked if c != target and c not in states]
    return (states or others)[:3]


def _developments(kb: KnowledgeBase, profile: Profile, events: list[Event]) -> list[KeyDevelopment]:
    groups: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[Event]] = {}
    for e in events:
        groups.setdefault((e.type, tuple(sorted(e.actors)), tuple(sorted(e.recipients))), []).append(e)
    out = []
    for evs in groups.values():
        evs.sort(key=lambda e: (-salience(kb, profile, e), e.evidence.source, e.evidence.start))
        w = TYPE_WEIGHT.get(evs[0].type, 0.3) * salience(kb, profile, evs[0]) * (1 + 0.1 * min(5, len(evs) - 1))
        out.append(KeyDevelopment(events=tuple(evs), weight=round(w, 4)))
    out.sort(key=lambda d: (-d.weight, d.lead.evidence.source, d.lead.evidence.start))
    return out


def _rationale(kb: KnowledgeBase, focal: list[str], events: list[Event]) -> list[Rationale]:
    out = []
    for actor in focal:
        found = []
        for interest in kb.interests.values():
            if interest.actor != actor:
                continue
            hits = tuple(
                e
                for e in events
                if (
                    (interest.role in ("actor", "either") and actor in e.actors)
                    or (interest.role in ("recipient", "either") and actor in e.recipients)
                )
                and matches(kb, interest.when, e)
            )
            if hits:
                found.append((interest, hits))
        found.sort(key=lambda f: (-len(f[1]), f[0].id))
        out.append(Rationale(actor=actor, interests=tuple(found[:4])))
    return out


def analyse(
    kb: KnowledgeBase,
    profile: Profile,
    extractions: list[Extraction],
    history: Callable[[list[str], str, str], list[tuple[str, str, int]]] | None = None,
) -> Analysis:
    """Judgements for ``profile`` from the focus ``extractions``; ``history(actors, since, until)`` counts
    stored events of the focal actors by type and month, for the trend of their relationship."""
    events = [e for ex in extractions for e in ex.events]
    articles = [ex.article for ex in extractions]
    focal = _focal(kb, events, profile.country)
    latest = max((a.published for a in articles if a.published), default=None)
    # relationships of pairs the sources show acting on each other, or of two focal actors
    pairs = {frozenset((a, r)) for e in events for a in e.actors for r in e.recipients if a != r}
    rels = [
        r
        for r in kb.relationships.values()
        if frozenset(r.actors) in pairs or (r.actors[0] in focal and r.actors[1] in focal)
    ]
    rels.sort(key=lambda r: (-(r.actors[0] in focal) - (r.actors[1] in focal), r.id))
    quads = {q: sum(1 for e in events if QUAD_OF.get(e.type) == q) for q in QUADS}
    ctx = Counter(c for e in events for c in e.contexts)
    years = [int(a.published[:4]) for a in articles if a.published]
    base_year = max(years) if years else date.today().year
    impacts = score_impacts(kb, profile, events)
    tags = [t for ex in extractions for t in ex.gpr]
    risk = {"threat": sum("threat" in t for t in tags), "act": sum("act" in t for t in tags), "sentences": len(tags)}
    return Analysis(
        profile=profile,
        articles=tuple(articles),
        events=tuple(events),
        focal=tuple(focal),
        developments=tuple(_developments(kb, profile, events)),
        rationale=tuple(_rationale(kb, focal, events)),
        patterns=tuple(find_patterns(kb, events, focal)),
        trend=trend(events, focal, latest, history),
        relationships=tuple(rels[:3]),
        quads=quads,
        risk=risk,
        contexts=tuple(sorted(ctx.items(), key=lambda kv: (-kv[1], kv[0]))),
        impacts=tuple(impacts),
        outlook=outlook(kb, profile, events),
        periods=periods(base_year),
        recommendations=tuple(recommend(kb, profile, impacts)),
    )
