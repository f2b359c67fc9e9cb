"""Load the knowledge base from its YAML files and check it.

``load()`` validates every entry against ``schema.py`` and every reference
between entries; problems raise ``KnowledgeBaseError``. ``check()`` returns the
list of problems instead, for ``geobrief kb check``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from geobrief.errors import KnowledgeBaseError, UnknownCountryError
from geobrief.kb import schema as s

__all__ = ["DATA_DIR", "KnowledgeBase", "check", "load"]

DATA_DIR = Path(__file__).parent / "data"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_THE_NAMES = {"Philippines", "Netherlands", "Bahamas", "Gambia", "Maldives", "Comoros", "Holy See"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_TEXT_FIELDS = {"actors", "recipients"}
_RESPONSE_FIELDS = {"actors", "recipients", "actor_allies", "actor_rivals", "recipient_allies"}

# top-level key of a file -> model of its entries
_LISTS: dict[str, type[BaseModel]] = {
    "sources": s.SourceRef,
    "actors": s.Actor,
    "channels": s.ChannelDef,
    "contexts": s.ContextDef,
    "places": s.Place,
    "impact_rules": s.ImpactRule,
    "outlook_rules": s.OutlookRule,
    "plays": s.Play,
    "interests": s.Interest,
    "relationships": s.Relationship,
    "pattern_rules": s.PatternRule,
}


@dataclass(eq=False)
class KnowledgeBase:
    """The validated knowledge base, indexed by id."""

    sources: dict[str, s.SourceRef] = field(default_factory=dict)
    actors: dict[str, s.Actor] = field(default_factory=dict)
    channels: dict[str, s.ChannelDef] = field(default_factory=dict)
    contexts: dict[str, s.ContextDef] = field(default_factory=dict)
    places: dict[str, s.Place] = field(default_factory=dict)
    impact_rules: dict[str, s.ImpactRule] = field(default_factory=dict)
    outlook_rules: dict[str, s.OutlookRule] = field(default_factory=dict)
    plays: dict[str, s.Play] = field(default_factory=dict)
    interests: dict[str, s.Interest] = field(default_factory=dict)
    relationships: dict[str, s.Relationship] = field(default_factory=dict)
    pattern_rules: dict[str, s.PatternRule] = field(default_factory=dict)
    profiles: dict[str, s.Profile] = field(default_factory=dict)
    version: str = ""

    def profile(self, code: str) -> s.Profile:
        """The target profile for ``code``, or UnknownCountryError listing the known ones."""
        prof = self.profiles.get(code.upper())
        if prof is None:
            known = {k: self.name(k) for k in self.profiles}
            raise UnknownCountryError(code, known)
        return prof

    def name(self, code: str) -> str:
        """The name a brief uses for an actor code."""
        actor = self.actors.get(code)
        if actor is None:
            return code
        return actor.short or actor.name

    def entries(self) -> Iterator[tuple[str, str, Any]]:
        """Every entry as (kind, id, model), profiles and their exposures included."""
        for key in _LISTS:
            for eid, entry in getattr(self, key).items():
                yield key, eid, entry
        for pid, prof in self.profiles.items():
            yield "profiles", pid, prof
            for exp in prof.exposures:
                yield "exposures", exp.id, exp

    def entry(self, eid: str) -> Any:
        """Any citable entry by id (actors, rules, plays, exposures, ...)."""
        for _kind, key, value in self.entries():
            if key == eid:
                return value
        raise KeyError(eid)

    def label(self, code: str) -> str:
        """The name as running text uses it: "the United States", "North Korea", "the UN Security Council"."""
        actor = self.actors.get(code)
        if actor is None:
            return code
        name = actor.short or actor.name
        if actor.kind == "organisation":
            return name if name.replace("+", "").isupper() else f"the {name}"
        plural = name in _THE_NAMES or any(w in name for w in ("United ", "Republic", "Islands", "Kingdom", "Emirates"))
        return f"the {name}" if plural and not name.startswith("the ") else name

    def acronym(self, code: str) -> str:
        """An organisation's short form for lists ("NATO", "G20"), else its name."""
        actor = self.actors.get(code)
        if actor is None:
            return code
        short = [a for a in actor.aliases if a.replace("+", "").replace("-", "").isupper() and len(a) <= 6]
        return short[0] if short else actor.short or actor.name

    def exposure(self, eid: str) -> s.Exposure | None:
        for prof in self.profiles.values():
            for exp in prof.exposures:
                if exp.id == eid:
                    return exp
        return None

    def allies(self, code: str) -> list[str]:
        return self._related(code, {"ally", "partner"})

    def rivals(self, code: str) -> list[str]:
        return self._related(code, {"rival", "adversary", "dispute"})

    def _related(self, code: str, kinds: set[str]) -> list[str]:
        out = []
        for rel in self.relationships.values():
            if rel.kind in kinds and code in rel.actors:
                other = rel.actors[1] if rel.actors[0] == code else rel.actors[0]
                out.append(other)
        return sorted(set(out))


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


