"""Run the extraction stages over one article.

Stages, each a function of the previous stage's output:
``split_sentences`` -> gazetteer mentions -> places and contexts per sentence
-> ``find_events`` -> quantities and dates attached to each event.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import pairwise
from operator import attrgetter, itemgetter

from geobrief.extract.dates import find_dates
from geobrief.extract.events import Cues, RawEvent, find_events, lexicon
from geobrief.extract.gazetteer import gazetteer
from geobrief.extract.gpr import gpr_rules
from geobrief.extract.gpr import tag as gpr_tag
from geobrief.extract.quantities import find_quantities
from geobrief.extract.sentences import split_sentences
from geobrief.extract.tokens import PhraseMatcher, Token, longest, tokenize
from geobrief.kb.loader import KnowledgeBase
from geobrief.model import Article, Event, Evidence, Mention, Quantity, Sentence

__all__ = ["Extraction", "extract", "words"]


@dataclass(frozen=True, kw_only=True)
class Extraction:
    """What extraction found in one article."""

    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]
    contexts: tuple[tuple[str, ...], ...]  # per sentence
    places: tuple[tuple[str, ...], ...]  # per sentence
    gpr: tuple[frozenset[str], ...] = ()  # per sentence: "threat" and/or "act" (Caldara-Iacoviello)


_COREF_PHRASES = [
    ("that country", "state"), ("the country", "state"), ("that nation", "state"), ("it", "it"), ("its", "it"),
    ("he", "leader"), ("she", "leader"), ("his", "leader"), ("her", "leader"), ("the president", "official"),
    ("the leader", "official"), ("the prime minister", "official"), ("the deputy prime minister", "official"),
    ("the minister", "official"), ("the foreign minister", "official"), ("the defence minister", "official"),
    ("the defense minister", "official"), ("the secretary", "official"), ("the spokesperson", "official"),
    ("official spokesperson", "official"), ("the spokesman", "official"), ("the ministry", "official"),
    ("external affairs minister", "official"), ("the chancellor", "official"), ("a ministry spokesperson", "official"),
    ("a foreign ministry spokesperson", "official"), ("a foreign ministry spokesman", "official"),
    ("a foreign ministry spokeswoman", "official"), ("a spokesperson", "official"), ("a spokesman", "official"),
    ("a spokeswoman", "official"), ("the spokeswoman", "official"), ("a government spokesperson", "official"),
    ("both ministers", "pair"), ("the two ministers", "pair"), ("both delegations", "pair"), ("both parties", "pair"),
    ("the two leaders", "pair"), ("both leaders", "pair"), ("the two delegations", "pair"), ("the two armies", "pair"),
    ("both armies", "pair"), ("the two navies", "pair"), ("both navies", "pair"), ("the two militaries", "pair"),
    ("the two governments", "pair"), ("the leaders", "body"), ("the bloc", "body"), ("the alliance", "body"),
    ("the agency", "body"), ("the organisation", "body"), ("the organization", "body"), ("the group", "body"),
    ("the ministers", "body"), ("the body", "body"), ("the militia", "body"), ("the movement", "body"),
    ("police", "domestic"), ("the police", "domestic"), ("riot police", "domestic"), ("the government", "domestic"),
    ("the authorities", "domestic"), ("authorities", "domestic"), ("the army", "domestic"),
    ("the military", "domestic"), ("security forces", "domestic"), ("the security forces", "domestic"),
    ("the junta", "domestic"), ("the kingdom", "domestic"), ("the sultanate", "domestic"), ("the emirate", "domestic"), ("the assembly", "body"), ("the council", "body"), ("the interior ministry", "domestic"), ("the foreign ministry", "domestic"),
    ("the defence ministry", "domestic"), ("the defense ministry", "domestic"), ("a magistrate", "domestic"),
    ("a court", "domestic"), ("prosecutors", "domestic"), ("the coast guard", "domestic"), ("the navy", "domestic"),
    ("both sides", "pair"), ("both governments", "pair"), ("both countries", "pair"), ("both armies", "pair"),
    ("the two countries", "pair"), ("the two sides", "pair"), ("the two governments", "pair"),
    ("the neighbours", "pair"), ("the neighbors", "pair"), ("the two neighbours", "pair"), ("both neighbours", "pair"),
    ("the two kingdoms", "pair"), ("the two states", "pair"), ("both states", "pair"), ("the two nations", "pair"),
    ("both nations", "pair"), ("the two capitals", "pair"), ("both capitals", "pair"), ("the two presidents", "pair"),
    ("both presidents", "pair"), ("the two prime ministers", "pair"), ("the two foreign ministers", "pair"),
    ("the two defence ministers", "pair"), ("the two defense ministers", "pair"), ("the two coast guards", "pair"),
    ("both coast guards", "pair"), ("the two foreign ministries", "pair"), ("the two border forces", "pair"),
    ("we", "we"), ("our", "we"), ("they", "group"), ("the coalition", "group"), ("the allies", "group"),
    ("the international group", "group"), ("the partners", "group"),
]  # fmt: skip
# a wire story's dateline ("LUSAKA —", "WASHINGTON –"): the city the story is filed from
_DATELINE_DASH = re.compile(r"[A-Z.]\s+[—–-]{1,2}\s")
_DATELINE = re.compile(r"(?:^|\s)([A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3})(?:, [A-Z][A-Za-z.]+)?\s+[—–-]{1,2}\s")
# words that make an actor mention stand for a person speaking for it ("Khaled Khiari, UN Assistant
# Secretary-General", "the Secretary-General of the IMO"): a later "he" or "she" is that actor
_TITLES = frozenset(
    [
        "secretary-general", "under-secretary-general", "assistant", "envoy", "spokesperson", "spokesman",
        "spokeswoman", "ambassador", "representative", "minister", "chief", "director", "director-general",
        "coordinator", "commissioner", "president", "chair", "chairman", "chairwoman", "head", "official",
        "commander", "secretary", "general", "delegate",
    ]
)  # fmt: skip
_WORD = re.compile(r"[\w-]+")
_LIST_GAPS = (" and ", ", ", ", and ")  # what stands between the names of a list ("Egypt and Turkey")
_CLAUSE_JOINS = frozenset(
    ["and", "but", "since", "after", "because", "when", "until", "before", "once", "although", "though"]
)
# the nouns by which a body's own name is recalled ("the Agency" is the IAEA even after "the Council")
_BODY_HEADS = frozenset(["agency", "organisation", "organization", "assembly", "council", "union", "alliance"])
BODY_REACH = 10  # sentences after a named organisation in which "the bloc" or "the group" still refers to it


@cache
def words(kb: KnowledgeBase) -> PhraseMatcher[tuple[str, object]]:
    """One matcher for every word cue of a sentence: triggers, modes and status (the lexicon), contexts (X)
    and places (P) of the knowledge base, and coreference phrases (C); built once."""
    entries = list(lexicon().entries)
    entries += [(w, ("X", c.id)) for c in kb.contexts.values() for w in c.keywords]
    entries += [(form, ("P", p.id)) for p in kb.places.values() for form in [p.name, *p.aliases]]
    entries += [(phrase, ("C", kind)) for phrase, kind in _COREF_PHRASES]
    entries += list(gpr_rules().entries)
    entries += [(form, ("A", form)) for form in gazetteer(kb).forms]
    return PhraseMatcher(entries, case_sensitive_if=lambda p: p[0] == "A")


GROUP_REACH = 2  # sentences after states named together in which "they" still refers to them
LEADER_REACH = 1  # sentences after a named leader in which "he" or "the president" still refers to them


def _stand_in(ref: Mention, start: int, end: int, text: str, offset: int, role: str | None) -> Mention:
    """A coreference mention at [start, end) of ``text`` (which starts at ``offset``) standing for ``ref``."""
    return Mention(actor=ref.actor, entity=ref.entity, start=start, end=end, text=text[start - offset : end - offset],
                   how="coref", role=role)  # fmt: skip


class _Coreference:
    """Resolves "that country", "he", "the president" to the last state or leader named."""

    def __init__(self, kb: KnowledgeBase, focal: Mention | None = None, publisher: Mention | None = None) -> None:
        self.kb = kb
        self.kinds = _kinds(kb)
        self.publisher = publisher  # the government or body that issued the text: "we" when no one is quoted
        # the state a story is about: its dateline's, else the first state it names; unqualified "police",
        # "the government" or "the army" are that state's
        self.focal = focal
        self.dateline = focal  # the state of the place the text is filed from, if it names one
        self.state: Mention | None = None
        self.leader: Mention | None = None
        self.leader_sentence = -99
        self.pending: tuple[int, list[Mention], str, int] | None = None
        self.signatories: list[Mention] | None = None  # the parties of a joint statement ("We, the ...")
        self.gov: Mention | None = None  # the last government named ("China's Ministry of Commerce")
        self.gov_sentence = -99
        self.state_sentence = -99
        self.short: dict[str, Mention] = {}
        self.body: Mention | None = None
        self.body_sentence = -99
        self.states: dict[str, Mention] = {}  # states named in earlier sentences, by code, last named last
        self.body_words: dict[str, Mention] = {}  # the last body named whose full name has the word
        self.prev_first: tuple[Mention, int] | None = None  # the first state or body of the last sentence
        self.council: Mention | None = None  # a council other than the Security Council, named in full
        self.counts: dict[str, int] = {}  # how often each state has been named, first named first
        self.group: list[Mention] = []  # the last states named together ("Egypt and Turkey", "both ministers")
        self.group_sentence = -99

    def resolve(
        self,
        index: int,
        tokens: list[Token],
        found: list[Mention],
        text: str,
        offset: int,
        phrases: list[tuple[int, int, str]],
    ) -> list[Mention]:
        if self.council is not None and any(m.entity == "UNSC" and m.text.lower() == "the council" for m in found):
            # "the Council" of a text about the Council of the EU is that Council, not the Security Council
            found = [_stand_in(self.council, m.start, m.end, text, offset, m.role)
                     if m.entity == "UNSC" and m.text.lower() == "the council" else m for m in found]  # fmt: skip
        out = list(found)
        for i, j, kind in phrases:
            start, end = tokens[i].start, tokens[j - 1].end
            if any(m.start < end and start < m.end for m in found):
                continue  # part of a name found ("the Secretary" of "the Secretary-General")
            before = sorted((m for m in out if m.end <= start), key=lambda m: m.start)
            state = next((m for m in reversed(before) if self._is_state(m)), self.state)
            if kind == "group":  # "they": the states last named together, in this or the last two sentences
                here = self._named_together(before, text, offset)
                group = here or (self.group if index - self.group_sentence <= GROUP_REACH else [])
                for member in group:
                    out.append(_stand_in(member, start, end, text, offset, member.role))
                continue
            if kind == "pair":  # "both sides", "the two countries": the two states the story has named most
                for two in self._most_named_pair():
                    out.append(_stand_in(two, start, end, text, offset, two.role))
                continue
            # subjects are preferred referents: the first leader named in this sentence, else in the last
            leader = next((m for m in before if m.how == "leader"), None)
            if leader is None and kind == "leader":  # an official named with a title earlier in this sentence
                leader = next((m for m in reversed(before) if self._titled(m, text, offset)), None)
            if (
                leader is None
                and kind == "leader"
                and self.pending is not None
                and self.pending[0] > self.leader_sentence
            ):
                at, ms, txt, off = self.pending
                self.pending = None
                titled = next((m for m in ms if self._titled(m, txt, off)), None)
                if titled is not None:
                    self.leader, self.leader_sentence = titled, at
            if leader is None and index - self.leader_sentence <= LEADER_REACH:
                leader = self.leader
            if kind == "it":  # only a state or organisation named in this or the previous sentence
                named = [m for m in before if self._is_state(m) or self._is_body(m)]
                # "Baku freed four Armenian servicemen, and it has lifted a ban": a subject again after "and"
                # ... and after "since", "because" and the like: "Pyongyang has ignored Seoul since it cut off ..."
                again = i > 0 and tokens[i - 1].low in _CLAUSE_JOINS and tokens[i].low == "it"
                if i > 0 and tokens[i - 1].low in ("which", "whom") and tokens[i].low == "it":
                    named = named[:-1]  # "Hezbollah, which it accused": not the noun "which" stands for
                    again = True
                recent = (named[0] if again else named[-1]) if named else None
                if recent is None and tokens[i].low == "it" and self.prev_first and self.prev_first[1] == index - 1:
                    recent = self.prev_first[0]  # "Washington has courted Jakarta. In October it lifted": the subject
                if recent is None:
                    last = max((self.state, self.state_sentence), (self.body, self.body_sentence),
                               key=lambda r: (r[1], r[0].start if r[0] else -1))  # fmt: skip
                    recent = last[0] if index - last[1] <= 1 else None
                state, kind = recent, "state"
            if kind == "official":  # "the prime minister": the leader just named, else the story's own state
                kind = "leader" if leader is not None or index - self.leader_sentence <= LEADER_REACH else "domestic"
                gov = next((m for m in reversed(before) if m.role == "GOV" and self._is_state(m)), None)
                ministry = tokens[j - 1].low in ("ministry", "spokesperson", "spokesman", "spokeswoman")
                if kind == "domestic" and ministry and (gov or (self.gov if index - self.gov_sentence <= 1 else None)):
                    # "China's Ministry of Commerce said ... The ministry also opened": that government
                    state, kind = gov or self.gov, "state"
            if (
                kind == "we"
                and self.signatories is None
                and i == 0
                and tokens[i].text == "We"
                and (len(tokens) > 1 and tokens[1].text == ",")
            ):
                # "We, the Ministers of the African Union and of the European Union, ...": a joint statement
                self.signatories = [m for m in found if (self._is_state(m) or self._is_body(m)) and m.how != "capital"][
                    :4
                ]
            if kind == "we" and self.signatories and not leader:
                for signatory in self.signatories:
                    out.append(_stand_in(signatory, start, end, text, offset, "GOV"))
                continue
            if kind == "we":  # the official or leader speaking, else the text's publisher, else its dateline's state
                state, kind = leader or (self.leader if index - self.leader_sentence <= LEADER_REACH else None) or (
                    self.publisher) or self.dateline, "state"  # fmt: skip
            of_state: Mention | None = None
            if kind == "domestic" and text[end - offset : end - offset + 4] == " of ":
                # "the Government of Spain": the state named after it
                of_state = next((m for m in found if 0 < m.start - end <= 9 and self._is_state(m)), None)
            if of_state is not None:
                out.append(_stand_in(of_state, start, end, text, offset, "GOV"))
                continue
            if kind == "domestic":  # "police", "the government": of the state just named, else the story's
                owner = next((m for m in reversed(before) if self._is_state(m) and (
                    0 <= start - m.end <= 3 or text[m.end - offset : m.end - offset + 2] in ("'s", "’s"))), None)  # fmt: skip
                state, kind = owner or self.focal, "state"
            if kind == "body":  # "the bloc", "the group": the last organisation or armed group named
                # ... whose own name has the word, if one does ("the Agency" after "the IAEA ... the Council")
                head = tokens[j - 1].low
                body = None
                if head in _BODY_HEADS:
                    body = next((m for m in reversed(before) if self._is_body(m) and head in self._name_words(m)),
                                self.body_words.get(head))  # fmt: skip
                if body is None:
                    body = next((m for m in reversed(before) if self._is_body(m)), None)
                if body is None and index - self.body_sentence <= BODY_REACH:
                    body = self.body
                if body is None and tokens[j - 1].low in ("ministers", "leaders") and len(self.states) >= 2:
                    for two in self._most_named_pair():  # "the ministers" of the story's two states
                        out.append(_stand_in(two, start, end, text, offset, "GOV"))
                    continue
                state, kind = body, "state"
            ref: Mention | None = state if kind == "state" else leader
            if ref is None:
                continue
            if kind == "leader" and ref.how != "coref" and tokens[i].low in ("he", "she"):
                self.leader, self.leader_sentence = ref, index  # "he said ... He called on": still the speaker
            out.append(_stand_in(ref, start, end, text, offset, "GOV" if kind == "leader" else ref.role))
        first_leader = next((m for m in found if m.how == "leader"), None)
        if first_leader is not None:
            self.leader, self.leader_sentence = first_leader, index
            self._remember_short_names(first_leader)
        else:
            # an official named with a title ("X, UN assistant secretary-general"), looked for only when a
            # later "he" or "she" needs a referent
            self.pending = (index, found, text, offset) if found else self.pending
        if len(out) > 1:
            out.sort(key=_START)
        for m in out:
            if self._is_state(m):
                self.state, self.state_sentence = m, index
                if m.role == "GOV" and m.how != "coref":
                    self.gov, self.gov_sentence = m, index
                if m.how != "coref":
                    self.focal = self.focal or m
                    self.states.pop(m.actor, None)
                    self.states[m.actor] = m
                    self.counts[m.actor] = self.counts.get(m.actor, 0) + 1
            elif self._is_body(m):
                self.body, self.body_sentence = m, index
                for word in self._name_words(m):
                    self.body_words[word] = m
        first = next((m for m in out if self._is_state(m) or self._is_body(m)), None)
        self.prev_first = (first, index) if first is not None else None
        for m in found:  # the last council named in full: the Security Council or a council of the EU
            if m.text.endswith("Council") and m.how != "coref" and m.text.lower() != "the council":
                self.council = m if m.entity != "UNSC" else None
        group = self._named_together(out, text, offset)
        if group:
            self.group, self.group_sentence = group, index
        short = self._short_names(tokens, out, text, offset)
        if short:
            out += short
            out.sort(key=_START)
        return out

    def _most_named_pair(self) -> list[Mention]:
        """The two states the story has named most so far (the first named among equals)."""
        counts = self.counts
        return [self.states[a] for a in sorted(counts, key=lambda a: -counts[a])[:2]] if len(counts) > 1 else []

    def _named_together(self, found: list[Mention], text: str, offset: int) -> list[Mention]:
        """The first states of a sentence named together: "Egypt and Turkey", "Australia, Japan and India", or
        the two a "both ministers" stands for."""
        if len(found) < 2:
            return []
        states = [m for m in found if self._is_state(m)]
        for k, first in enumerate(states):
            group = [first]
            for m in states[k + 1 :]:
                gap = text[group[-1].end - offset : m.start - offset]
                if m.start == group[-1].start or gap in _LIST_GAPS or gap == " & ":
                    if m.actor not in {g.actor for g in group}:
                        group.append(m)
                else:
                    break
            if len(group) >= 2:
                return group
        return []

    def _remember_short_names(self, m: Mention) -> None:
        """After "Kim Jong Un", a later "Kim" in the same article is the same leader."""
        parts = m.text.split()
        if len(parts) > 1:
            for part in (parts[0], parts[-1]):
                self.short.setdefault(part, m)

    def _short_names(self, tokens: list[Token], found: list[Mention], text: str, offset: int) -> list[Mention]:
        out: list[Mention] = []
        short = self.short
        if not short or short.keys().isdisjoint(map(_TEXT, tokens)):  # the usual case, found at C speed
            return out
        for tok in [t for t in tokens if t[0] in short]:
            ref = short[tok.text]
            if any(m.start <= tok.start < m.end for m in found):
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

    @staticmethod
    def _titled(m: Mention, text: str, offset: int) -> bool:
        """A mention standing for a person: a title within three words after it, or just before it, or its own
        name a title ("the Assistant Secretary-General")."""
        if m.text.rsplit(None, 1)[-1].lower() in _TITLES:
            return True
        after = _WORD.findall(text, m.end - offset, m.end - offset + 60)[:3]
        if any(w.lower() in _TITLES for w in after):
            return True
        before = _WORD.findall(text, max(0, m.start - offset - 40), m.start - offset)[-3:]
        return bool(before) and before[-1].lower() in ("of", "the") and any(w.lower() in _TITLES for w in before)

    def _name_words(self, m: Mention) -> list[str]:
        """The words of the full name of the body ``m`` names ("agency" for the IAEA)."""
        actor = self.kb.actors.get(m.entity)
        return actor.name.lower().split() if actor is not None else []

    def _is_body(self, m: Mention) -> bool:
        return self.kinds.get(m.entity) in ("organisation", "armed_group") and m.how != "coref"

    def _is_state(self, m: Mention) -> bool:
        return self.kinds.get(m.entity) == "state"


@cache
def _kinds(kb: KnowledgeBase) -> dict[str, str]:
    """Each knowledge-base actor's kind, by id (looked up for every mention)."""
    return {aid: actor.kind for aid, actor in kb.actors.items()}


