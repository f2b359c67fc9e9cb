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


_COREF: PhraseMatcher[str] = PhraseMatcher(
    [
        ("that country", "state"),
        ("the country", "state"),
        ("that nation", "state"),
        ("it", "it"),
        ("he", "leader"),
        ("she", "leader"),
        ("the president", "leader"),
        ("the leader", "leader"),
        ("the prime minister", "leader"),
    ]
)
LEADER_REACH = 1  # sentences after a named leader in which "he" or "the president" still refers to them


class _Coreference:
    """Resolves "that country", "he", "the president" to the last state or leader named."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.state: Mention | None = None
        self.leader: Mention | None = None
        self.leader_sentence = -99
        self.state_sentence = -99
        self.short: dict[str, Mention] = {}

    def resolve(self, index: int, tokens: list[Token], found: list[Mention], text: str, offset: int) -> list[Mention]:
        out = list(found)
        for i, j, kind in _COREF.find(tokens):
            start, end = tokens[i].start, tokens[j - 1].end
            if any(m.start <= start < m.end for m in found):
                continue
            before = [m for m in found if m.end <= start]
            state = next((m for m in reversed(before) if self._is_state(m)), self.state)
            # subjects are preferred referents: the first leader named in this sentence, else in the last
            leader = next((m for m in before if m.how == "leader"), None)
            if leader is None and index - self.leader_sentence <= LEADER_REACH:
                leader = self.leader
            if kind == "it":  # only a state named in this or the previous sentence
                recent = next((m for m in reversed(before) if self._is_state(m)), None)
                if recent is None and index - self.state_sentence <= 1:
                    recent = self.state
                state, kind = recent, "state"
            ref = state if kind == "state" else leader
            if ref is None:
                continue
            out.append(
                Mention(
                    actor=ref.actor,
                    entity=ref.entity,
                    start=start,
                    end=end,
                    text=text[start - offset : end - offset],
                    how="coref",
                    role="GOV" if kind == "leader" else ref.role,
                )
            )
        first_leader = next((m for m in found if m.how == "leader"), None)
        if first_leader is not None:
            self.leader, self.leader_sentence = first_leader, index
            self._remember_short_names(first_leader)
        for m in found:
            if self._is_state(m):
                self.state, self.state_sentence = m, index
        out += self._short_names(tokens, out, text, offset)
        return sorted(out, key=lambda m: m.start)

    def _remember_short_names(self, m: Mention) -> None:
        """After "Kim Jong Un", a later "Kim" in the same article is the same leader."""
        parts = m.text.split()
        if len(parts) > 1:
            for part in (parts[0], parts[-1]):
                self.short.setdefault(part, m)

    def _short_names(self, tokens: list[Token], found: list[Mention], text: str, offset: int) -> list[Mention]:
        out = []
        for tok in tokens:
            ref = self.short.get(tok.text)
            if ref is None or any(m.start <= tok.start < m.end for m in found):
                continue
            out.append(
                Mention(
                    actor=ref.actor,
                    entity=ref.entity,
                    start=tok.start,
                    end=tok.end,
                    text=text[tok.start - offset : tok.end - offset],
                    how="leader",
                    role="GOV",
                )
            )
        return out

    def _is_state(self, m: Mention) -> bool:
        actor = self.kb.actors.get(m.entity)
        return actor is not None and actor.kind == "state"


def extract(article: Article, kb: KnowledgeBase) -> Extraction:
    """Sentences, mentions and events of ``article``."""
    gaz = gazetteer(kb)
    lex = lexicon()
    sentences = split_sentences(article.body)
    mentions: list[Mention] = []
    events: list[Event] = []
    contexts: list[tuple[str, ...]] = []
    places: list[tuple[str, ...]] = []
    coref = _Coreference(kb)
    for sent in sentences:
        tokens = tokenize(sent.text, sent.start)
        found = gaz.find_tokens(tokens, text=sent.text, offset=sent.start, date=article.published)
        found = coref.resolve(sent.index, tokens, found, sent.text, sent.start)
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