def _read(root: Path) -> tuple[KnowledgeBase, list[str]]:
    kb = KnowledgeBase()
    problems: list[str] = []
    digest = hashlib.sha256()
    for path in _files(root):
        rel = path.relative_to(root).as_posix()
        raw = path.read_bytes()
        digest.update(rel.encode() + b"\0" + raw)
        try:
            doc = yaml.load(raw, Loader=_Loader)
        except yaml.YAMLError as exc:
            problems.append(f"{rel}: not valid YAML ({str(exc).splitlines()[0]})")
            continue
        if not isinstance(doc, dict):
            problems.append(f"{rel}: expected a mapping at top level")
            continue
        if rel.startswith("profiles/"):
            try:
                prof = s.Profile.model_validate(doc)
            except ValidationError as exc:
                problems.extend(_describe(rel, doc.get("id", "?"), exc))
                continue
            kb.profiles[prof.id] = prof
            continue
        for key, items in doc.items():
            model = _LISTS.get(key)
            if model is None:
                problems.append(f"{rel}: unknown top-level key {key!r}; expected one of {', '.join(_LISTS)}")
                continue
            target: dict[str, Any] = getattr(kb, key)
            for item in items or []:
                eid = item.get("id", "?") if isinstance(item, dict) else "?"
                try:
                    entry = model.model_validate(item)
                except ValidationError as exc:
                    problems.extend(_describe(rel, eid, exc))
                    continue
                if entry.id in target:  # type: ignore[attr-defined]
                    problems.append(f"{rel}: duplicate id {eid!r}")
                    continue
                target[entry.id] = entry  # type: ignore[attr-defined]
    kb.version = digest.hexdigest()[:12]
    return kb, problems


def _describe(rel: str, eid: str, exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        out.append(f"{rel}: entry {eid!r}: {loc}: {err['msg']}")
    return out


def _references(kb: KnowledgeBase) -> list[str]:
    problems: list[str] = []
    sources, actors, channels = kb.sources, kb.actors, kb.channels
    contexts, places = kb.contexts, kb.places

    def need(where: str, kind: str, ids: list[str] | tuple[str, ...], pool: dict[str, Any]) -> None:
        for i in ids:
            if i not in pool:
                problems.append(f"{where}: unknown {kind} {i!r}")

    exposure_ids: set[str] = set()
    for kind, eid, entry in kb.entries():
        where = f"{kind} {eid!r}"
        if hasattr(entry, "sources") and kind != "sources":
            need(where, "source", entry.sources, sources)
        if kind == "actors":
            need(where, "membership", entry.memberships, actors)
            for ref in (entry.state, entry.parent):
                if ref:
                    need(where, "actor", [ref], actors)
        if kind == "places":
            need(where, "context", entry.contexts, contexts)
        if kind in ("impact_rules", "outlook_rules", "interests"):
            need(where, "context", entry.when.contexts, contexts)
            need(where, "place", entry.when.places, places)
        if kind == "pattern_rules":
            for step in entry.steps:
                need(where, "context", step.when.contexts, contexts)
                need(where, "place", step.when.places, places)
            for ph in set(_PLACEHOLDER.findall(entry.text)) - {"A", "B"}:
                problems.append(f"{where}: unknown placeholder {{{ph}}}; use {{A}} and {{B}}")
        if kind == "impact_rules":
            need(where, "channel", [e.channel for e in entry.effects], channels)
        if kind == "outlook_rules":
            for field_text, allowed in [(entry.text, _TEXT_FIELDS)] + [(r, _RESPONSE_FIELDS) for r in entry.responses]:
                for ph in set(_PLACEHOLDER.findall(field_text)) - allowed:
                    problems.append(f"{where}: unknown placeholder {{{ph}}}; use one of {', '.join(sorted(allowed))}")
        if kind == "plays":
            need(where, "channel", entry.channels, channels)
        if kind == "interests":
            need(where, "actor", [entry.actor], actors)
        if kind == "relationships":
            need(where, "actor", entry.actors, actors)
        if kind == "exposures":
            if eid in exposure_ids:
                problems.append(f"{where}: duplicate exposure id")
            exposure_ids.add(eid)
            need(where, "channel", [entry.channel], channels)
            need(where, "actor", entry.partners, actors)
            need(where, "place", entry.places, places)
            partner = entry.refresh.partner if entry.refresh else None
            if partner and partner != "WLD":  # WLD: Comtrade's world total
                need(where, "refresh partner", [partner], actors)
        if kind == "profiles":
            need(where, "country", [entry.country], actors)
            own = {e.id for e in entry.exposures}
            for w in entry.weights:
                need(where, "channel", [w.channel], channels)
                need(where, "exposure", w.basis, {i: 1 for i in own})
            need(where, "partner", list(entry.partners), actors)
            if entry.partners_refresh and not entry.partners:
                problems.append(f"{where}: partners_refresh needs a partners mapping to recompute")
            need(where, "place", list(entry.places), places)
            need(where, "exposure", entry.partners_basis + entry.strengths, {i: 1 for i in own})
            missing = sorted(set(channels) - {w.channel for w in entry.weights})
            if missing:
                problems.append(f"{where}: no weight for channels {', '.join(missing)}")
    return problems


def check(root: Path | None = None) -> tuple[KnowledgeBase, list[str]]:
    """Load and validate; return the knowledge base and every problem found."""
    kb, problems = _read(root or DATA_DIR)
    problems += _references(kb)
    for required in ("channels", "contexts", "actors"):
        if not getattr(kb, required):
            problems.append(f"no {required} defined")
    return kb, problems


@cache
def load(root: Path | None = None) -> KnowledgeBase:
    """The knowledge base, loaded and validated once per process."""
    kb, problems = _read(root or DATA_DIR)
    if problems:
        raise KnowledgeBaseError(problems)
    return kb