@dataclass(slots=True)
class _SentenceCues:
    lexical: Cues
    coref: list[tuple[int, int, str]]
    contexts: list[str]
    places: list[str]
    gpr: list[tuple[int, str]]
    place_spans: list[tuple[int, int]]  # token spans of the places
    actors: list[tuple[int, int, str]]  # gazetteer forms, leftmost-longest


def _split_cues(matches: list[tuple[int, int, tuple[str, object], int]]) -> _SentenceCues:
    """Sort one pass of the combined matcher into its kinds."""
    if not matches:
        return _NO_CUES
    by_kind: dict[str, list[tuple[int, int, object, int]]] = {}
    for i, j, (kind, value), spec in matches:
        found = by_kind.get(kind)
        if found is None:
            by_kind[kind] = [(i, j, value, spec)]
        else:
            found.append((i, j, value, spec))
    get = by_kind.get
    triggers = longest(get("T", []))
    place_matches = longest(get("P", []))
    return _SentenceCues(
        lexical=Cues(
            triggers=triggers,  # type: ignore[arg-type]
            status=[(i, j, v) for i, j, v, _ in get("S", [])],  # type: ignore[misc]
            modes={v for _i, _j, v, _ in get("M", [])},  # type: ignore[misc]
        ),
        coref=longest(get("C", [])),  # type: ignore[arg-type]
        contexts=[v for _i, _j, v, _ in get("X", [])],  # type: ignore[misc]
        places=[v for _i, _j, v in place_matches],  # type: ignore[misc]
        gpr=[(i, v) for i, _j, v, _ in get("G", [])],  # type: ignore[misc]
        place_spans=[(i, j) for i, j, _v in place_matches],
        actors=longest(get("A", [])),  # type: ignore[arg-type]
    )


