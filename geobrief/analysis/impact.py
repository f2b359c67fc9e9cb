"""Impact per channel: impact rules times the target's exposure.

For each channel, ``score = weight(target, channel) x (1 - prod(1 - effect.weight x salience(event)))``
over every (event, rule effect) pair that reaches it. More events or more
severe ones can only raise a score. Each contribution is kept as a path:
event -> rule mechanism -> exposure -> target.
"""

from __future__ import annotations

from dataclasses import dataclass

from geobrief.analysis.match import matches, salience
from geobrief.kb.loader import KnowledgeBase
from geobrief.kb.schema import Profile
from geobrief.model import Citation, Event, Impact

__all__ = ["Contribution", "score_impacts"]

MIN_SCORE = 0.02  # below this a channel is not reported


@dataclass(frozen=True, kw_only=True)
class Contribution:
    event: Event
    rule: str
    weight: float
    salience: float
    mechanism: str
    kind: str

    @property
    def strength(self) -> float:
        return self.weight * self.salience


def score_impacts(kb: KnowledgeBase, profile: Profile, events: list[Event]) -> list[Impact]:
    """Impacts on the target, strongest first; channels with no path are left out."""
    by_channel: dict[str, list[Contribution]] = {}
    sal = {e.id: salience(kb, profile, e) for e in events}
    for rule in kb.impact_rules.values():
        for event in events:
            if not matches(kb, rule.when, event):
                continue
            for eff in rule.effects:
                by_channel.setdefault(eff.channel, []).append(
                    Contribution(event=event, rule=rule.id, weight=eff.weight, salience=sal[event.id],
                                 mechanism=eff.mechanism, kind=eff.kind)  # fmt: skip
                )
    weights = {w.channel: w for w in profile.weights}
    impacts: list[Impact] = []
    for channel, contribs in by_channel.items():
        remain = 1.0
        for c in contribs:
            remain *= 1.0 - c.strength
        w = weights.get(channel)
        exposure = w.weight if w else 0.0
        score = round(exposure * (1.0 - remain), 3)
        if score < MIN_SCORE:
            continue
        contribs.sort(key=lambda c: (-c.strength, c.rule, c.event.id))
        top = contribs[0]
        ch = kb.channels[channel]
        kind = "opportunity" if ch.category == "opportunity" else top.kind
        events_used = list(dict.fromkeys(c.event.id for c in contribs))
        rules_used = list(dict.fromkeys(c.rule for c in contribs))
        basis = list(w.basis) if w else []
        paths = []
        for c in contribs[:3]:
            exp = basis[0] if basis else "no exposure entry"
            paths.append(
                f"{c.event.type} event {c.event.id} ({', '.join(c.event.actors) or 'unnamed actor'}"
                f"{' -> ' + ', '.join(c.event.recipients) if c.event.recipients else ''}; salience {c.salience:.2f})"
                f" -> rule {c.rule} (weight {c.weight:.2f}): {c.mechanism}"
                f" -> exposure {exp} (channel weight {exposure:.2f}) -> {profile.country}"
            )
        cites: list[Citation] = []
        seen: set[tuple[str, int]] = set()
        for c in contribs:
            key = (c.event.evidence.source, c.event.evidence.start)
            if key not in seen and len(seen) < 3:
                seen.add(key)
                ev = c.event.evidence
                cites.append(Citation(source=ev.source, start=ev.start, end=ev.end))
        cites += [Citation(kb=r) for r in rules_used[:2]] + [Citation(kb=b) for b in basis[:2]]
        impacts.append(
            Impact(
                channel=channel,
                category=ch.category,
                score=score,
                kind=kind,  # type: ignore[arg-type]
                summary=top.mechanism,
                citations=tuple(cites),
                paths=tuple(paths),
                rules=tuple(rules_used),
                events=tuple(events_used),
            )
        )
    impacts.sort(key=lambda i: (-i.score, i.channel))
    return impacts
