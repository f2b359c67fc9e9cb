"""Schema of the knowledge-base files: pydantic models with ``extra="forbid"``.

Every entry that states something about the world carries ``sources`` (ids of
entries in ``sources.yaml``, the bibliography) and ``as_of`` (the date the entry
was last checked against them).
"""

from __future__ import annotations

import re
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "TYPES",
    "Actor",
    "Body",
    "ChannelDef",
    "ContextDef",
    "Effect",
    "Exposure",
    "ImpactRule",
    "Interest",
    "Leader",
    "Match",
    "OutlookRule",
    "PatternRule",
    "PatternStep",
    "Place",
    "Play",
    "Profile",
    "Refresh",
    "Relationship",
    "SourceRef",
    "Weight",
]

EventType = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "REJECT", "ACCUSE", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]  # fmt: skip
TYPES: tuple[str, ...] = get_args(EventType)
Horizon = Literal["short", "medium", "long"]
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_date(value: str) -> str:
    if not _DATE.match(value):
        raise ValueError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return value


class SourceRef(_Strict):
    """A published source: the bibliography entry that knowledge cites."""

    id: str
    publisher: str
    title: str
    date: str
    url: str | None = None

    _date = field_validator("date")(_check_date)

    @field_validator("title")
    @classmethod
    def _title_is_a_title(cls, v: str) -> str:
        if v.lstrip().startswith("["):
            raise ValueError("a source title is the work's title, not a bracketed note; put notes in a YAML comment")
        return v


class _Sourced(_Strict):
    sources: list[str] = Field(min_length=1)
    as_of: str

    _as_of = field_validator("as_of")(_check_date)


class Leader(_Strict):
    """A head of state or government, or a minister, with a term."""

    name: str
    aliases: list[str] = []
    office: str
    start: str
    end: str | None = None

    _start = field_validator("start")(_check_date)


class Body(_Strict):
    """A government body, force or agency that acts for its state ("State Department", "PLA")."""

    name: str
    aliases: list[str] = []
    role: Literal["GOV", "MIL", "COP", "SPY", "MED"] = "GOV"


class Actor(_Sourced):
    """A state, an organisation or a non-state armed group."""

    id: str
    kind: Literal["state", "organisation", "armed_group"]
    name: str
    short: str | None = None  # the name a brief uses in running text
    aliases: list[str] = []
    capitals: list[str] = []  # also seats of government used as metonyms
    demonyms: list[str] = []
    region: str | None = None  # UN M49 sub-region slug
    memberships: list[str] = []
    attributes: list[str] = []
    leaders: list[Leader] = []
    bodies: list[Body] = []
    state: str | None = None  # for armed groups: the state they are coded with
    role: str | None = None  # for armed groups: REB, INS, ...
    parent: str | None = None  # for bodies of an organisation


class ChannelDef(_Strict):
    """An impact channel of ``contracts/channels.md``."""

    id: str
    category: Literal["security", "economic", "diplomatic", "opportunity"]
    title: str
    description: str


class ContextDef(_Strict):
    """A topic an event can carry, found from words in its sentence."""

    id: str
    title: str
    keywords: list[str] = Field(min_length=1)


class Place(_Sourced):
    """A strait, sea or region that developments happen in."""

    id: str
    name: str
    aliases: list[str] = []
    kind: Literal["chokepoint", "sea", "region", "territory"]
    region: str
    contexts: list[str] = []  # contexts a mention of the place adds
    note: str | None = None  # one sourced sentence about why it matters


class Refresh(_Strict):
    """Where ``geobrief kb refresh`` finds a newer value of an exposure's figure.

    ``worldbank`` takes an ``indicator``; ``comtrade`` takes a ``partner`` and a
    ``flow`` and gives the target's merchandise trade with it in US$.
    """

    provider: Literal["worldbank", "comtrade"]
    indicator: str | None = None  # worldbank only: an indicator code, e.g. NE.TRD.GNFS.ZS (trade, % of GDP)
    scale: float = 1.0  # multiplies the API value, e.g. to convert units
    partner: str | None = None  # comtrade only: ISO3 of the partner, or WLD for the world total
    flow: Literal["M", "X", "MX"] = "MX"  # comtrade only: imports, exports, or both

    @model_validator(mode="after")
    def _fields_of_provider(self) -> Refresh:
        if self.provider == "worldbank" and (not self.indicator or self.partner or "flow" in self.model_fields_set):
            raise ValueError("a worldbank refresh takes an indicator (e.g. NE.TRD.GNFS.ZS), and no partner or flow")
        if self.provider == "comtrade" and (not self.partner or self.indicator):
            raise ValueError("a comtrade refresh takes a partner (ISO3, or WLD for the world) and no indicator")
        return self