_NO_CUES = _SentenceCues(
    lexical=Cues(triggers=[], status=[], modes=set()), coref=[], contexts=[], places=[], gpr=[], place_spans=[],
    actors=[],
)  # fmt: skip


_FUTURE = re.compile(r"(?=[wspiaWSPIA])\b(?:will|shall|plans? to|planning to|is due to|are due to|intends? to)\b", re.I)
_SAID_BEFORE = re.compile(r"\b(?:said|says|told \w+|added|noted|stated)\s+$")
_TEXT = itemgetter(0)  # a token's text
_START = attrgetter("start")
QUANTITY_REACH = 60  # characters after a trigger within which a number is its object ("fired 3 missiles")


# the kinds of event a toll or a number of troops describes, where the sentence has one
_QUANTITY_OWNERS = {
    "killed": ("ASSAULT", "COERCE", "PROTEST"),
    "injured": ("ASSAULT", "COERCE", "PROTEST"),
    "troops": ("MOBILIZE", "AID", "RETREAT", "COOPERATE"),
}


_SPEAKING_FOR = re.compile(r"^Speaking (also )?(?:for|on behalf of) ([^,]+),")


def _speaking_for(raw: list[RawEvent], sent: Sentence, found: list[Mention]) -> list[RawEvent]:
    """ "Speaking for the European Union, the delegate of Cyprus welcomed ...": the Union acts ("Speaking also
    for Colombia, the delegate of Panama": both)."""
    m = _SPEAKING_FOR.match(sent.text)
    if m is None:
        return raw
    end = sent.start + m.end()
    voiced = [x for x in found if x.start < end]
    if not voiced:
        return raw
    out = []
    for ev in raw:
        if ev.actors and ev.trigger_start >= end and not set(ev.actors) & {x.actor for x in voiced}:
            actors = tuple(dict.fromkeys([*(ev.actors if m.group(1) else ()), *(x.actor for x in voiced)]))
            ev = replace(ev, actors=actors, actor_roles=tuple("" for _ in actors))
        out.append(ev)
    return out


