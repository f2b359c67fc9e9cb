"""Impact per channel: impact rules times the target's exposure.

For each rule effect that reaches a channel, its strength is
``1 - (1 - s1)(1 - s2 / 2)`` where s1 >= s2 are the two strongest
``effect.weight x salience(event)`` among the events it matches (repeated
reports of one development add little). A channel combines its rule effects
as ``1 - prod(1 - strength)`` and scales by the target's exposure:
``score = combined x (FLOOR + (1 - FLOOR) x weight(target, channel))``, so what
the development does sets the level and the target's exposure modulates it.
More events or more severe ones can only raise a score. Each contribution is kept as a path:
event -> rule mechanism -> exposure -> target.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass

from geobrief.analysis.match import matches, salience
from geobrief.kb.loader import KnowledgeBase
from geobrief.kb.schema import Profile
from geobrief.model import Citation, Event, Impact

__all__ = ["Contribution", "score_impacts"]

MIN_SCORE = 0.02  # below this a channel is not reported
DRAWS = 200  # Monte Carlo draws for the uncertainty band
WEIGHT_SPREAD = 0.25  # rule weights vary by up to +/-25%
SALIENCE_SPREAD = 0.2  # and event salience (status, reach) by up to +/-20%
EXPOSURE_FLOOR = 0.4  # share of a score that does not depend on the target's exposure


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


def _combine(
    per_rule: dict[tuple[str, str], list[Contribution]], jitter: Callable[[float], float] | None = None
) -> float:
    """1 - prod over rules of (1 - s1)(1 - s2/2), s1 >= s2 the rule's two strongest contributions;
    ``jitter(spread)`` varies rule weights and event salience for the uncertainty band."""
    remain = 1.0
    for contribs in per_rule.values():
        if jitter is None:
            strengths = sorted((c.strength for c in contribs), reverse=True)
        else:
            factor = jitter(WEIGHT_SPREAD)
            strengths = sorted(
                (min(1.0, c.weight * factor) * min(1.0, c.salience * jitter(SALIENCE_SPREAD)) for c in contribs),
                reverse=True,
            )
        second = strengths[1] if len(strengths) > 1 else 0.0
        remain *= (1.0 - strengths[0]) * (1.0 - second / 2)
    return 1.0 - remain


def _band(channel: str, per_rule: dict[tuple[str, str], list[Contribution]], scale: float) -> tuple[float, float]:
    """10th and 90th percentile of the score when rule weights and event salience vary; seeded by the
    input, so the same input always gives the same band."""
    key = channel + "|" + "|".join(sorted(f"{r}:{c.event.id}" for (r, _m), cs in per_rule.items() for c in cs))
    rng = random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:16], 16))

    def jitter(spread: float) -> float:
        return 1 + spread * (2 * rng.random() - 1)

    scores = sorted(_combine(per_rule, jitter) * scale for _ in range(DRAWS))
    return round(scores[DRAWS // 10], 3), round(scores[DRAWS * 9 // 10], 3)


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
                    Contribution(
                        event=event,
                        rule=rule.id,
                        weight=eff.weight,
                        salience=sal[event.id],
                        mechanism=eff.mechanism,
                        kind=eff.kind,
                    )
                )
    weights = {w.channel: w for w in profile.weights}
    impacts: list[Impact] = []
    for channel, contribs in by_channel.items():
        per_rule: dict[tuple[str, str], list[Contribution]] = {}
        for c in contribs:
            per_rule.setdefault((c.rule, c.mechanism), []).append(c)
        w = weights.get(channel)
        exposure = w.weight if w else 0.0
        scale = EXPOSURE_FLOOR + (1 - EXPOSURE_FLOOR) * exposure
        score = round(_combine(per_rule) * scale, 3)
        low, high = _band(channel, per_rule, scale)
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
                low=low,
                high=high,
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
