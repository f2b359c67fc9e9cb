"""Run the extraction stages over one article.

Stages, each a function of the previous stage's output:
``split_sentences`` -> gazetteer mentions -> places and contexts per sentence
-> ``find_events`` -> quantities and dates attached to each event.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from geobrief.extract.dates import find_dates
from geobrief.extract.events import find_events, lexicon
from geobrief.extract.gazetteer import gazetteer
from geobrief.extract.quantities import find_quantities
from geobrief.extract.sentences import split_sentences
from geobrief.extract.tokens import PhraseMatcher, Token, tokenize
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
    contexts: tuple[tuple[str, ...], ...]  # per sentence (computed for sentences with events)
    places: tuple[tuple[str, ...], ...]  # per sentence (computed for sentences with events)


@dataclass(frozen=True)
class Topics:
    """Keyword matchers of the knowledge base's contexts and places."""

    contexts: PhraseMatcher[str]  # payload: context id
    places: PhraseMatcher[str]  # payload: place id


@cache
def topics(kb: KnowledgeBase) -> Topics:
    """Context and place matchers for ``kb``, built once."""
    ctx = PhraseMatcher((w, c.id) for c in kb.contexts.values() for w in c.keywords)
    plc = PhraseMatcher((form, p.id) for p in kb.places.values() for form in [p.name, *p.aliases])
    return Topics(ctx, plc)


def _sentence_topics(kb: KnowledgeBase, tokens: list[Token]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    tp = topics(kb)
    found = dict.fromkeys(c for _, _, c in tp.contexts.find(tokens))
    places = tuple(dict.fromkeys(p for _, _, p in tp.places.find(tokens)))
    for pid in places:
        found.update(dict.fromkeys(kb.places[pid].contexts))
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
        tokens = tokenize(sent.text, sent.start)
        found = gaz.find_tokens(tokens, text=sent.text, offset=sent.start, date=article.published)
        mentions.extend(found)
        raw = find_events(sent, tokens, found, lex)
        if not raw:
            contexts.append(())
            places.append(())
            continue
        ctx, plc = _sentence_topics(kb, tokens)
        contexts.append(ctx)
        places.append(plc)
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
