"""Events: PLOVER-typed triggers with their actors, recipients, status and mode.

For each trigger word of ``lexicon.yaml`` in a sentence:
1. passive voice ("was seized by the Houthis"): the actor follows "by", the
   recipient is the nearest mention before the trigger;
2. otherwise the actor is the nearest mention before the trigger (with any
   mention joined to it by "and" or a comma), the recipient the first mention
   after it, or one introduced by "to support", "for", "against", "on behalf of";
3. the status comes from words before the trigger (negation, could, will) or
   anywhere in the sentence (according to, claimed);
4. the mode from words in the sentence.
A trigger inside an actor's name is ignored; one event per type and actor set
per sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from geobrief.extract.tokens import Token
from geobrief.model import Mention, Sentence, Status

__all__ = ["Cues", "Lexicon", "RawEvent", "find_events", "keyword_regex", "lexicon"]

# (a pattern led by a lookahead on its first letters lets the engine skip to where it can match)
_PASSIVE_BEFORE = re.compile(
    r"(?=[abgiw])\b(?:was|were|been|being|is|are|be|get|got)\s+(?:\w+(?:ed|en)\s+(?:or|and)\s+)?(?:\w+ly\s+)?$", re.I
)
_BY_AFTER = re.compile(
    r"\s+(?:(?:(?:cast|imposed|launched|carried out|conducted|made|issued|taken|announced|fired|ordered)\s+)?by|"
    r"attributed to|blamed on)\s+(?:the\s+)?",
    re.I,
)
_RECIPIENT_CUE = re.compile(
    r"(?=[afiotw])\b(?:to support|in support of|for|against|on behalf of|with|to|on|at|toward|towards|into)\s+(?:the\s+)?$",
    re.I,
)
_PREP_BEFORE = re.compile(
    r"(?=[abfinotw])\b(?:of|in|on|by|from|to|against|with|for|at|about|into|over|toward|towards|between|among|near|across)\s+(?:the\s+)?$",
    re.I,
)
_COORD = re.compile(r"^\s*(?:,|and|, and|or|as well as)\s*(?:the\s+)?$", re.I)
# what ends a clause: punctuation, and a comma before a linking word (two patterns, as the second can be
# looked for only where a comma stands)
# (led by the marks themselves, so that the engine skips to them at C speed; a dash's span takes in the
# spaces around it)
_CLAUSE_MARK = re.compile(r"[;():—–](?:(?<=[;()])|(?<=:)\s|(?<=\s[—–])(?=\s))")
_MARK_CHARS = re.compile("[;—–():]")
_CLAUSE_LINK = re.compile(r", (?:while|but|whereas|although|as|which|who|adding|saying|noting)\b")


def _clause_breaks(text: str) -> list[tuple[int, int]]:
    """The spans that end clauses in ``text``, in order."""
    out = (
        [(a - 1, b + 1) if text[a] in "—–" else (a, b) for m in _CLAUSE_MARK.finditer(text) for a, b in (m.span(),)]
        if _MARK_CHARS.search(text)
        else []
    )
    if ", " in text:
        out += [m.span() for m in _CLAUSE_LINK.finditer(text)]
        out.sort()
    return out


def keyword_regex(pattern: str) -> str:
    """A lexicon pattern as a regex: ``*`` any word ending, ``?`` any one character, spaces any run of
    spaces. An all-capitals word ("AI", "LNG") matches only in capitals, whatever the flags."""
    parts = []
    for word in pattern.split():
        rx = re.escape(word).replace(r"\*", r"[\w-]*").replace(r"\?", ".")
        letters = [c for c in word if c.isalpha()]
        if len(letters) > 1 and all(c.isupper() for c in letters):
            rx = f"(?-i:{rx})"
        parts.append(rx)
    return r"\s+".join(parts)


def _to_regex(pattern: str) -> str:
    return r"(?<![\w-])" + keyword_regex(pattern) + r"(?![\w-])"


@dataclass(frozen=True)
class Lexicon:
    """The trigger, mode and status phrases, as (phrase, (kind, value)) for one combined matcher:
    kind T is a trigger (value: its type, or _IGNORE), M a mode cue (value: (type, mode)), S a status cue."""

    entries: tuple[tuple[str, tuple[str, object]], ...]
    mode_order: dict[str, tuple[str, ...]]  # type -> its modes, first wins


@cache
def lexicon(path: Path | None = None) -> Lexicon:
    """The trigger lexicon, read once."""
    doc = yaml.safe_load((path or Path(__file__).with_name("lexicon.yaml")).read_text("utf-8"))
    entries: list[tuple[str, tuple[str, object]]] = [(p, ("T", t)) for t, ps in doc["triggers"].items() for p in ps]
    entries += [(p, ("T", "_IGNORE")) for p in doc.get("ignore", [])]
    entries += [(w, ("M", (t, mode))) for t, ms in doc["modes"].items() for mode, words in ms.items() for w in words]
    entries += [(w, ("S", k)) for k, ws in doc["status"].items() for w in ws]
    order = {t: tuple(ms) for t, ms in doc["modes"].items()}
    return Lexicon(tuple(entries), order)


@dataclass(slots=True)
class Cues:
    """What the lexicon found in one sentence."""

    triggers: list[tuple[int, int, str]]  # token span and event type, non-overlapping
    status: list[tuple[int, int, str]]  # token span and status cue
    modes: set[tuple[str, str]]  # (type, mode) cues present


@dataclass(slots=True)  # (not frozen: a frozen dataclass is slow to build, and this one stays inside extraction)
class RawEvent:
    """An event found in one sentence, before ids and evidence are attached."""

    type: str
    mode: str | None
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    actor_roles: tuple[str, ...]
    recipient_roles: tuple[str, ...]
    status: Status
    trigger: str
    trigger_start: int  # offset in the body
    guessed: bool = False  # the recipient is the story's state, not named in the sentence


def _clause(breaks: list[tuple[int, int]], length: int, pos: int) -> tuple[int, int]:
    """The clause around ``pos``: between the clause breaks (spans) before and after it."""
    start, end = 0, length
    for a, b in breaks:
        if b <= pos:
            start = b
        elif a >= pos:
            end = a
            break
    return start, end


def _group_before(mentions: list[Mention], text: str, base: int, limit: int, floor: int) -> list[Mention]:
    before = [m for m in mentions if floor <= m.start - base and m.end - base <= limit]
    # a subject is not the object of a preposition ("attacks on Ukraine", "launch by X"); the test only chooses
    # among several (a lone mention stays whichever way it comes out, so it is not tested)
    if len(before) > 1:
        subjects = [m for m in before if not _PREP_BEFORE.search(text, max(0, m.start - base - 15), m.start - base)]
        before = subjects or before
    if not before:
        return []
    group = [before[-1]]
    for m in reversed(before[:-1]):
        gap = text[m.end - base : group[-1].start - base]
        if _COORD.match(gap) or gap.strip() in ("", ",", "’s", "'s", "-", "–"):
            group.append(m)
        else:
            break
    return list(reversed(group))


def _status(cues: list[tuple[int, int, str]], ti: int, tj: int, tokens: list[Token], etype: str = "") -> Status:
    """Status from cue words, by where they stand relative to the trigger's tokens [ti, tj). A verbal act
    ("urged", "condemned") that a text says someone made is asserted: the saying is the act."""
    if not cues:
        return "denied" if tj < len(tokens) and tokens[tj].low == "no" else "asserted"
    kinds_before = {k for i, _j, k in cues if i < ti}
    near = {k for i, _j, k in cues if ti - 5 <= i < ti}
    would = any(tokens[i].low == "would" for i, _j, k in cues if ti - 5 <= i < ti and k == "hypothetical")
    said = any(k == "reported" for i, _j, k in cues if i < ti)
    conditional = any(tokens[i].low in ("if", "could", "might", "may") for i, _j, _k in cues if i < ti)
    if would and said and not conditional:
        near = (near - {"hypothetical"}) | {"planned"}  # "said it would provide": a plan reported
    if any(k == "denied" and i < tj + 6 for i, _j, k in cues):
        return "denied"
    if "negated" in {k for i, _j, k in cues if ti - 4 <= i < ti}:
        return "denied"
    if "hypothetical" in near:
        return "hypothetical"
    if "planned" in near:
        return "planned"
    if "claimed" in kinds_before:
        return "claimed"
    if any(k == "attributed" for _i, _j, k in cues):
        return "reported"
    if tj < len(tokens) and tokens[tj].low == "no":
        return "denied"  # "sent no weapons"
    if _quoted(tokens, ti):
        return "reported"  # a quotation: someone's own account
    if etype in _VERBAL:
        return "asserted"
    # "X said (that) Y attacked" or "Y attacked, X said": the text reports someone's account
    for i, _j, k in cues:
        if k != "reported":
            continue
        if i < ti:
            return "reported"
        commas = [c for c in range(tj, i) if tokens[c].low in (",", '"', "”")]
        if commas and i - commas[-1] <= 7 and tokens[min(commas[-1] + 1, i)].low not in _SUBORDINATORS:
            return "reported"
    return "asserted"


def _quoted(tokens: list[Token], ti: int) -> bool:
    """Whether token ``ti`` stands inside quotation marks opened earlier in the sentence."""
    before = [t[0] for t in tokens[:ti]]  # the words as written, counted at C speed
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


_VERBAL = frozenset(["REQUEST", "ACCUSE", "REJECT", "SUPPORT"])  # acts done by saying
_SENDING = ("send", "sent", "dispatch", "deploy")
_HELPING = re.compile(
    r"\b(?:to (?:support|help|fight|assist|defend|reinforce)|fight(?:ing)? (?:for|alongside)|alongside)\b", re.I
)
_FOR_WHOM = re.compile(
    r"\b(?:to (?:support|help|assist|train|reinforce)|in support of|at the (?:request|invitation) of)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+){0,3}$",
    re.I,
)
_FROM_SOIL = re.compile(r"(?:\s+(?:launched|fired|carried out|coming))?\s+from\s+(?:the\s+)?$")
_SOIL = re.compile(r"\s+(?:territory|soil|side)\b")
_HOLDING = frozenset(["detained", "held", "jailed", "imprisoned", "arrested", "abducted", "kidnapped", "captured"])
_HELD_PEOPLE = (
    r"\s+(?:[\w-]+\s+){0,2}?(?:citizens|nationals|sailors|fishermen|crew|crew members|journalists|soldiers|"
    r"workers|aid workers|tourists|students|activists|seafarers|police officers|officers|diplomats|people)\b"
)
_PEOPLE_OF = re.compile(_HELD_PEOPLE + r"\s+(?:(?:who|were|was|had|have|has|been|being|still)\s+)*$")
_PEOPLE_AFTER = re.compile(_HELD_PEOPLE)
_ACCORDING = ("ccording to ", "ccording to the ")


def _sourced(text: str, base: int, m: Mention) -> bool:
    """A mention named as the source of what the sentence tells ("according to the United Nations")."""
    return text.endswith(_ACCORDING, 0, m.start - base)


_OBJECT_RELATIVE = re.compile(
    r"\b(?:whom|which)\s+(?P<subj>[^,;]{1,40}?)\s+(?:(?:had|has|have|was|were|would|will|also|later|then)\s+)*$",
    re.I,
)
_WHICH = re.compile(r",\s+(?:which|who)\s+(?:(?:had|has|have|also|later|then|had\s+been)\s+)*$", re.I)
_RELATIVE = re.compile(r",\s+(?:which|who)\b[^,;]*,\s*(?:\w+\s+){0,2}$", re.I)
_PEOPLE = frozenset(
    ["crew", "crews", "prisoners", "hostages", "detainees", "fishermen", "sailors", "captives", "journalists",
     "nationals", "citizens", "people", "staff", "workers", "soldiers", "activists", "him", "her", "them", "vessel",
     "ship", "boat", "tanker", "students", "civilians", "members", "personnel", "opposition", "leaders", "prisoner",
     "officers", "officials", "servicemen", "troops", "fighters", "migrants", "refugees", "hostage", "detained",
     "soldiers", "seafarers", "aid workers", "pilots", "fisherman", "captain", "crewmen"]
)  # fmt: skip
_WEAPONS = frozenset(
    ["missile", "missiles", "rocket", "rockets", "icbm", "icbms", "projectile", "projectiles", "satellite", "drone",
     "drones", "torpedo", "torpedoes", "salvo", "ballistic", "cruise", "hypersonic", "launcher", "launchers"]
)  # fmt: skip
_CAMPAIGNS = frozenset(
    ["operations", "campaign", "attacks", "offensive", "strikes", "fighting", "hostilities", "raids"]
)
_ENVOYS = frozenset(
    ["diplomat", "diplomats", "ambassador", "ambassadors", "envoy", "envoys", "attache", "attaché", "consul",
     "embassy", "staff", "officials", "official", "military attache"]
)  # fmt: skip
_DRILLS = frozenset(
    ["exercise", "exercises", "drill", "drills", "training", "patrol", "patrols", "mission", "transit", "escort"]
)
_IRREGULAR_PARTICIPLES = frozenset(["struck", "shot", "hit", "sent", "fought", "held", "met", "seized", "taken"])
_AT_PLACE = frozenset(["ASSAULT", "COERCE", "MOBILIZE", "AID", "PROTEST"])  # types whose place is often their target
_VENUE = re.compile(r"\b(?:in|at)\s+$", re.I)
_WITH = re.compile(r"\b(?:with|between)\b", re.I)
_FEELINGS = frozenset(
    ["concerned", "alarmed", "worried", "troubled", "dismayed", "outraged", "disappointed", "appalled", "shocked"]
)
_SETTINGS = frozenset(["debate", "discussion", "briefing", "session"])
_BARE_NOUNS = frozenset(["support", "threat", "threats", "agreement", "accord", "pact", "deal"])
_VERB_CONTEXT = frozenset(
    ["to", "will", "would", "could", "can", "may", "might", "must", "should", "also", "and", "not", "strongly",
     "fully", "firmly", "continue", "continues", "we", "they", "i", "which", "who", "it", "he", "she", "still",
     "did", "does", "do", "n't", "publicly", "openly", "actively"]
)  # fmt: skip
_NAME_HEADS = frozenset(
    ["Mission", "Forces", "Force", "Group", "Office", "Agreement", "Act", "Fund", "Programme", "Program",
     "Committee", "Operation", "Initiative", "Team", "Partnership", "Treaty", "Command", "Centre", "Center"]
)  # fmt: skip
_NO_RETYPE = frozenset(["ASSAULT", "ACCUSE", "REQUEST", "REJECT", "CONSULT", "PROTEST", "THREATEN", "AID"])
_FROM = re.compile(r"\bfrom\s+(?:the\s+)?$", re.I)
_JOINT = frozenset(["joint", "bilateral", "trilateral", "multilateral", "combined", "multinational"])
_TOLLS = frozenset(["killed", "injured", "wounded", "left"])
_CONSEQUENCES = frozenset(["killing", "injuring", "wounding", "leaving"])
_RELIEF = frozenset(
    ["relief", "rescue", "humanitarian", "medical", "tents", "food", "aid", "disaster", "cyclone", "earthquake",
     "flood", "floods", "evacuation", "evacuate", "shelter", "supplies", "hospital"]
)  # fmt: skip
_SUBORDINATORS = frozenset(
    ["after", "before", "as", "while", "when", "because", "since", "although", "though", "and", "but"]
)
_NOUN_ENDINGS = ("ment", "tion", "sion", "ance", "ence", "ure", "ship")
_DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "this",
        "these",
        "that",
        "those",
        "any",
        "further",
        "new",
        "recent",
        "repeated",
        "continued",
        "such",
        "possible",
        "latest",
        "another",
        "multiple",
        "several",
        "numerous",
        "'s",
        "'",
        "of",
    ]
)
_ARTICLES = frozenset(["the", "a", "an", "its", "their", "his", "her", "our"])
_NOMINAL_OBJECT = re.compile(
    r"(?=[aiot])\b(?:on|against|at|toward|towards|to|targeting|of|into)\s+(?:the\s+)?"
    r"(?:(?:government|people|authorities|kingdom|republic)\s+of\s+(?:the\s+)?)?$",
    re.I,
)  # (with "the Government of": "its appreciation to the Government of Spain")
_LATER_BY = re.compile(r"(?=[ab])\b(?:by|attributed to|blamed on)\s+(?:the\s+)?$", re.I)
_OF_AGENT = re.compile(r"^\s+(?:\w+\s+){0,2}?of\s+(?:the\s+)?(?:State\s+of\s+)?$", re.I)
# event nouns whose "of X" names who acts: "the mediation of Qatar", "at the invitation of Nigeria"
_AGENTIVE = frozenset(
    ["mediation", "invitation", "appeal", "appeals", "call", "calls", "request", "proposal", "offer", "visit",
     "support", "efforts", "leadership", "commitment", "decision", "statement", "initiative", "assistance",
     "pledge", "warning", "warnings", "threat", "threats", "demand", "demands", "criticism", "condemnation"]
)  # fmt: skip


_RECALLING = frozenset(["this", "that", "these", "those", "such"])
_POSTED = frozenset(["stationed", "deployed", "based", "posted", "positioned", "garrisoned"])
_AT = frozenset(["on", "in", "at", "along", "near", "across", "inside", "around"])


def _standing_or_recalled(tokens: list[Token], i: int, j: int) -> bool:
    """A force described where it stands ("soldiers stationed on the shoal", "troops deployed in South Kivu"),
    or a launch, drill or deployment named again after it was told ("this launch", "the deployment was
    condemned"): no new act of readying forces."""
    word = tokens[i].low
    if i == 0 or j >= len(tokens):
        return False
    before, after = tokens[i - 1].low, tokens[j].low
    if word in _POSTED and before in _FORCES and after in _AT:
        return True
    if j != i + 1 or word.endswith(("ed", "ing")):
        return False
    return before in _RECALLING or (before == "the" and after in ("was", "were", "has", "had"))


def _nominal(tokens: list[Token], i: int, mentions: list[Mention]) -> list[Mention] | None:
    """For a trigger used as a noun ("the attacks", "Moscow's relentless attacks", "Houthi threats"), its
    possessor or modifier as actor (possibly none); None when the trigger is used as a verb."""
    if tokens[i].low.endswith("ed") or tokens[i].low in _IRREGULAR_PARTICIPLES:
        return None  # "attacked", "seized", "shot down": verbs
    start = tokens[i].start
    for k in (i - 1, i - 2):
        if k < 0:
            return None
        tok = tokens[k]
        owner = [m for m in mentions if tok.start <= m.end <= start and m.end <= tok.end]
        if owner and (owner[-1].how in ("demonym", "group") or tokens[i].low.endswith(_NOUN_ENDINGS)):
            # "Houthi threats", "Russian attacks", "U.S. commitment", "DPRK-Russia partnership"
            pair = [m for m in mentions if m.end <= owner[-1].start and owner[-1].start - m.end <= 1]
            return pair[-1:] + owner[-1:]
        if owner and tok.low in ("its", "his", "her", "their"):
            return owner[-1:]  # "its call for a ceasefire": the state or speaker "its" refers to
        if tok.low in ("'s", "'"):
            return [m for m in mentions if m.end <= tok.start][-1:]  # "Moscow's attacks"
        if tok.low in _DETERMINERS:
            return []
        if k == i - 1 and not (tok.text.isalpha() and tok.text.islower()):
            return None  # "the Council requested": a subject, not an adjective
    if tokens[i].low.endswith(_NOUN_ENDINGS):
        return []  # "banning military cooperation with X": a noun with no owner named
    return None


_SPEECH_AFTER = re.compile(
    r"^(?:[’']s\s+\w+(?:\s+\w+)?\s+)?(?:\w+\s+)?(?:said|says|told|stated|noted|added|reported|announced|claimed|"
    r"insisted|argued|alleged)\b",
    re.I,
)


_OWN_CLAIM = re.compile(
    r"\b(?:said|says|claimed|claims|insisted|announced|reported|alleged)\s+to\s+(?:have\s+(?:\w+ly\s+)?)?$", re.I
)
_BETWEEN = re.compile(r"\s+between\s+(?:the\s+)?", re.I)
_LIGHT_VERBS = frozenset(
    [
        "launched",
        "launches",
        "launch",
        "completed",
        "concluded",
        "opened",
        "opens",
        "carried",
        "carries",
        "carry",
        "conducted",
        "conducts",
        "conduct",
        "staged",
        "stages",
        "began",
        "begun",
        "begin",
        "mounted",
        "mounts",
        "imposed",
        "imposes",
        "impose",
        "issued",
        "issues",
        "made",
        "makes",
        "held",
        "holds",
        "hold",
        "expressed",
        "expresses",
        "voiced",
        "voices",
        "stepped",
        "continued",
        "continues",
        "resumed",
        "resumes",
        "announced",
        "announces",
        "ordered",
        "orders",
        "took",
        "takes",
        "take",
        "unleashed",
        "escalated",
        "intensified",
    ]
)


def _light_verb(tokens: list[Token], i: int, floor: int) -> int | None:
    """The start of a light verb a few words before token ``i`` ("launched a series of strikes"), if any."""
    for k in range(i - 1, max(-1, i - 7), -1):
        tok = tokens[k]
        if tok.start < floor or not tok.text[:1].isalnum():
            return None
        if tok.low in _LIGHT_VERBS:
            return tok.start
    return None


_AGREEMENTS = frozenset(
    ["agreement", "deal", "initiative", "treaty", "pact", "accord", "organization", "organisation", "alliance", "talks"]
)
_RESTRICTIONS = frozenset(
    ["sanctions", "ban", "restrictions", "embargo", "curbs", "blockade", "tariffs", "tariff", "controls", "levy",
     "levies", "duties", "duty", "quotas", "curfew", "moratorium", "suspension", "blockade", "measures", "rules",
     "requirement", "requirements", "screening", "checks", "limits", "visa", "visas", "licensing", "freeze"]
)  # fmt: skip
_MEASURES = frozenset(
    ["bill", "law", "draft", "proposal", "objection", "objections", "condition", "conditions", "demand", "demands",
     "complaint", "charges", "nomination", "decree", "amendment", "reform", "reservation", "reservations",
     "dispute", "case", "claim", "claims", "candidacy", "veto"]
)  # fmt: skip
_YIELDING = frozenset(
    ["lift", "remove", "reduce", "drop", "ease", "withdraw", "release", "scrap", "waive", "allow", "relax",
     "resume", "reopen", "restore", "free", "cut", "suspend", "end", "halt"]
)  # fmt: skip
_FORCES = frozenset(
    ["units", "troops", "battalions", "batteries", "forces", "warships", "ships", "jets", "aircraft", "tanks",
     "missiles", "soldiers", "brigades", "divisions", "artillery", "reinforcements", "vessels", "destroyers",
     "personnel", "members", "servicemen", "sailors", "marines", "assets", "peacekeepers"]
)  # fmt: skip
_OPENINGS = frozenset(
    ["access", "list", "market", "markets", "supplies", "power", "electricity", "gas", "oil", "aid", "visas",
     "relations", "ties", "service", "services", "crossings", "border", "airspace", "licences", "licenses"]
)  # fmt: skip
_PASSAGES = frozenset(
    ["border", "borders", "crossing", "crossings", "airspace", "strait", "straits", "port", "ports", "road", "roads",
     "waters", "access", "route", "routes", "it", "frontier", "pipeline", "canal", "airport"]
)  # fmt: skip
_CROWDS = frozenset(
    ["protesters", "protestors", "demonstrators", "drivers", "truckers", "farmers", "residents", "activists",
     "workers", "students", "villagers", "fishermen", "crowds", "crowd"]
)  # fmt: skip
_MESSAGES = frozenset(
    ["delegation", "note", "letter", "message", "messages", "invitation", "condolences", "envoy", "signal"]
)
_COMMODITIES = frozenset(["gas", "oil", "electricity", "lng", "energy", "goods", "components", "crude", "coal"])
_FUNDS = frozenset(
    ["loan", "loans", "grant", "grants", "aid", "funding", "assistance", "package", "million", "billion"]
)
_TRADE = frozenset(["exports", "imports", "trade", "shipments", "flights", "supplies", "deliveries", "sales"])
_GIVING = frozenset(["deliver", "provide", "send", "supply", "give", "donate", "fund", "finance", "us$", "eur"])
_LABOUR = frozenset(
    ["workers", "dockworkers", "dockers", "miners", "union", "unions", "employees", "teachers", "doctors", "nurses",
     "drivers", "truckers", "lorry", "staff", "labour", "labor", "strikers", "walkout"]
)  # fmt: skip
_STRIKE_KINDS = frozenset(["general", "one-day", "two-day", "24-hour", "48-hour", "nationwide", "hunger", "labour"])
_STRIKE_WORDS = frozenset(
    ["strike", "strikes", "attack", "attacks", "airstrikes", "raids", "assault", "assaults", "offensive"]
)


_PENALTIES = frozenset(["sanctions", "sanction", "restrictions", "embargo", "restrictive"])


def _retype(etype: str, tokens: list[Token], i: int, j: int, modes: set[tuple[str, str]]) -> str | None:
    """Refine a trigger's type from its object: "launched strikes" is an assault, "fired water cannon"
    coercion, "a test" of no weapon is no event."""
    word = tokens[i].low
    if etype == "ASSAULT" and word.startswith("strike"):
        around = {t.low for t in tokens[max(0, i - 5) : j + 4]}
        if around & _LABOUR or (i > 0 and tokens[i - 1].low in _STRIKE_KINDS):
            return "PROTEST"  # "a strike by dockworkers", "a one-day strike": labour withheld, not an attack
    if etype == "SUPPORT" and word.startswith("pledg"):
        ahead = tokens[j : j + 5]
        if any(t.low in _GIVING or t.text[:1] in "$€£" or t.low in ("million", "billion") for t in ahead):
            return "AID"  # "pledged to deliver 30 turbines", "pledging about $400 million": help given
    if etype in _NO_RETYPE and not word.startswith(("withdr", "expel", "fire", "sen", "suppl", "deliver", "hand")):
        return etype  # no rule below refines these
    returned = word.startswith("hand") or (word == "sent" and j < len(tokens) and tokens[j].low == "back")
    if etype == "AID" and returned and {t.low for t in tokens[max(0, i - 4) : j + 6]} & _PEOPLE:
        return "RETREAT"  # "handed over 146 soldiers", "sent back two fishermen": captives returned
    after = {t.low for t in tokens[j : j + 6]}
    if etype == "AID" and word.startswith(("send", "sent")) and after & _MESSAGES:
        return None  # "sent a note of protest", "will send a delegation": no help given
    if (
        etype == "AID"
        and word.startswith(("suppl", "deliver"))
        and ({t.low for t in tokens[max(0, i - 2) : i]} | after) & _COMMODITIES
        and not after & _RELIEF
    ):
        return None  # "gas supplies to Spain", "gas delivered through the pipeline": trade, not aid
    if etype == "RETREAT" and word.startswith(("release", "releasing", "freed", "free")):
        near = {t.low for t in tokens[j : j + 9]} | {t.low for t in tokens[max(0, i - 4) : i]}
        counted = j < len(tokens) and tokens[j].low[:1].isdigit()  # "released 120 Rohingya"
        if not near & _PEOPLE and not counted:
            return None  # "released a package of rules", "a statement released by": no captive set free
    if etype == "SANCTION" and word.startswith("suspend") and after & _CAMPAIGNS:
        return "RETREAT"  # "suspended its maritime campaign", "suspended its operations"
    if word.startswith("expel") and not (after | {t.low for t in tokens[max(0, i - 4) : i]}) & _ENVOYS:
        return "COERCE"  # people driven out, not diplomats sent home
    wide = {t.low for t in tokens[j : j + 9]}
    if (
        etype == "AGREE"
        and word.startswith("agree")
        and any(
            tokens[k].low == "to" and k + 1 < len(tokens) and tokens[k + 1].low in _YIELDING
            for k in range(j, min(j + 4, len(tokens)))
        )
        and not wide & {"talks", "negotiations", "dialogue", "consultations"}
    ):
        return "CONCEDE"  # "agreed to lift the levy", "agreed to remove a reference"
    if etype == "COOPERATE" and word.startswith("escort") and "out" in wide:
        return "COERCE"  # "escorted a coast guard ship out of its waters"
    if etype == "COERCE" and word.startswith("block") and {t.low for t in tokens[max(0, i - 8) : i]} & _CROWDS:
        return "PROTEST"  # "lorry drivers blocked the approach to the terminal"
    if etype == "CONCEDE" and word.startswith(("restor", "resum")):
        # "restore electricity exports", "resume flights": a concession; "resumed talks", "resumed attacks": not
        if wide & {"talks", "negotiations", "dialogue", "consultations", "contacts"}:
            return "CONSULT"
        if wide & _CAMPAIGNS or wide & {"shelling", "fire", "bombing"}:
            return "ASSAULT"
        return etype if wide & (_TRADE | _OPENINGS) else None
    if etype == "COERCE" and word in ("closed", "closes", "close", "closing", "shut"):
        closed = wide | {t.low for t in tokens[i + 1 : j]}  # the trigger's own words too ("closed the crossing")
        if closed & {"embassy", "consulate", "mission"}:
            return "SANCTION"  # "closed its embassy"
        return "COERCE" if closed & _PASSAGES else None  # "closed all border crossings", "closed its airspace"
    if word.startswith("withdr") and wide & _MEASURES:
        return "CONCEDE"  # "withdrew a contested bill", "withdrew its objection"
    if etype == "RETREAT" and word.startswith("withdr") and after & _AGREEMENTS:
        return "SANCTION"  # leaving an agreement or a body is a sanction, not a retreat
    if etype == "SANCTION" and word.startswith("withdr") and not after & _AGREEMENTS:
        return "RETREAT"  # "withdraw from two villages": ground given up
    if etype == "RETREAT" and word == "halted" and after & _TRADE:
        return "SANCTION"  # "halted electricity exports"
    if (
        etype == "RETREAT"
        and word in ("allowed", "granted")
        and not after & {"access", "passage", "entry", "inspectors", "aid"}
    ):
        return None  # only allowing access is a concession of ground
    if (
        etype == "CONCEDE"
        and word in ("lift", "lifting", "lifted", "lifts", "relaxed", "softened")
        and not (after & _RESTRICTIONS)
    ):
        return None
    if etype == "AGREE" and word.startswith("approv") and after & _FUNDS:
        return "AID"  # "approved a $40 million emergency loan"
    if etype == "SUPPORT" and word.startswith("pledge") and (after & _FUNDS or "$" in after):
        return "AID"  # "pledged $3 billion towards reconstruction"
    if etype == "AGREE" and after & _PENALTIES and "mandate" not in after and tokens[j - 1].low != "mandate":
        # "approved new sanctions", "extended its sanctions", "adopted a package of restrictive measures" (not
        # "extended the mandate of the panel assisting the sanctions committee")
        return "SANCTION"
    if etype == "MOBILIZE" and word in ("moved", "moving", "moves") and not wide & _FORCES:
        return None  # "moved to Geneva", "moving on": only forces moved are a mobilisation
    if (
        etype == "MOBILIZE"
        and word.startswith("launch")
        and (
            wide & {"appeal", "appeals", "campaign", "initiative", "inquiry", "investigation", "probe", "website"}
            or {t.low for t in tokens[max(0, i - 3) : i]} & _STRIKE_WORDS
        )
    ):
        return None  # "launched a flash appeal"; "the offensive launched on Tuesday": told by its own noun
    if etype == "MOBILIZE" and word.startswith(("launch", "fired", "fire")):
        if word.startswith("fire") and "water" in after and "cannon" in after:
            return "COERCE"
        launched_at = word.startswith("launch") and any(
            t.low == "at" and not tokens[min(k + 1, len(tokens) - 1)].low[:1].isdigit()
            for k, t in enumerate(tokens[j : j + 3], start=j)
        )
        if after & _STRIKE_WORDS or (word.startswith("fire") and "at" in after) or launched_at:
            return "ASSAULT"
        if "water" in after and "cannon" in after:
            return "COERCE"
        if word.startswith("launch") and "against" in after:
            return "ASSAULT"  # "drones launched by Russia against Ukrainian cities"
        if word.startswith("fire") and not after & _WEAPONS:
            return "ASSAULT"  # "Indian troops fired first", "had fired only in self-defence"
    if word.startswith("fire") and after & {"gas", "bullets", "rounds", "pellets"}:
        return "ASSAULT"  # "police fired tear gas and rubber bullets"
    if etype == "MOBILIZE" and word in ("test", "tests", "tested", "testing"):
        return etype if ("MOBILIZE", "weapons") in modes else None
    return etype


def _speakers(
    text: str, base: int, mentions: list[Mention], t0: int, said: dict[int, int] | None = None
) -> list[Mention]:
    """Mentions that introduce reported speech before the trigger ("Ukraine said the soldiers attacked"):
    the speaker reports the event but is not its actor. ``said`` keeps, per mention, where its speech verb
    ends (-1 if none) for the other triggers of the sentence."""
    out = []
    said = {} if said is None else said
    for m in mentions:
        end = m.end - base
        if end > t0:
            continue
        verb_end = said.get(id(m))
        if verb_end is None:
            after = text[end : end + 40]
            found = _SPEECH_AFTER.match(after.lstrip())
            verb_end = said[id(m)] = -1 if found is None else end + len(after) - len(after.lstrip()) + found.end()
        if 0 <= verb_end <= t0:
            if _OWN_CLAIM.search(text, max(end, t0 - 40), t0):
                continue  # "the Houthis claimed to have struck": the claimant is the actor
            out.append(m)
    return out


def _with_coordinated(first: list[Mention], mentions: list[Mention], text: str, base: int) -> list[Mention]:
    """``first`` (one mention or none) with the mentions coordinated after it ("Egypt, Ethiopia and Sudan")."""
    if not first:
        return []
    group = list(first)
    for m in mentions:
        if group and m.start > group[-1].start:
            if not (_COORD.match(text[group[-1].end - base : m.start - base]) or m.start == group[-1].start):
                break
            if text[m.end - base : m.end - base + 2] in ("'s", "’s") and text[group[-1].end - base] == ",":
                break  # "China, Cambodia's closest ally,": an apposition, not a list
            group.append(m)
    return group


def _in_name(tokens: list[Token], i: int) -> bool:
    """A capitalised word after another capitalised word ("Ministers' Meeting", "Affairs and Cooperation")."""
    k = i - 1
    if tokens[k].low in ("'", "'s", "and", "of", "for", "&") and k > 0:
        k -= 1
    prev = tokens[k].text
    return prev[:1].isupper() and prev.isalpha() and not prev.isupper() and k > 0


def _unnamed_victims(
    sentence: Sentence, tokens: list[Token], found: list[tuple[int, int, str]], cues: Cues, focal: Mention
) -> list[RawEvent]:
    """In a sentence that names no actor, attacks told in the passive ("thousands have been killed", "towns
    have been bombed") fall on the story's state."""
    out: list[RawEvent] = []
    text, base = sentence.text, sentence.start
    for i, j, etype in found:
        head = tokens[i].low
        t0 = tokens[i].start - base
        if any(e.type == etype for e in out):
            continue
        if etype == "COERCE" and head.startswith("block") and {t.low for t in tokens[max(0, i - 8) : i]} & _CROWDS:
            etype = "PROTEST"
        if etype != "PROTEST":  # protests are against the story's state; attacks only when told in the passive
            participle = head.endswith(("ed", "en")) or head in _IRREGULAR_PARTICIPLES
            if etype not in ("ASSAULT", "COERCE") or not participle:
                continue
            if not _PASSIVE_BEFORE.search(text, max(0, t0 - 40), t0):
                continue
        out.append(
            RawEvent(type=etype, mode=None, actors=(), recipients=(focal.actor,), actor_roles=(),
                     recipient_roles=(focal.role or "",), status=_status(cues.status, i, j, tokens),
                     trigger=text[t0 : tokens[j - 1].end - base], trigger_start=tokens[i].start, guessed=True)
        )  # fmt: skip
    return out


def find_events(
    sentence: Sentence,
    tokens: list[Token],
    mentions: list[Mention],
    lex: Lexicon,
    found_cues: Cues,
    focal: Mention | None = None,
) -> list[RawEvent]:
    """Events in one sentence, given its tokens, the actor mentions and the lexicon cues inside it; ``focal`` is
    the state the story is about, which receives aid and support that name no recipient."""
    text, base = sentence.text, sentence.start
    spans = [(m.start - base, m.end - base) for m in mentions if m.how != "coref"]
    out: list[RawEvent] = []
    seen: set[tuple[str, tuple[str, ...], tuple[str, ...]]] = set()
    found = [t for t in found_cues.triggers if t[2] != "_IGNORE"]
    if not found:
        return out
    if not mentions:
        return _unnamed_victims(sentence, tokens, found, found_cues, focal) if focal is not None else out
    cues = found_cues.status
    said: dict[int, int] = {}  # where each mention's speech verb ends, found once
    relative = ", which" in text or ", who" in text
    objects = "which" in text or "whom" in text  # an object relative ("whom Serbian forces had detained") is possible
    headline: bool | None = None  # a title-case line: worked out only when a capitalised trigger needs it
    breaks: list[tuple[int, int]] | None = None  # clause breaks, found once
    modes_here = found_cues.modes
    asked = False  # a request or refusal earlier in the sentence: what follows "to" is its content
    sent = False  # forces or supplies sent earlier in the sentence
    refusal: tuple[int, list[Mention]] | None = None  # the last refusal: its end token and its actors
    prev_end: int | None = None  # where the previous trigger of the sentence ended
    for n_found, (i, j, found_type) in enumerate(found):
        prev_end = found[n_found - 1][1] if n_found else None
        if asked and any(tokens[k].low == "to" for k in range(max(0, i - 3), i)):
            continue
        if sent and found_type == "SUPPORT" and any(tokens[k].low == "to" for k in range(max(0, i - 2), i)):
            continue  # "troops sent to support Russia": the purpose of the sending, not another event
        asked = asked or found_type in ("REQUEST", "REJECT", "THREATEN")
        sent = sent or found_type in ("AID", "MOBILIZE")
        if tokens[i].text[:1].isupper() and i > 0 and headline is None:
            words = [t for t in tokens if t.text[:1].isalpha()]
            headline = len(words) > 2 and sum(t.text[:1].isupper() for t in words) > 0.6 * len(words)
        if (
            tokens[i].text[:1].isupper()
            and i > 0
            and not headline
            and (any(t.text in _NAME_HEADS for t in tokens[j : j + 3]) or _in_name(tokens, i))
        ):
            continue  # "the Multinational Security Support Mission", "the AU–EU Ministerial Meeting": names
        if (
            found_type == "CONSULT"
            and tokens[i].low in _SETTINGS
            and any(tokens[k].low in ("in", "at", "during") for k in range(max(0, i - 3), i))
        ):
            continue  # "in the ensuing debate", "at the noon briefing": the setting of what is reported
        if i > 0 and tokens[i - 1].low == "-":
            continue  # "Iranian-backed": an adjective, not an event
        if (
            j == i + 1
            and tokens[i].low.endswith("ed")
            and i > 0
            and tokens[i - 1].low in _ARTICLES
            and j < len(tokens)
            and tokens[j].text.isalpha()
            and tokens[j].text.islower()
        ):
            continue  # "the detained leaders", "the seized tanker": a participle describing a noun
        if out and i > 1 and tokens[i - 1].low == "which" and tokens[i - 2].low == "," and tokens[i].low in _TOLLS:
            continue  # "the attack on the base, which killed 17": the toll of the attack
        if out and i > 0 and tokens[i - 1].low == "," and tokens[i].low in _CONSEQUENCES:
            continue  # "fired water cannon at the boat, injuring three": a toll of the event before, not another
        if out and i > 0 and tokens[i - 1].low == "for":
            continue  # "visited Pyongyang for talks": the purpose of the event before, not another
        if found_type == "MOBILIZE" and _standing_or_recalled(tokens, i, j):
            continue
        retyped = _retype(found_type, tokens, i, j, modes_here)
        if retyped is None:
            continue
        etype = retyped
        t0, t1 = tokens[i].start - base, tokens[j - 1].end - base
        if any(a <= t0 < b or a < t1 <= b for a, b in spans):
            continue
        trigger = text[t0:t1]
        if breaks is None:
            breaks = _clause_breaks(text)
        c0, c1 = _clause(breaks, len(text), t0)
        actors_m: list[Mention] = []
        recips_m: list[Mention] = []
        by = _BY_AFTER.match(text, t1)
        agents = [m for m in mentions if by and by.end() <= m.start - base <= by.end() + 30][:1] if by else []
        if not by and etype == "ASSAULT" and "from" in text:  # "attacks launched from Syrian territory": its source
            agents = [m for m in mentions if t1 < m.start - base <= t1 + 40 and _FROM_SOIL.match(text, t1, m.start - base)
                      and _SOIL.match(text, m.end - base)][:1]  # fmt: skip
        if not by and _PASSIVE_BEFORE.search(text, max(0, t0 - 20), t0):  # "was briefed on Wednesday by X"
            agents = [m for m in mentions if t1 < m.start - base <= min(c1, t1 + 40)
                      and _LATER_BY.search(text, max(t1, m.start - base - 12), m.start - base)][:1]  # fmt: skip
        nominal = _nominal(tokens, i, mentions)
        # "the detention of UN staff by the Houthis", "an offensive launched on Tuesday by the M23"
        later_agents = [] if nominal != [] or agents else [
            m for m in mentions if t1 < m.start - base <= min(c1, t1 + 80)
            and _LATER_BY.search(text, max(t1, m.start - base - 12), m.start - base)][:1]  # fmt: skip
        agents = _with_coordinated(agents, mentions, text, base)  # "by Egypt, Ethiopia and Sudan"
        later_agents = _with_coordinated(later_agents, mentions, text, base)
        if not nominal and not agents and not later_agents and tokens[j - 1].low in _AGENTIVE:
            # "a long-standing request of Honiara" too, where the adjective hides the noun, but only with "of"
            # right after it ("agreed to request a meeting of the Council" is a verb)
            owners = [
                m for m in mentions if t1 < m.start - base <= t1 + 40 and _OF_AGENT.match(text[t1 : m.start - base])
                and (nominal == [] or text.startswith(" of ", t1))
            ]  # fmt: skip
            if owners:  # "the mediation efforts of Qatar and the United States": Qatar and the US mediate
                later_agents = _with_coordinated(owners[:1], mentions, text, base)
        bare = tokens[j - 1].low in _BARE_NOUNS and j == i + 1
        if (
            bare
            and nominal is None
            and i > 0
            and tokens[i - 1].low not in _VERB_CONTEXT
            and not any(m.end <= tokens[i].start and tokens[i].start - m.end <= 1 for m in mentions)
        ):
            nominal = []  # "in budget support", "continued threats": a noun with no owner
        if (
            bare
            and nominal is not None
            and not later_agents
            and not agents
            and (not nominal or tokens[j - 1].low == "support")
        ):
            continue  # "budget support", "the threats to our security": a state of affairs, not an act
        if (
            etype == "SANCTION"
            and nominal == []
            and not agents
            and not later_agents
            and prev_end is not None
            and (0 <= i - prev_end <= 3)
        ):
            continue  # "lifted a ban", "easing curbs", "extend the arms embargo": the object of another event
        if later_agents:
            actors_m = later_agents
            recips_m = [m for m in mentions if t1 <= m.start - base < later_agents[0].start - base
                        and _NOMINAL_OBJECT.search(text, max(0, m.start - base - 16), m.start - base)][:1]  # fmt: skip
        elif nominal is not None and not agents:
            # "Moscow's relentless attacks on Ukraine", "Houthi threats", "attacks on Ukrainian ports"
            actors_m = nominal
            between = None if nominal else _BETWEEN.match(text, t1)
            if between is not None:  # "cooperation between Moscow and Pyongyang": both act together
                pair = [m for m in mentions if t1 <= m.start - base <= between.end() + 40]
                if len(pair) >= 2 and (
                    _COORD.match(text[pair[0].end - base : pair[1].start - base]) or pair[0].start == pair[1].start
                ):
                    actors_m = pair[:2]
                elif pair and etype in ("RETREAT", "ASSAULT"):
                    actors_m = pair[:1]  # "the truce between Sudan's warring factions": within one state
            light = None if actors_m else _light_verb(tokens, i, base + c0)
            if light is not None:  # "X launched a series of strikes on Y": the subject of the light verb
                speakers = _speakers(text, base, mentions, light - base, said)
                actors_m = _group_before([m for m in mentions if m not in speakers], text, base, light - base, c0)
            later = [m for m in mentions if t1 <= m.start - base <= min(c1, t1 + 60)]
            recips_m = [
                m
                for m in later
                if _NOMINAL_OBJECT.search(text[max(t1, m.start - base - 12) : m.start - base])
                or (etype in ("AID", "SUPPORT") and text.endswith(("for ", "for the "), t1, m.start - base))
            ][:1]  # ("announced a new package of air defence equipment for Ukraine")
        elif agents and etype == "ACCUSE" and tokens[j - 1].low in _FEELINGS:
            # "X was deeply concerned by China's conduct": what "by" names is the cause, the subject feels it
            actors_m, recips_m = _group_before(mentions, text, base, t0, c0)[-1:], agents
        elif agents:  # "was seized by the Houthis", "launch by Pyongyang"
            actors_m = agents
            low = trigger.lower()
            participle = low.endswith(("ed", "en")) or low in ("struck", "shot", "hit", "sent", "fought", "held", "met")
            if participle or _PASSIVE_BEFORE.search(text, max(0, t0 - 20), t0):
                recips_m = _group_before(mentions, text, base, t0, c0)[-1:]
                if not recips_m:  # "drones launched by Russia against Ukrainian cities": the target named after
                    recips_m = [m for m in mentions if agents[-1].end <= m.start and m.start - base <= min(c1, t1 + 90)
                                and m.actor not in {a.actor for a in agents}
                                and _NOMINAL_OBJECT.search(text, max(0, m.start - base - 12), m.start - base)][:1]  # fmt: skip
            else:  # "any nuclear attack by the DPRK against the United States"
                later = [m for m in mentions if agents[-1].end <= m.start and m.start - base <= min(c1, t1 + 90)]
                recips_m = [m for m in later if _NOMINAL_OBJECT.search(text[max(0, m.start - base - 12) : m.start - base])
                            and m.actor != agents[0].actor][:1]  # fmt: skip
        else:
            speakers = _speakers(text, base, mentions, t0, said)
            # nor is a source ("According to the United Nations, 140 people have been killed")
            candidates = [m for m in mentions if m not in speakers and not _sourced(text, base, m)]
            antecedent: list[Mention] = []
            actors_m = _group_before(candidates, text, base, t0, c0)
            if i > 0 and (
                tokens[i - 1].low in ("and", "but") or (tokens[i - 1].low == "," and tokens[i].low.endswith("ing"))
            ):
                # "condemned the deployment and called on Pyongyang": coordinated verbs share the subject
                subject = [m for m in candidates if m.end - base <= t0 and not _PREP_BEFORE.search(
                    text, max(0, m.start - base - 15), m.start - base)][:1]  # fmt: skip
                # with those joined to it: "Ethiopia and Eritrea agreed ... and exchanged"
                subject = _with_coordinated(subject, [m for m in candidates if m.end - base <= t0], text, base)
                actors_m = subject or actors_m
            elif (
                objects
                and (objrel := _OBJECT_RELATIVE.search(text, max(0, t0 - 60), t0)) is not None
                and (doers := [m for m in candidates if objrel.start("subj") <= m.start - base < objrel.end("subj")])
            ):
                # "officers whom Serbian forces had detained", "Hezbollah, which it accused": the noun before
                # "whom" or "which" is acted on by the subject after it
                actors_m = doers
                antecedent = [m for m in mentions if 0 <= objrel.start() - (m.end - base) <= 40][-1:]
            elif relative and (which := _WHICH.search(text, max(0, t0 - 40), t0)) is not None:
                # "Qatar and Turkey, which brokered a truce": the antecedent of "which" acts
                actors_m = _group_before(candidates, text, base, which.start(), 0) or actors_m
            elif relative and (rel := _RELATIVE.search(text, max(0, t0 - 200), t0)) is not None:
                # "Qatar and Turkey, which brokered a truce last year, called on ...": the subject before "which"
                actors_m = _group_before(candidates, text, base, rel.start(), 0) or actors_m
            if not actors_m:  # subject outside the clause: the sentence's first actor before the trigger
                actors_m = _group_before(candidates, text, base, t0, 0)[:1]
            if not actors_m and speakers and not _PASSIVE_BEFORE.search(text, max(0, t0 - 20), t0):
                actors_m = speakers[:1]  # "the police chief said officers acted lawfully and accused ...": the speaker
            if not actors_m and i == 0 and tokens[0].low.endswith("ing") and (comma := text.find(", ", t1)) > 0:
                # "Briefing the Council, Khaled Khiari, UN Assistant Secretary-General, said": the subject after it
                actors_m = [m for m in mentions if comma < m.start - base <= comma + 60][:1]
            comma = text.find(",", t1)
            stop = min(c1, t1 + 90, comma if comma >= 0 else len(text))
            # the object of this verb comes before the next event's trigger ("met to discuss attacks on Y")
            stop = min([stop] + [tokens[a].start - base for a, _b, _t in found if a > j and tokens[a - 1].low == "to"])
            own = {m.actor for m in actors_m}
            after = [m for m in mentions if t1 <= m.start - base <= stop and m.actor not in own]
            if etype not in _AT_PLACE:  # "met in Addis Ababa", "a summit held in Rabat": the venue, not a party
                after = [m for m in after if not (m.how == "capital" and _VENUE.search(
                    text, max(0, m.start - base - 8), m.start - base))]  # fmt: skip
            if etype == "AGREE":  # "adopted a resolution demanding the return of Ukrainian children": its content
                after = [m for m in after if _WITH.search(text, t1, m.start - base)]
            after = [m for m in after if not _sourced(text, base, m)]
            if after:
                first = after[0]
                recips_m = [first]
                # a list goes on past the comma that ends the object: "in Iran, China, Türkiye and the UAE"
                listed = [m for m in mentions if m is not first and first.start <= m.start and m.start - base <= c1
                          and m.actor not in own]  # fmt: skip
                for m in listed:
                    gap = text[recips_m[-1].end - base : m.start - base]
                    if _COORD.match(gap) or m.start == recips_m[-1].start:  # "both sides": two states
                        recips_m.append(m)
                    else:
                        break
            if not recips_m and antecedent:
                recips_m = [m for m in antecedent if m.actor not in own]
            if not recips_m:  # "sent troops, shells and missiles to support Russia"
                later = [m for m in mentions if t1 <= m.start - base <= min(c1, t1 + 150)]
                recips_m = [
                    m
                    for m in later
                    if _RECIPIENT_CUE.search(text[max(0, m.start - base - 25) : m.start - base])
                    and not _sourced(text, base, m)
                ][:1]
            head = trigger.lower().split()[0]
            if (head.endswith(("ed", "en")) or head in _IRREGULAR_PARTICIPLES) and _PASSIVE_BEFORE.search(
                text, max(0, t0 - 40), t0
            ):
                if actors_m and etype not in ("RETREAT", "MOBILIZE"):
                    # "WFP trucks had been looted", "200 soldiers have been killed": the subject suffered the act
                    # (forces "pulled back" or "assigned" are still their own state's)
                    actors_m, recips_m = [], actors_m
                elif speakers and not recips_m and (etype == "ASSAULT" or head.startswith("deport")):
                    recips_m = speakers[:1]  # "Ukraine said 19,000 children had been deported": its own people
        if nominal is not None and refusal is not None and 0 <= i - refusal[0] <= 3:
            if not nominal:
                continue  # "rejected the demand": what is refused is part of the refusal
            recips_m = recips_m or refusal[1]  # "Eritrea rejected an Ethiopian demand": a demand made of Eritrea
        if (
            etype == "PROTEST"
            and not recips_m
            and actors_m
            and all(m.how not in ("demonym", "group") for m in actors_m)
        ):
            actors_m, recips_m = [], actors_m  # "street protests in Zambia", "protests against the government"
        if etype == "AID" and tokens[i].low.startswith("receiv"):
            # "North Korea received air-defence systems from Moscow": the giver follows "from"
            givers = [m for m in mentions if t1 <= m.start - base <= min(c1, t1 + 90)
                      and _FROM.search(text, max(0, m.start - base - 8), m.start - base)][:1]  # fmt: skip
            if not givers:
                continue  # received what, from whom? not aid we can place
            actors_m, recips_m = givers, [m for m in actors_m if m not in givers]
        if etype == "COERCE" and tokens[i].low in _HOLDING:
            # "four U.S. citizens detained in Caracas": the people are held, the place's state holds them
            held = [m for m in mentions if m.end - base <= t0 and _PEOPLE_OF.match(text, m.end - base, t0)][-1:]
            holder = [m for m in mentions if t1 < m.start - base <= t1 + 16 and text.endswith((" in ", " by "), 0, m.start - base)
                      and m.actor not in {h.actor for h in held}][:1]  # fmt: skip
            if held and holder:
                actors_m, recips_m = holder, held
        if (
            etype == "RETREAT"
            and tokens[j - 1].low.startswith(("releas", "freed"))
            and (tokens[i].low in ("were", "was") or _PASSIVE_BEFORE.search(text, max(0, t0 - 20), t0))
        ):
            # "three Filipino sailors detained in China were released": set free by China, not by the Philippines
            held = [m for m in mentions if m.end - base <= t0 and _PEOPLE_AFTER.match(text, m.end - base)][-1:]
            if held:
                holder = [m for m in mentions if held[0].end <= m.start and m.start - base <= t1 + 16
                          and m.actor != held[0].actor
                          and text.endswith((" in ", " by "), 0, m.start - base)][:1]  # fmt: skip
                actors_m, recips_m = holder, held
        if etype == "AGREE" and recips_m:  # "adopted a resolution demanding ... Ukrainian children": its content
            recips_m = [m for m in recips_m if m.start - base < t0 or _WITH.search(text, t1, max(t1, m.start - base))]
        actors = tuple(dict.fromkeys(m.actor for m in actors_m))
        recipients = tuple(dict.fromkeys(m.actor for m in recips_m if m.actor not in actors))
        guessed = False
        if etype == "PROTEST" and not recipients and focal is not None and focal.actor not in actors:
            recips_m, recipients = [focal], (focal.actor,)  # "tens of thousands marched": against the story's state
            guessed = True
        if not actors and not recipients:
            continue
        if etype == "MOBILIZE" and trigger.lower().startswith(_SENDING):
            helped = [m for m in mentions if t1 < m.start - base <= min(c1, t1 + 120) and m.actor not in actors
                      and _FOR_WHOM.search(text, max(t1, m.start - base - 45), m.start - base)][:1]  # fmt: skip
            if helped:  # "police advisers to support the Solomon Islands police", "at the request of Mali"
                etype, recips_m, recipients = "AID", helped, (helped[0].actor,)
        if etype == "MOBILIZE" and recipients and trigger.lower().startswith(_SENDING):
            cue = text[max(0, recips_m[0].start - base - 12) : recips_m[0].start - base].lower()
            helping = _HELPING.search(text)
            if re.search(r"\b(?:to|for)\s+(?:the\s+)?$", cue) and helping:
                etype = "AID"  # forces sent to fight for another state: military help to it
            elif re.search(r"\b(?:to|in|into)\s+(?:the\s+)?$", cue) and not {t.low for t in tokens} & _DRILLS:
                etype = "AID"  # troops sent into another state, not for an exercise: help to its government
        if (
            etype == "MOBILIZE"
            and trigger.lower().startswith((*_SENDING, "flew", "airlift"))
            and any(t.low in _RELIEF for t in tokens)
        ):
            etype = "AID"  # ships and teams sent to help with a disaster or a crisis: aid
        if (
            etype == "MOBILIZE"
            and trigger.lower().startswith(("exercise", "drill"))
            and (len(actors) + len(recipients) >= 2 or {t.low for t in tokens[max(0, i - 3) : i]} & _JOINT)
        ):
            etype = "COOPERATE"  # "a bilateral amphibious exercise", "the exercise" of two navies: done together
        if etype in ("AID", "SUPPORT") and not recipients and focal is not None and focal.actor not in actors:
            # "Japan said it would provide $5 million": aid in a story filed from a place goes to that place
            recips_m, recipients = [focal], (focal.actor,)
            guessed = True
        if etype == "SUPPORT" and not recipients:
            continue  # support is for someone
        if etype == "AID" and not recipients:
            if not trigger.lower().startswith(_SENDING):
                continue  # aid goes to someone
            etype = "MOBILIZE"  # sending forces with no one to receive them is readying one's own
        key = (etype, actors, recipients)
        if key in seen:
            continue
        same = next((k for k, e in enumerate(out) if e.type == etype and e.actors == actors), None)
        if same is not None and set(out[same].recipients) <= set(recipients):
            del out[same]  # one event, named twice ("strikes killed"): keep the fuller reading
        elif same is not None and set(recipients) <= set(out[same].recipients):
            continue
        seen.add(key)
        if etype == "REJECT":
            refusal = (j, actors_m)
        mode = next((m for m in lex.mode_order.get(etype, ()) if (etype, m) in modes_here), None)
        out.append(
            RawEvent(
                type=etype,
                mode=mode,
                actors=actors,
                recipients=recipients,
                actor_roles=tuple(m.role or "" for m in actors_m if m.actor in actors),
                recipient_roles=tuple(m.role or "" for m in recips_m if m.actor in recipients),
                status=_status(cues, i, j, tokens, etype),
                trigger=trigger,
                trigger_start=base + t0,
                guessed=guessed,
            )
        )
    return out