def _captives(q: Quantity, owner: RawEvent) -> Quantity:
    """Soldiers or police arrested, detained or set free are people counted, not troops."""
    if q.kind == "troops" and (
        owner.type == "COERCE" or (owner.type == "RETREAT" and owner.trigger.lower().startswith(_FREEING))
    ):
        return replace(q, kind="count")
    return q


_FREEING = ("releas", "free", "swap", "exchang", "handed")


def _owner(raw: list[RawEvent], q: Quantity) -> RawEvent:
    """The event a quantity describes: a toll the attack's, troops the deployment's (the nearest such); else the
    nearest trigger before the number, if close, else the nearest trigger."""
    at = q.start
    for r in raw:  # "arrested 28 police officers": the number is the object of the verb just before it
        if 0 <= at - (r.trigger_start + len(r.trigger)) <= 14:
            return r
    kinds = _QUANTITY_OWNERS.get(q.kind)
    if kinds is not None and len(raw) > 1:
        fitting = [r for r in raw if r.type in kinds]
        told = [r for r in fitting if 0 < at - r.trigger_start <= 2 * QUANTITY_REACH]
        if told:  # "bombed a market, killing 27, and seized two bases": the toll of the act it follows
            return max(told, key=lambda r: r.trigger_start)
        if fitting:
            return min(fitting, key=lambda r: abs(r.trigger_start - at))
    before = [r for r in raw if 0 < at - r.trigger_start <= QUANTITY_REACH]
    if before:
        return max(before, key=lambda r: r.trigger_start)
    return min(raw, key=lambda r: abs(r.trigger_start - at))


