"""Compose the brief's sections from an analysis, every paragraph with its tier.

Tiers: a ``fact`` paragraph is made of source sentences and cites their spans;
a ``context`` paragraph states knowledge-base entries and cites them; an
``assessment`` is the engine's judgement and cites the events and rules it
rests on. Wording comes from templates here and from the knowledge base.
"""

from __future__ import annotations

import re

from geobrief.analysis import Analysis, KeyDevelopment
from geobrief.analysis.outlook import capitalise, names
from geobrief.kb.loader import KnowledgeBase
from geobrief.kb.schema import Exposure
from geobrief.model import Citation, Event, Impact, Paragraph, Section

__all__ = ["compose", "title_of"]

MAX_DEVELOPMENTS = 6
IMPACTS_PER_CATEGORY = 3
_ATTRIBUTE_PHRASES = {
    "nuclear_armed": "armed with nuclear weapons",
    "unsc_permanent": "a permanent member of the UN Security Council",
    "great_power": "a great power",
    "un_sanctions": "under a UN Security Council sanctions regime",
    "unilateral_sanctions": "under major unilateral sanctions",
    "armed_conflict": "at war or facing armed conflict on its territory",
    "oil_exporter": "a major oil exporter",
    "lng_exporter": "a major LNG exporter",
    "grain_exporter": "a major grain exporter",
    "semiconductor_producer": "a semiconductor producer",
    "treaty_ally_us": "a treaty ally of the United States",
}
_MATERIAL_COOPERATION = ("AID", "COOPERATE")
_MATERIAL_CONFLICT = ("ASSAULT", "COERCE", "MOBILIZE", "SANCTION")
_CATEGORY_SECTIONS = (
    ("security", "security", "Direct security implications"),
    ("economic", "economic", "Economic and trade impacts"),
    ("diplomatic", "diplomatic", "Strategic and diplomatic considerations"),
    ("opportunities", "opportunity", "Opportunities amid the challenges"),
)
_TYPE_WORDS = {
    "AGREE": "agreements",
    "CONSULT": "consultations",
    "SUPPORT": "statements of support",
    "CONCEDE": "concessions",
    "COOPERATE": "joint actions",
    "AID": "transfers of aid or military help",
    "RETREAT": "withdrawals or releases",
    "REQUEST": "demands",
    "REJECT": "refusals",
    "ACCUSE": "accusations",
    "THREATEN": "threats",
    "PROTEST": "protests",
    "SANCTION": "sanctions and restrictions",
    "MOBILIZE": "mobilisations and weapons tests",
    "COERCE": "coercive acts",
    "ASSAULT": "armed attacks",
}


def _span(e: Event) -> Citation:
    return Citation(source=e.evidence.source, start=e.evidence.start, end=e.evidence.end)


def _spans(events: list[Event] | tuple[Event, ...], limit: int = 3) -> tuple[Citation, ...]:
    out: dict[tuple[str, int], Citation] = {}
    for e in events:
        out.setdefault((e.evidence.source, e.evidence.start), _span(e))
        if len(out) >= limit:
            break
    return tuple(out.values())


def _fact(events: list[Event] | tuple[Event, ...]) -> Paragraph:
    """A fact paragraph: the lead sentences themselves, each cited."""
    seen: dict[tuple[str, int], Event] = {}
    for e in events:
        seen.setdefault((e.evidence.source, e.evidence.start), e)
    text = " ".join(e.evidence.text.strip() for e in seen.values())
    return Paragraph(text=text, tier="fact", citations=tuple(_span(e) for e in seen.values()))


def _ctx(text: str, *ids: str) -> Paragraph:
    return Paragraph(text=text, tier="context", citations=tuple(Citation(kb=i) for i in ids))


def _assess(text: str, citations: tuple[Citation, ...] | list[Citation]) -> Paragraph:
    return Paragraph(text=text, tier="assessment", citations=tuple(citations))


