"""Outlook developments per horizon, and recommendations from the playbook."""

from __future__ import annotations

import re

from geobrief.analysis.match import matches, salience
from geobrief.kb.loader import KnowledgeBase
from geobrief.kb.schema import Profile
from geobrief.model import Citation, Development, Event, Impact, Recommendation

__all__ = ["HORIZONS", "capitalise", "names", "outlook", "periods", "recommend"]

HORIZONS = ("short", "medium", "long")
PER_HORIZON = 3
MAX_RECOMMENDATIONS = 5
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def names(kb: KnowledgeBase, codes: list[str] | tuple[str, ...]) -> str:
    """ "North Korea", "North Korea and Russia", "A, B and C"."""
    ns = list(dict.fromkeys(kb.label(c) for c in codes))
    if not ns:
        return ""
    return ns[0] if len(ns) == 1 else ", ".join(ns[:-1]) + " and " + ns[-1]


def periods(base_year: int) -> dict[str, str]:
    """Calendar periods of the horizons, counted from the year of the sources."""
    return {
        "short": f"{base_year + 1}-{base_year + 2}",
        "medium": f"{base_year + 3}-{base_year + 5}",
        "long": f"{base_year + 6} and beyond",
    }


def _fill(template: str, values: dict[str, str]) -> str | None:
    needed = set(_PLACEHOLDER.findall(template))
    if any(not values.get(k) for k in needed):
        return None
    out = _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
    return capitalise(out)


def capitalise(text: str) -> str:
    """Upper-case the first letter only ("the United States" -> "The United States")."""
    return text[:1].upper() + text[1:]


def outlook(kb: KnowledgeBase, profile: Profile, events: list[Event]) -> dict[str, list[Development]]:
    """Developments per horizon, most likely first, each citing the events behind it."""
    out: dict[str, list[Development]] = {h: [] for h in HORIZONS}
    sal = {e.id: salience(kb, profile, e) for e in events}
    for rule in kb.outlook_rules.values():
        hits = [e for e in events if matches(kb, rule.when, e)]
        if not hits:
            continue

        def states_only(e: Event) -> bool:  # "the partnership between X and Y" reads best with states
            return all(
                kb.actors.get(c) is not None and kb.actors[c].kind != "organisation" for c in (*e.actors, *e.recipients)
            )

        hits.sort(key=lambda e: (not states_only(e), -sal[e.id], -len(e.recipients), e.id))
        text = None
        lead = hits[0]
        for ev in hits:
            text = _fill(rule.text, {"actors": names(kb, ev.actors), "recipients": names(kb, ev.recipients)})
            if text:
                lead = ev
                break
        if text is None:
            continue
        # evidence raises a base likelihood a little: more and firmer events, up to +/-15%
        support = min(1.0, sum(sal[e.id] for e in hits) / 2.0)
        likelihood = round(min(0.95, rule.likelihood * (0.85 + 0.3 * support)), 2)
        involved = {*lead.actors, *lead.recipients}

        def related(codes: tuple[str, ...], how: str, involved: set[str] = involved) -> str:
            found = [x for c in codes for x in (kb.allies(c) if how == "allies" else kb.rivals(c))]
            return names(kb, [x for x in dict.fromkeys(found) if x not in involved][:3])

        values = {
            "actors": names(kb, lead.actors),
            "recipients": names(kb, lead.recipients),
            "actor_allies": related(lead.actors, "allies"),
            "actor_rivals": related(lead.actors, "rivals"),
            "recipient_allies": related(lead.recipients, "allies"),
        }
        responses = [r for r in (_fill(resp, values) for resp in rule.responses) if r]
        cites = [Citation(source=e.evidence.source, start=e.evidence.start, end=e.evidence.end) for e in hits[:2]]
        out[rule.horizon].append(
            Development(
                horizon=rule.horizon,
                text=text,
                likelihood=likelihood,
                signposts=tuple(rule.signposts),
                citations=(*cites, Citation(kb=rule.id)),
                rule=rule.id,
                responses=tuple(responses),
            )
        )
    for h in HORIZONS:
        out[h].sort(key=lambda d: (-d.likelihood, d.rule))
        out[h] = out[h][:PER_HORIZON]
    return out


def recommend(kb: KnowledgeBase, profile: Profile, impacts: list[Impact]) -> list[Recommendation]:
    """Plays ranked by leverage times the score of their strongest channel, plus a little for each other
    channel they address (so a broad play does not outrank one aimed at the top risk)."""
    by_kind = {
        "risk": {i.channel: i.score for i in impacts if i.kind == "risk" or i.channel.startswith("opportunity.")},
        "opportunity": {i.channel: i.score for i in impacts if i.kind == "opportunity"},
    }
    ranked: list[tuple[float, str]] = []
    for play in kb.plays.values():
        if play.countries and profile.country not in play.countries:
            continue
        score = by_kind[play.kind]
        reached = sorted((score.get(c, 0.0) for c in play.channels), reverse=True)
        value = (reached[0] + 0.3 * sum(reached[1:])) * play.leverage
        if value > 0:
            ranked.append((value, play.id))
    ranked.sort(key=lambda t: (-t[0], t[1]))
    out: list[Recommendation] = []
    covered: set[str] = set()
    titles: set[str] = set()
    for value, pid in ranked:
        play = kb.plays[pid]
        chans = tuple(c for c in play.channels if by_kind[play.kind].get(c, 0.0) > 0)
        if play.title.lower() in titles or (chans and set(chans) <= covered and len(out) >= 3):
            continue  # nothing new: its channels are already addressed
        covered |= set(chans)
        titles.add(play.title.lower())
        out.append(
            Recommendation(
                title=play.title, text=play.text, channels=chans, priority=len(out) + 1, play=pid, score=round(value, 3)
            )
        )
        if len(out) >= MAX_RECOMMENDATIONS:
            break
    return out