@lru_cache(maxsize=4096)
def _publisher(source: str | None, kb: KnowledgeBase) -> Mention | None:
    """The state or body that issued a text, from its SOURCE line ("U.S. Department of Defense — ...")."""
    if not source:
        return None
    found = gazetteer(kb).find(source.split("—")[0].split(" - ")[0], offset=-1_000_000)
    # a government speaks in its own releases; a body's coverage quotes its members, each a "we" of its own
    states = [m for m in found if (a := kb.actors.get(m.entity)) is not None and a.kind == "state"]
    return states[0] if states else None


REPLIES = frozenset(["REJECT", "ACCUSE", "THREATEN"])


def _replies(events: list[Event], matcher: PhraseMatcher[tuple[str, object]]) -> list[Event]:
    """A refusal, accusation or threat that names no one answers whoever last acted on its actor: "Iran
    rejected the designations" after "the Treasury designated Iranian firms" is a rejection of the US."""
    out: list[Event] = []
    for ev in events:
        if ev.type in REPLIES and ev.actors and not ev.recipients:
            acted = [e for e in out if set(e.recipients) & set(ev.actors) and e.actors]
            # "Iran rejected the designations": preferably the last act of the kind its object names
            named = _object_of(ev, matcher)
            last = None
            if named is not None:  # the act named by the same word, else the last of the same kind
                last = next((e for e in reversed(acted) if e.type == named[0] and e.trigger.lower()[:STEM] == named[1]),
                            None) or next((e for e in reversed(acted) if e.type == named[0]), None)  # fmt: skip
            # "... rejected the designations and warned that Tehran would respond": one answer, to one party
            same = next((e for e in reversed(out) if e.evidence.start == ev.evidence.start and e.type in REPLIES
                         and e.actors == ev.actors and e.recipients), None)  # fmt: skip
            if last is None and same is not None:
                ev = replace(ev, recipients=same.recipients, recipient_roles=same.recipient_roles)
                out.append(ev)
                continue
            last = last or (acted[-1] if acted else None)
            others = tuple(a for a in last.actors if a not in ev.actors) if last else ()
            if others:
                ev = replace(ev, recipients=others, recipient_roles=tuple("" for _ in others))
        out.append(ev)
    return out


