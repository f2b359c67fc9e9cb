"""Match events against knowledge-base conditions, and weigh them for a target."""

from __future__ import annotations

from geobrief.kb.loader import KnowledgeBase
from geobrief.kb.schema import Match, Profile
from geobrief.model import Event

__all__ = ["STATUS_FACTOR", "attributes", "matches", "reach", "regions", "salience"]

# How much an event counts by its status: a denial or a hypothesis counts less.
STATUS_FACTOR = {
    "asserted": 1.0,
    "reported": 0.85,
    "claimed": 0.7,
    "planned": 0.6,
    "hypothetical": 0.4,
    "denied": 0.25,
}
REACH_FLOOR = 0.35  # a development anywhere still reaches an open economy a little


def attributes(kb: KnowledgeBase, code: str, role: str = "") -> set[str]:
    """Attributes of an actor code, with its kind; a rebel role adds ``armed_group``."""
    actor = kb.actors.get(code)
    out = set(actor.attributes) if actor else set()
    if actor:
        out.add(actor.kind)
    if role in ("REB", "INS", "MIL_NS", "TER"):
        out.add("armed_group")
    return out


def regions(kb: KnowledgeBase, event: Event) -> set[str]:
    """M49 sub-regions of an event's actors, recipients and places."""
    out: set[str] = set()
    for code in (*event.actors, *event.recipients):
        actor = kb.actors.get(code)
        if actor and actor.region:
            out.add(actor.region)
    for pid in event.places:
        place = kb.places.get(pid)
        if place:
            out.add(place.region)
    return out


def matches(kb: KnowledgeBase, when: Match, event: Event) -> bool:
    """True when ``event`` meets every non-empty condition of ``when``."""
    if when.types and event.type not in when.types:
        return False
    if when.modes and event.mode not in when.modes:
        return False
    if when.contexts and not set(when.contexts) & set(event.contexts):
        return False
    if when.places and not set(when.places) & set(event.places):
        return False
    if when.actor_attributes or when.recipient_attributes or when.any_attributes or when.no_attributes:
        a_attrs: set[str] = set()
        for code, role in zip(event.actors, event.actor_roles or [""] * len(event.actors), strict=False):
            a_attrs |= attributes(kb, code, role)
        r_attrs: set[str] = set()
        for code, role in zip(event.recipients, event.recipient_roles or [""] * len(event.recipients), strict=False):
            r_attrs |= attributes(kb, code, role)
        if when.actor_attributes and not set(when.actor_attributes) & a_attrs:
            return False
        if when.recipient_attributes and not set(when.recipient_attributes) & r_attrs:
            return False
        if when.any_attributes and not set(when.any_attributes) & (a_attrs | r_attrs):
            return False
        if set(when.no_attributes) & (a_attrs | r_attrs):
            return False
    return not (when.regions and not set(when.regions) & regions(kb, event))


def reach(kb: KnowledgeBase, profile: Profile, event: Event) -> float:
    """How directly an event reaches the target (0-1), from its exposure profile."""
    if profile.country in event.actors or profile.country in event.recipients:
        return 1.0
    best = REACH_FLOOR
    for region in regions(kb, event):
        best = max(best, profile.regions.get(region, 0.0))
    for pid in event.places:
        best = max(best, profile.places.get(pid, 0.0))
    for code in (*event.actors, *event.recipients):
        share = profile.partners.get(code)
        if share:
            best = max(best, min(1.0, 0.5 + 2.5 * share))
    return best


def salience(kb: KnowledgeBase, profile: Profile, event: Event) -> float:
    """Status factor times reach: how much one event counts for the target."""
    return STATUS_FACTOR.get(event.status, 0.5) * reach(kb, profile, event)