def _join(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def title_of(kb: KnowledgeBase, a: Analysis) -> str:
    country = kb.label(a.profile.country)
    if a.focal:
        return f"{names(kb, a.focal)}: what the latest developments mean for {country}"
    if len(a.articles) == 1 and a.articles[0].title:
        return f"{a.articles[0].title}: a brief for {country}"
    return f"Strategic brief for {country}"


def _channel(kb: KnowledgeBase, channel: str) -> str:
    return kb.channels[channel].title.lower() if channel in kb.channels else channel


def _no_actor_note(a: Analysis) -> Paragraph:
    first = a.articles[0]
    end = min(len(first.body), max(1, first.body.find("\n") if first.body.find("\n") > 0 else 200))
    return _assess(
        "No actor known to the knowledge base (state, organisation or armed group) was found in the sources, "
        "so no event could be extracted and nothing below rests on article facts; check that the text is an "
        "English news report about international affairs.",
        [Citation(source=first.id, start=0, end=end)],
    )


def _executive(kb: KnowledgeBase, a: Analysis) -> Section:
    country = kb.label(a.profile.country)
    paras: list[Paragraph] = []
    if not a.events:
        paras.append(_no_actor_note(a))
        return Section(id="executive_summary", title="Executive summary", paragraphs=tuple(paras))
    firsts = []  # each article's news lead: its first sentence with a substantive event, not the headline
    for art in a.articles:
        own = [
            e
            for e in a.events
            if e.evidence.source == art.id
            and e.type not in ("CONSULT", "SUPPORT", "REQUEST")
            and e.evidence.text.strip() != (art.title or "").strip()
        ]
        if own:
            firsts.append(min(own, key=lambda e: e.evidence.start))
    lead = firsts or [d.lead for d in a.developments[:1]]
    paras.append(_fact(lead))
    mix = sorted(((n, q) for q, n in a.quads.items() if n), reverse=True)
    mix_text = _join([f"{n} of {q}" for n, q in mix[:3]])
    top = [i for i in a.impacts if i.kind == "risk"][:3]
    text = (
        f"The sources describe {len(a.events)} events"
        + (f" centred on {names(kb, a.focal)}" if a.focal else "")
        + (f" ({mix_text})" if mix_text else "")
        + "."
    )
    own_part = [e for e in a.events if a.profile.country in (*e.actors, *e.recipients)]
    if own_part:
        text += f" {country} itself is a party to {len(own_part)} of them."
    cites: list[Citation] = list(_spans(lead))
    cites += [c for e in own_part[:2] for c in _spans([e]) if c not in cites]
    if top:
        text += (
            f" For {country}, they weigh most on "
            + _join([f"{_channel(kb, i.channel)} (score {i.score:.2f})" for i in top])
            + "."
        )
        for i in top:
            cites += [c for c in i.citations if c.kb][:1]
    paras.append(_assess(text, cites))
    short = a.outlook.get("short", [])
    if short or a.recommendations:
        parts = []
        c2: list[Citation] = []
        if short:
            d = short[0]
            parts.append(
                f"Over {a.periods['short']} the most likely development is this: {d.text.rstrip('.')} "
                f"(likelihood {d.likelihood:.0%})."
            )
            c2 += list(d.citations)
        if a.recommendations:
            r = a.recommendations[0]
            parts.append(f"The first priority for {country} is to {r.title[0].lower() + r.title[1:]}.")
            c2.append(Citation(kb=r.play))
        paras.append(_assess(" ".join(parts), c2))
    return Section(id="executive_summary", title="Executive summary", paragraphs=tuple(paras))


def _background(kb: KnowledgeBase, a: Analysis) -> Section:
    paras: list[Paragraph] = []
    for rel in a.relationships:
        paras.append(_ctx(rel.text, rel.id))
    for code in a.focal:
        actor = kb.actors.get(code)
        if actor is None:
            continue
        attrs = [_ATTRIBUTE_PHRASES[x] for x in actor.attributes if x in _ATTRIBUTE_PHRASES]
        groups = [kb.acronym(m) for m in actor.memberships if m != "UN"][:6]
        if not attrs and not groups:
            continue
        text = f"{capitalise(kb.label(code))} is " + (_join(attrs) if attrs else "a state")
        text += f"; it belongs to {_join(groups)}." if groups else "."
        paras.append(_ctx(text, code))
    places = list(dict.fromkeys(p for e in a.events for p in e.places))
    for pid in places[:2]:
        place = kb.places[pid]
        if place.note:
            paras.append(_ctx(place.note, pid))
    if not paras:
        paras.append(
            _assess(
                "The knowledge base holds no background entry on the actors of these sources.", _spans(a.events[:1])
            )
        )
    return Section(id="background", title="Background", paragraphs=tuple(paras))


def _developments(a: Analysis, quoted: set[tuple[str, int]]) -> Section:
    """Key developments by date; a sentence the executive summary already quoted is not repeated."""
    paras = []
    devs: list[KeyDevelopment] = sorted(
        a.developments[:MAX_DEVELOPMENTS],
        key=lambda d: (d.lead.date or "9999", d.lead.evidence.source, d.lead.evidence.start),
    )
    used: set[tuple[str, int]] = set(quoted)
    for d in devs:
        fresh = [e for e in d.events if (e.evidence.source, e.evidence.start) not in used][:1]
        if not fresh:
            continue
        used |= {(e.evidence.source, e.evidence.start) for e in fresh}
        paras.append(_fact(fresh))
    if not paras and a.events:
        lead = [d.lead for d in devs[:2]]
        paras.append(
            _assess("The sources report no development beyond those quoted in the executive summary.", _spans(lead))
        )
    if not paras:
        paras.append(_no_actor_note(a))
    return Section(id="key_developments", title="Key developments", paragraphs=tuple(paras))


def _rationale(kb: KnowledgeBase, a: Analysis) -> Section:
    paras = []
    for r in a.rationale:
        name = kb.label(r.actor)
        if not r.interests:
            own = [e for e in a.events if r.actor in e.actors]
            if own:
                kinds = _join(sorted({_TYPE_WORDS[e.type] for e in own})[:3])
                paras.append(
                    _assess(
                        f"{name} appears here through {kinds}; the knowledge base records no interest of {name} "
                        "that these events serve, so its motives are left open.",
                        _spans(own),
                    )
                )
            continue
        phrases = [i.text for i, _ in r.interests]
        events = [e for _, evs in r.interests for e in evs]
        kinds = _join(sorted({_TYPE_WORDS[e.type] for e in events})[:3])
        text = (
            f"For {name}, the {kinds} in these sources serve its interest in {phrases[0]}"
            + (f", and also in {_join(phrases[1:])}" if len(phrases) > 1 else "")
            + "."
        )
        cites = list(_spans(events, 2)) + [Citation(kb=i.id) for i, _ in r.interests]
        paras.append(_assess(text, cites))
    if not paras:
        paras.append(
            _assess("The sources name no actor whose motives the knowledge base can explain.", _spans(a.events[:1]))
        )
    return Section(id="strategic_rationale", title="Strategic rationale", paragraphs=tuple(paras))


def _trend_paragraph(kb: KnowledgeBase, a: Analysis) -> Paragraph:
    t = a.trend
    assert t is not None
    who = names(kb, list(t.actors))
    (c1, k1, i1), (c0, k0, i0) = t.recent, t.before
    direction = "warmer" if i1 > i0 else "colder" if i1 < i0 else "unchanged"
    text = (
        f"Counting {'all stored reporting' if t.stored else 'the reporting at hand'} on {who}, the six months to "
        f"{t.window_end} hold {c1} cooperative and {k1} "
        f"conflictual events against {c0} and {k0} in the six months before; the cooperation-conflict index "
        f"(PLOVER type weights) moved from {i0:+.1f} to {i1:+.1f}, a {direction} relationship."
    )
    if direction == "unchanged":
        text = text.replace(", a unchanged relationship.", ", no change in the relationship.")
    involved = [e for e in a.events if set(t.actors) & {*e.actors, *e.recipients}]
    return _assess(text, _spans(involved or list(a.events), 2))


def _pattern(kb: KnowledgeBase, a: Analysis) -> Section:
    paras = []
    if a.trend:
        paras.append(_trend_paragraph(kb, a))
    for found in a.patterns:
        text = found.rule.text.replace("{A}", kb.label(found.a)).replace("{B}", kb.label(found.b or ""))
        text = re.sub(r"(\w+s)'s\b", r"\1'", text)  # "the Philippines's" -> "the Philippines'"
        paras.append(_assess(capitalise(text), [*_spans(found.events, 3), Citation(kb=found.rule.id)]))
    if a.events:
        total = len(a.events)
        coop = a.quads["verbal cooperation"] + a.quads["material cooperation"]
        conf = a.quads["verbal conflict"] + a.quads["material conflict"]
        text = (
            f"Of the {total} events, {coop} are cooperative and {conf} conflictual; "
            f"{a.quads['material conflict']} involve material conflict and {a.quads['material cooperation']} material cooperation."
        )
        if a.contexts:
            text += " The recurring themes are " + _join([kb.contexts[c].title for c, _ in a.contexts[:3]]) + "."
        paras.append(_assess(text, _spans(a.events, 3)))
        # an actor that gives or gets material help while in material conflict links the events
        said = False
        for code in a.focal:
            helped = [e for e in a.events if e.type in _MATERIAL_COOPERATION and code in (*e.actors, *e.recipients)]
            fights = [e for e in a.events if e.type in _MATERIAL_CONFLICT and code in e.actors]
            partners = [p for e in helped for p in (*e.actors, *e.recipients) if p != code]
            if not (helped and fights and partners):
                continue
            paras.append(
                _assess(
                    f"{capitalise(kb.label(code))} combines material cooperation with {names(kb, partners[:2])} "
                    f"({_join(sorted({_TYPE_WORDS[e.type] for e in helped})[:2])}) with "
                    f"{_join(sorted({_TYPE_WORDS[e.type] for e in fights})[:2])} of its own."
                    + (
                        ""
                        if said
                        else " Each strand sustains the other: what one partnership supplies becomes capacity for "
                        "pressure elsewhere, which is why the developments are better read together than one by one."
                    ),
                    _spans([helped[0], fights[0]], 2),
                )
            )
            said = True
        r = a.risk
        if r["threat"] or r["act"]:
            text = (
                f"Measured with the Caldara-Iacoviello geopolitical-risk word groups, {r['threat']} of the "
                f"{r['sentences']} sentences in the sources carry threat language and {r['act']} describe acts of war "
                "or terror; "
                + (
                    "the situation has moved from words to deeds."
                    if r["act"] > r["threat"]
                    else "the pressure is still mostly in words, with room to escalate."
                )
            )
            paras.append(_assess(text, _spans([e for e in a.events if e.type in ("THREATEN", "ASSAULT", "COERCE")], 2)))
    else:
        paras.append(_no_actor_note(a))
    return Section(id="broader_pattern", title="Broader pattern", paragraphs=tuple(paras))


def _outlook(a: Analysis) -> Section:
    subs = []
    for h, sid, label in (
        ("short", "short_term", "Short term"),
        ("medium", "medium_term", "Medium term"),
        ("long", "long_term", "Long term"),
    ):
        paras = []
        for d in a.outlook.get(h, []):
            text = (
                f"{d.text.rstrip('.')} (likelihood {d.likelihood:.0%}). Signposts to watch: "
                + "; ".join(d.signposts)
                + "."
            )
            if d.responses:
                text += " " + " ".join(d.responses)
            paras.append(_assess(text, d.citations))
        if not paras:
            paras.append(
                _assess(
                    "No outlook rule of the knowledge base matches the events of these sources at this horizon; "
                    "the sources give nothing to project.",
                    _spans(a.events[:1]) if a.events else [],
                )
            )
        subs.append(Section(id=sid, title=f"{label} ({a.periods[h]})", paragraphs=tuple(paras)))
    return Section(id="outlook", title="Outlook", sections=tuple(subs))


def _impact_paragraphs(kb: KnowledgeBase, a: Analysis, impact: Impact, stated: set[str]) -> list[Paragraph]:
    title = kb.channels[impact.channel].title
    text = (
        f"{title} (score {impact.score:.2f}, range {impact.low:.2f}-{impact.high:.2f}, {impact.kind}). {impact.summary}"
    )
    out = [_assess(text, impact.citations)]
    weight = next((w for w in a.profile.weights if w.channel == impact.channel), None)
    if weight:
        relevant = _relevant_exposures(kb, [e for e in a.events if e.id in impact.events], list(weight.basis))
        chosen = [e for e in relevant if e.id not in stated][:2]  # each exposure is stated once in a brief
        stated.update(e.id for e in chosen)
        if chosen:
            out.append(_ctx(" ".join(e.text for e in chosen), *[e.id for e in chosen]))
    return out


def _relevant_exposures(kb: KnowledgeBase, events: list[Event], basis: list[str]) -> list[Exposure]:
    """The exposure entries that tie these events to the target, most specific first; entries about
    other places or partners are left out."""
    codes = {c for e in events for c in (*e.actors, *e.recipients)}
    places = {p for e in events for p in e.places}
    regions = {kb.actors[c].region for c in codes if c in kb.actors and kb.actors[c].region}
    regions |= {kb.places[p].region for p in places if p in kb.places}
    scored = []
    for n, eid in enumerate(basis):
        exp = kb.exposure(eid)
        if exp is None:
            continue
        score = 2 * bool(set(exp.partners) & codes) + 2 * bool(set(exp.places) & places)
        score += bool(set(exp.regions) & regions)
        if (exp.places or exp.regions or exp.partners) and score == 0:
            continue  # about some other place or partner
        scored.append((-score, n, exp))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [exp for _, _, exp in scored]


def _impact(kb: KnowledgeBase, a: Analysis) -> Section:
    country = kb.label(a.profile.country)
    subs = []
    stated: set[str] = set()
    for sid, category, label in _CATEGORY_SECTIONS:
        paras: list[Paragraph] = []
        for impact in [i for i in a.impacts if i.category == category][:IMPACTS_PER_CATEGORY]:
            paras += _impact_paragraphs(kb, a, impact, stated)
        if not paras:
            paras.append(
                _assess(
                    f"Nothing in these sources reaches {country} through its {label.lower()} channels "
                    "by any impact rule of the knowledge base.",
                    _spans(a.events[:1]) if a.events else [],
                )
            )
        subs.append(Section(id=sid, title=label, paragraphs=tuple(paras)))
    return Section(id="impact", title=f"Impact on {country}", sections=tuple(subs))


def _recommendations(kb: KnowledgeBase, a: Analysis) -> Section:
    country = kb.label(a.profile.country)
    paras = []
    for r in a.recommendations:
        chans = _join([_channel(kb, c) for c in r.channels])
        text = f"{r.priority}. {r.title}" + (f" (for {chans})" if chans else "") + f". {r.text}"
        paras.append(_assess(text, [Citation(kb=r.play)]))
    if not paras:
        paras.append(
            _assess(
                f"No impact on {country} was found, so the playbook offers no recommendation.", _spans(a.events[:1])
            )
        )
    return Section(id="recommendations", title=f"Policy recommendations for {country}", paragraphs=tuple(paras))


def _conclusion(kb: KnowledgeBase, a: Analysis) -> Section:
    country = kb.label(a.profile.country)
    if not a.events:
        return Section(id="conclusion", title="Conclusion", paragraphs=(_no_actor_note(a),))
    risks = [i for i in a.impacts if i.kind == "risk"][:2]
    opps = [i for i in a.impacts if i.kind == "opportunity"][:1]
    paras = []
    focal = names(kb, a.focal) or "the actors in these sources"
    text = f"For {country}, what matters in the conduct of {focal} is less the events themselves than the paths by which they reach it"
    if risks:
        text += ": chiefly " + _join([_channel(kb, i.channel) for i in risks])
    text += "."
    if opps:
        text += f" There is also an opening, in {_channel(kb, opps[0].channel)}."
    cites = [c for i in risks + opps for c in i.citations[:1]] or list(_spans(a.events[:1]))
    paras.append(_assess(text, cites))
    longs = a.outlook.get("long", []) + a.outlook.get("medium", [])
    if longs or a.recommendations:
        parts = []
        c2: list[Citation] = []
        if longs:
            parts.append(f"Looking further out, {longs[0].text[0].lower() + longs[0].text[1:]}")
            c2 += list(longs[0].citations)
        if a.recommendations:
            firsts = _join([r.title[0].lower() + r.title[1:] for r in a.recommendations[:2]])
            parts.append(f"{country} is best placed if it moves early to {firsts}.")
            c2 += [Citation(kb=r.play) for r in a.recommendations[:2]]
        paras.append(_assess(" ".join(parts), c2))
    return Section(id="conclusion", title="Conclusion", paragraphs=tuple(paras))


def compose(kb: KnowledgeBase, a: Analysis) -> tuple[Section, ...]:
    """The required sections of the brief contract, in order."""
    executive = _executive(kb, a)
    quoted = {
        (c.source, c.start or 0) for p in executive.paragraphs if p.tier == "fact" for c in p.citations if c.source
    }
    case = Section(
        id="case_study",
        title="Case study",
        sections=(_background(kb, a), _developments(a, quoted), _rationale(kb, a), _pattern(kb, a)),
    )
    return (
        executive,
        case,
        _outlook(a),
        _impact(kb, a),
        _recommendations(kb, a),
        _conclusion(kb, a),
    )