def _object_of(ev: Event, matcher: PhraseMatcher[tuple[str, object]]) -> tuple[str, str] | None:
    """The event type and stem of the noun a reply is about ("rejected the designations": SANCTION, "design"),
    if it names an act."""
    if ev.trigger_start is None:
        return None
    at = ev.trigger_start - ev.evidence.start + len(ev.trigger)
    tokens = tokenize(ev.evidence.text[at : at + 40])
    for i, _j, (kind, value), _spec in matcher.find_all(tokens[:4]):
        if kind == "T" and value != "_IGNORE":
            return str(value), tokens[i].low[:STEM]
    return None


STEM = 6  # letters two words share when they name the same act ("designated", "designations")


_MEDIATION = ("mediat", "broker", "host", "negotiat", "facilitat")


def _mediated(events: list[Event], mentions: list[Mention], kb: KnowledgeBase) -> list[Event]:
    """Talks hosted, brokered or mediated by a third party are between the two states named last before them
    (when the sentence names fewer): "a truce negotiated at talks hosted by Malaysia" after "Thailand and
    Cambodia"."""
    out: list[Event] = []
    for ev in events:
        if ev.type == "CONSULT" and ev.actors and len(ev.recipients) < 2 and ev.trigger.lower().startswith(_MEDIATION):
            at = ev.trigger_start if ev.trigger_start is not None else ev.evidence.start
            recent: dict[str, None] = {}
            for m in reversed([m for m in mentions if m.end <= at]):
                actor = kb.actors.get(m.entity)
                if actor is not None and actor.kind == "state" and m.actor not in ev.actors:
                    recent.setdefault(m.actor)
                if len(recent) == 2:
                    break
            parties = tuple(dict.fromkeys((*ev.recipients, *recent)))[:2]
            if len(parties) == 2:
                ev = replace(ev, recipients=parties, recipient_roles=("", ""))
        out.append(ev)
    return out


