"""Run the extraction stages over one article.

Stages, each a function of the previous stage's output:
``split_sentences`` -> gazetteer mentions -> places and contexts per sentence
-> ``find_events`` -> quantities and dates attached to each event.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache

from geobrief.extract.dates import find_dates
from geobrief.extract.events import find_events, keyword_regex, lexicon
from geobrief.extract.gazetteer import gazetteer
from geobrief.extract.quantities import find_quantities
from geobrief.extract.sentences import split_sentences
from geobrief.kb.loader import KnowledgeBase
from geobrief.model import Article, Event, Evidence, Mention, Sentence

__all__ = ["Extraction", "Topics", "extract", "topics"]


@dataclass(frozen=True, kw_only=True)
class Extraction:
    """What extraction found in one article."""

    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]
    contexts: tuple[tuple[str, ...], ...]  # per sentence
    places: tuple[tuple[str, ...], ...]  # per sentence


@dataclass(frozen=True)
class Topics:
    """Compiled keyword patterns of the knowledge base's contexts and places."""

    contexts: re.Pattern[str]
    context_of: tuple[str, ...]
    places: re.Pattern[str]
    place_of: dict[str, str]


def _words(words: list[str]) -> str:
    return r"(?<![\w-])(?:" + "|".join(keyword_regex(w) for w in words) + r")(?![\w-])"


@cache
def topics(kb: KnowledgeBase) -> Topics:
    """Context and place patterns for ``kb``, compiled once."""
    ids = tuple(kb.contexts)
    ctx = re.compile("|".join(f"({_words(c.keywords)})" for c in kb.contexts.values()), re.I)
    place_of: dict[str, str] = {}
    for place in kb.places.values():
        for form in [place.name, *place.aliases]:
            place_of[form.lower()] = place.id
    forms = sorted(place_of, key=len, reverse=True)
    if forms:
        plc = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w-])", re.I)
    else:
        plc = re.compile(r"(?!x)x")
    return Topics(ctx, ids, plc, place_of)


def _sentence_topics(kb: KnowledgeBase, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    tp = topics(kb)
    found: dict[str, None] = {}
    for m in tp.contexts.finditer(text):
        found[tp.context_of[(m.lastindex or 1) - 1]] = None
    places = tuple(dict.fromkeys(tp.place_of[m.group(0).lower()] for m in tp.places.finditer(text)))
    for pid in places:
        for c in kb.places[pid].contexts:
            found[c] = None
    return tuple(found), places


def extract(article: Article, kb: KnowledgeBase) -> Extraction:
    """Sentences, mentions and events of ``article``."""
    gaz = gazetteer(kb)
    lex = lexicon()
    sentences = split_sentences(article.body)
    mentions: list[Mention] = []
    events: list[Event] = []
    contexts: list[tuple[str, ...]] = []
    places: list[tuple[str, ...]] = []
    for sent in sentences:
        found = gaz.find(sent.text, date=article.published, offset=sent.start)
        mentions.extend(found)
        ctx, plc = _sentence_topics(kb, sent.text)
        contexts.append(ctx)
        places.append(plc)
        raw = find_events(sent, found, lex)
        if not raw:
            continue
        quantities = find_quantities(sent.text, sent.start)
        dates = find_dates(sent.text, article.published)
        for n, ev in enumerate(raw):
            # a quantity belongs to the nearest event trigger in the sentence
            mine = tuple(q for q in quantities if min(raw, key=lambda r: abs(r.trigger_start - q.start)) is ev)
            date = dates[0][2] if dates else None
            roles = {m.actor: m.role or "" for m in reversed(found)}
            eid = hashlib.sha256(f"{article.id}:{sent.start}:{n}:{ev.type}".encode()).hexdigest()[:12]
            events.append(
                Event(
                    id=f"e{eid}",
                    type=ev.type,
                    mode=ev.mode,
                    actors=ev.actors,
                    recipients=ev.recipients,
                    actor_roles=tuple(roles.get(a, "") for a in ev.actors),
                    recipient_roles=tuple(roles.get(r, "") for r in ev.recipients),
                    date=date,
                    quantities=mine,
                    status=ev.status,
                    contexts=ctx,
                    places=plc,
                    trigger=ev.trigger,
                    trigger_start=ev.trigger_start,
                    evidence=Evidence(source=article.id, start=sent.start, end=sent.end, text=sent.text),
                )
            )
    return Extraction(
        article=article,
        sentences=tuple(sentences),
        mentions=tuple(mentions),
        events=tuple(events),
        contexts=tuple(contexts),
        places=tuple(places),
    )
