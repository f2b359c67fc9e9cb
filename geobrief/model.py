"""Domain objects: frozen dataclasses that flow through the pipeline.

Offsets are Python string indices into ``Article.body`` (after decoding and
turning ``\\r\\n`` into ``\\n``), as the brief contract requires.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Article",
    "Brief",
    "Citation",
    "Development",
    "Event",
    "Evidence",
    "Horizon",
    "Impact",
    "Mention",
    "Paragraph",
    "Quantity",
    "Recommendation",
    "Section",
    "Sentence",
    "Status",
    "Tier",
]

Status = Literal["asserted", "reported", "claimed", "denied", "planned", "hypothetical"]
Tier = Literal["fact", "context", "assessment"]
Qualifier = Literal["exact", "at_least", "at_most", "about"]


@dataclass(frozen=True, kw_only=True)
class Article:
    """A news text: its header fields and its body."""

    id: str  # hash of the normalised body
    body: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    license: str | None = None
    path: str | None = None  # where it was read from, for messages

    @property
    def label(self) -> str:
        """What to call the article in a list: its title, else its first line (shortened), else its id."""
        if self.title:
            return self.title
        first = next((ln.strip().lstrip("#").strip() for ln in self.body.splitlines() if ln.strip()), "")
        if not first:
            return self.id
        return first if len(first) <= 90 else first[:89].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True, kw_only=True)
class Sentence:
    """A sentence of an article body, by character offsets."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, kw_only=True)
class Mention:
    """An actor named in the text, coded with the knowledge-base actor id."""

    actor: str  # the code the event uses (a state's ISO3 for an armed group)
    entity: str  # the knowledge-base entry that matched (e.g. HOUTHIS)
    start: int
    end: int
    text: str
    how: Literal["name", "alias", "capital", "demonym", "leader", "organisation", "group", "coref"]
    role: str | None = None  # GOV, MIL, REB, ...


@dataclass(frozen=True, kw_only=True)
class Quantity:
    kind: str  # killed, injured, troops, duration_days, money_usd, percent, count
    value: float
    qualifier: Qualifier = "exact"
    text: str = ""
    start: int = 0
    end: int = 0


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """The span of a source that an event rests on."""

    source: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, kw_only=True)
class Event:
    """Who did what to whom, typed with PLOVER v2."""

    id: str
    type: str
    mode: str | None
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    actor_roles: tuple[str, ...] = ()
    recipient_roles: tuple[str, ...] = ()
    date: str | None = None
    quantities: tuple[Quantity, ...] = ()
    status: Status = "asserted"
    contexts: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    trigger: str = ""  # the word that typed the event
    trigger_start: int | None = None  # its offset in the body
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class Citation:
    """A span of an article (source, start, end) or a knowledge-base entry (kb)."""

    source: str | None = None
    start: int | None = None
    end: int | None = None
    kb: str | None = None

    def as_dict(self) -> dict[str, object]:
        if self.kb is not None:
            return {"kb": self.kb}
        return {"source": self.source, "start": self.start, "end": self.end}


@dataclass(frozen=True, kw_only=True)
class Paragraph:
    text: str
    tier: Tier
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Section:
    id: str
    title: str
    paragraphs: tuple[Paragraph, ...] = ()
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Impact:
    """How strongly the developments reach the target through one channel."""

    channel: str
    category: str
    score: float
    kind: Literal["risk", "opportunity"]
    summary: str
    citations: tuple[Citation, ...]
    low: float = 0.0  # uncertainty band: 10th and 90th percentile over rule weights and event salience
    high: float = 0.0
    paths: tuple[str, ...] = ()  # event -> mechanism -> exposure, one line each
    rules: tuple[str, ...] = ()
    events: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Development:
    """An outlook development at a horizon."""

    horizon: Literal["short", "medium", "long"]
    text: str
    likelihood: float
    signposts: tuple[str, ...]
    citations: tuple[Citation, ...]
    rule: str = ""
    responses: tuple[str, ...] = ()


Horizon = Literal["short", "medium", "long"]


@dataclass(frozen=True, kw_only=True)
class Recommendation:
    title: str
    text: str
    channels: tuple[str, ...]
    priority: int
    play: str = ""
    score: float = 0.0


@dataclass(frozen=True, kw_only=True)
class Brief:
    """The whole brief, ready to render."""

    country: str
    title: str
    generated_at: str
    sources: tuple[Article, ...]
    events: tuple[Event, ...]
    impacts: tuple[Impact, ...]
    outlook: dict[str, tuple[str, tuple[Development, ...]]]  # horizon -> (period, developments)
    recommendations: tuple[Recommendation, ...]
    sections: tuple[Section, ...]
    manifest: dict[str, object] = field(default_factory=dict)