def _main_state(events: list[Event], guessed: list[int], mentions: list[Mention], kb: KnowledgeBase) -> list[Event]:
    """A story with no dateline is about the state it names most (not merely first): the guessed recipients
    (victims no one names, protests, aid and support to no one named) are that state."""
    counts: dict[str, int] = {}
    for m in mentions:
        actor = kb.actors.get(m.entity)
        if m.how != "coref" and actor is not None and actor.kind == "state":
            counts[m.actor] = counts.get(m.actor, 0) + 1
    if not counts:
        return events
    main = max(counts, key=counts.__getitem__)  # the first named among equals
    out = list(events)
    for k in guessed:
        ev = out[k]
        if main not in ev.actors and ev.recipients != (main,):
            out[k] = replace(ev, recipients=(main,), recipient_roles=("",))
    return out


_DIRECTED = frozenset(["ASSAULT", "REQUEST", "ACCUSE", "SANCTION", "RETREAT"])  # acts done to someone
# ... except fire exchanged and fights (both sides act), and calls for a thing rather than on someone
_UNDIRECTED = ("exchang", "traded", "clash", "fight", "fought", "battl", "call for", "calls for", "called for",
               "calling for")  # fmt: skip


def _counterpart(events: list[Event], mentions: list[Mention], kb: KnowledgeBase) -> list[Event]:
    """An act done to no one named is done to the one other state its sentence names ("Russian drones struck
    the port of Izmail, Ukrainian officials said")."""
    out = list(events)
    for k, ev in enumerate(out):
        if ev.recipients or not ev.actors or ev.type not in _DIRECTED or ev.trigger.lower().startswith(_UNDIRECTED):
            continue
        first = bisect_left(mentions, ev.evidence.start, key=_START)  # mentions come in text order
        last = bisect_left(mentions, ev.evidence.end, lo=first, key=_START)
        kinds = _kinds(kb)
        here = mentions[first:last]
        text, base = ev.evidence.text, ev.evidence.start
        # a state named together with the actor ("Korea and Japan, which are imposing sanctions") acts with it
        joined = {x for a, b in pairwise(here) if (a.actor in ev.actors or b.actor in ev.actors)
                  and text[a.end - base : b.start - base] in _LIST_GAPS for x in (a.actor, b.actor)}  # fmt: skip
        others = {m.actor: None for m in here if m.actor not in ev.actors and m.actor not in joined
                  and kinds.get(m.entity) == "state"}  # fmt: skip
        if len(others) == 1:
            out[k] = replace(ev, recipients=tuple(others), recipient_roles=("",))
    return out


_VOTES = ("veto", "voted against", "vote against", "votes against", "voting against")
_CHAMBERS = frozenset(["UNSC", "UNGA"])


def _votes(events: list[Event], mentions: list[Mention]) -> list[Event]:
    """A veto or a vote against a text is cast in the chamber last named (a veto in the Security Council)."""
    out = list(events)
    for k, ev in enumerate(out):
        if ev.type != "REJECT" or not ev.trigger.lower().startswith(_VOTES) or set(ev.recipients) & _CHAMBERS:
            continue
        at = ev.trigger_start or 0
        named = [m.actor for m in mentions if m.actor in _CHAMBERS and m.start < at]
        chamber = named[-1] if named else ("UNSC" if ev.trigger.lower().startswith("veto") else None)
        if chamber is not None and chamber not in ev.actors:
            out[k] = replace(ev, recipients=(chamber,), recipient_roles=("",))
    return out


def _dateline_state(body: str, kb: KnowledgeBase) -> Mention | None:
    """The state whose capital or name a story's dateline gives, if any."""
    head = body[:400]
    if not _DATELINE_DASH.search(head):
        return None  # no capitals before a dash: no dateline (a quick test before the full pattern)
    m = _DATELINE.search(head)
    if m is None:
        return None
    return _city_state(" ".join(w.capitalize() for w in m.group(1).split()), kb)