class Exposure(_Sourced):
    """One sourced figure of a target's exposure."""

    id: str
    channel: str
    text: str  # a sentence in our words, stating the figure
    value: float | None = None
    unit: str | None = None
    year: str
    partners: list[str] = []  # actor ids this exposure links the target to
    places: list[str] = []  # place ids it depends on
    regions: list[str] = []  # M49 sub-regions it depends on
    refresh: Refresh | None = None  # open data that can update value and year


class Weight(_Strict):
    """How exposed a target is through one channel (0-1), and why."""

    channel: str
    weight: float = Field(ge=0, le=1)
    basis: list[str] = Field(min_length=1)  # exposure ids


class Profile(_Sourced):
    """A target country: its exposures and channel weights."""

    id: str
    country: str
    grouping: str | None = None  # its regional grouping (ASEAN for Singapore)
    summary: str
    exposures: list[Exposure]
    weights: list[Weight]
    partners: dict[str, float] = {}  # actor id -> share of merchandise trade (0-1)
    partners_basis: list[str] = []  # exposure ids the partner shares come from
    partners_refresh: bool = False  # recompute the partners mapping from UN Comtrade
    regions: dict[str, float] = {}  # M49 sub-region -> dependence (0-1)
    places: dict[str, float] = {}  # place id -> dependence (0-1)
    strengths: list[str] = []  # exposure ids


class Match(_Strict):
    """Conditions on an event; an empty list matches anything."""

    types: list[EventType] = []
    modes: list[str] = []
    contexts: list[str] = []  # any of these
    actor_attributes: list[str] = []  # any actor has any
    recipient_attributes: list[str] = []
    any_attributes: list[str] = []  # actor or recipient has any
    no_attributes: list[str] = []  # no actor or recipient has any
    places: list[str] = []
    regions: list[str] = []


class Effect(_Strict):
    channel: str
    weight: float = Field(ge=0, le=1)
    kind: Literal["risk", "opportunity"] = "risk"
    mechanism: str


class ImpactRule(_Sourced):
    """Events that match reach channels, each with a weight and a mechanism."""

    id: str
    description: str
    when: Match
    effects: list[Effect] = Field(min_length=1)


class OutlookRule(_Sourced):
    """A development to expect at a horizon when the matched events occur."""

    id: str
    when: Match
    horizon: Horizon
    text: str  # may use {actors} and {recipients}
    likelihood: float = Field(ge=0, le=1)
    signposts: list[str] = Field(min_length=1)
    # third-party responses; may use {actors}, {recipients}, {actor_allies}, {actor_rivals}, {recipient_allies}
    responses: list[str] = []


class Play(_Sourced):
    """A policy recommendation from the playbook."""

    id: str
    title: str
    text: str
    channels: list[str] = Field(min_length=1)
    leverage: float = Field(ge=0, le=1)
    countries: list[str] = []  # empty: any target
    # what it answers on its channels: risks (the opportunity.* channels always count), or opportunities only
    kind: Literal["risk", "opportunity"] = "risk"


class Interest(_Sourced):
    """Something an actor seeks or fears, and the events that serve it."""

    id: str
    actor: str
    text: str  # "secure hard currency under sanctions"
    when: Match  # events of the actor that serve this interest
    role: Literal["actor", "recipient", "either"] = "either"


class PatternStep(_Strict):
    """One kind of event a pattern needs; A and B are actors bound across the pattern's steps."""

    when: Match
    actor: Literal["A", "B", "any"] = "A"  # who must be among the event's actors
    recipient: Literal["A", "B", "any"] = "any"  # who must be among its recipients


class PatternRule(_Sourced):
    """Events that feed each other: when every step is found, the link is stated as an assessment."""

    id: str
    title: str
    steps: list[PatternStep] = Field(min_length=2)
    text: str  # may use {A} and {B}


class Relationship(_Sourced):
    """The state of relations between two actors."""

    id: str
    actors: list[str] = Field(min_length=2, max_length=2)
    kind: Literal["ally", "partner", "rival", "adversary", "dispute"]
    text: str
    since: str | None = None