@lru_cache(maxsize=4096)
def _city_state(city: str, kb: KnowledgeBase) -> Mention | None:
    """The state a dateline city is the capital of (or the state named), if the gazetteer knows it."""
    for found in gazetteer(kb).find(city, offset=-1_000_000):
        actor = kb.actors.get(found.entity)
        if actor is not None and actor.kind == "state" and found.how in ("capital", "name", "alias"):
            return found
    return None


def extract(article: Article, kb: KnowledgeBase) -> Extraction:
    """Sentences, mentions and events of ``article``."""
    gaz = gazetteer(kb)
    lex = lexicon()
    sentences = split_sentences(article.body)
    mentions: list[Mention] = []
    events: list[Event] = []
    contexts: list[tuple[str, ...]] = []
    places: list[tuple[str, ...]] = []
    dateline = _dateline_state(article.body, kb)
    coref = _Coreference(kb, dateline, _publisher(article.source, kb))
    guessed: list[int] = []  # events whose recipient is the story's state, guessed
    matcher = words(kb)
    rules = gpr_rules()
    risk: list[frozenset[str]] = []
    for sent in sentences:
        tokens = tokenize(sent.text, sent.start)
        cues = _split_cues(matcher.find_all(tokens))
        found = gaz.mentions(cues.actors, tokens, text=sent.text, offset=sent.start, date=article.published)
        if cues.place_spans:  # "Singapore" in "the Singapore Strait" names a place, not a party
            inside = [(tokens[i].start, tokens[j - 1].end) for i, j in cues.place_spans]
            found = [m for m in found if not any(a <= m.start and m.end <= b and b - a > m.end - m.start
                                                 for a, b in inside)]  # fmt: skip
        found = coref.resolve(sent.index, tokens, found, sent.text, sent.start, cues.coref)
        mentions.extend(found)
        raw = find_events(sent, tokens, found, lex, cues.lexical, coref.focal)
        if raw and sent.text.startswith("Speaking"):
            raw = _speaking_for(raw, sent, found)
        ctx = tuple(dict.fromkeys(cues.contexts))
        plc = tuple(dict.fromkeys(cues.places))
        for pid in plc:
            ctx += tuple(c for c in kb.places[pid].contexts if c not in ctx)
        contexts.append(ctx)
        places.append(plc)
        risk.append(gpr_tag(cues.gpr, rules))
        if not raw:
            continue
        forms = set(map(_TEXT, tokens))  # the words as written, for the number and date scans
        if "-" in sent.text:
            forms.update(part for w in [w for w in forms if "-" in w] for part in w.split("-"))  # "twenty-five"
        quantities = find_quantities(sent.text, sent.start, words=forms)
        dates = find_dates(sent.text, article.published, words=forms)
        ahead = None
        owners = [_owner(raw, q) for q in quantities]  # a quantity belongs to the nearest event trigger
        quantities = [_captives(q, owner) for q, owner in zip(quantities, owners, strict=True)]
        roles = {m.actor: m.role or "" for m in reversed(found)}
        for n, ev in enumerate(raw):
            # a quantity belongs to the nearest event trigger in the sentence, and so does a date
            mine = tuple(q for q, owner in zip(quantities, owners, strict=True) if owner is ev)
            options = dates
            at = ev.trigger_start - sent.start
            if ev.status == "planned" or _FUTURE.search(sent.text, max(0, at - 60), at):
                # "will conduct an exercise in September": the next September
                ahead = (
                    ahead if ahead is not None else find_dates(sent.text, article.published, future=True, words=forms)
                )
                options = ahead
            # "said on Thursday that it had expelled 2,000 last year": the saying's date is not the act's
            told = [d for d in options if not _SAID_BEFORE.search(sent.text, max(0, d[0] - 16), d[0])]
            options = told or options
            # "froze the accounts of firms named in today's action": a date naming a thing, only if no other
            plain = [d for d in options if sent.text[d[1] : d[1] + 2] not in ("'s", "’s")]
            options = plain or options
            date = min(options, key=lambda d: min(abs(d[0] - at), abs(d[1] - at)))[2] if options else None
            eid = hashlib.sha256(f"{article.id}:{sent.start}:{n}:{ev.type}".encode()).hexdigest()[:12]
            if ev.guessed:
                guessed.append(len(events))
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
    if guessed and dateline is None:
        events = _main_state(events, guessed, mentions, kb)
    events = _mediated(_replies(events, matcher), mentions, kb)
    events = _counterpart(_votes(events, mentions), mentions, kb)
    return Extraction(
        article=article,
        sentences=tuple(sentences),
        mentions=tuple(mentions),
        events=tuple(events),
        contexts=tuple(contexts),
        places=tuple(places),
        gpr=tuple(risk),
    )
