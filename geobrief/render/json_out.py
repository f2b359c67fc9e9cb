"""The brief as JSON, schema ``geobrief.brief/1`` (see ``schema/brief.schema.json``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from geobrief.model import Brief, Citation, Paragraph, Section

__all__ = ["SCHEMA", "SCHEMA_PATH", "brief_to_dict", "render_json"]

SCHEMA = "geobrief.brief/1"
SCHEMA_PATH = Path(__file__).parent / "schema" / "brief.schema.json"


def _cites(cs: tuple[Citation, ...]) -> list[dict[str, object]]:
    return [c.as_dict() for c in cs]


def _para(p: Paragraph) -> dict[str, Any]:
    return {"text": p.text, "tier": p.tier, "citations": _cites(p.citations)}


def _section(s: Section) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "paragraphs": [_para(p) for p in s.paragraphs],
        "sections": [_section(c) for c in s.sections],
    }


def brief_to_dict(b: Brief) -> dict[str, Any]:
    """The brief as plain data, in the contract's field order."""
    return {
        "schema": SCHEMA,
        "country": b.country,
        "title": b.title,
        "generated_at": b.generated_at,
        "sources": [
            {
                "id": a.id,
                "title": a.title,
                "url": a.url,
                "published": a.published,
                "source": a.source,
                "license": a.license,
                "text": a.body,
            }
            for a in b.sources
        ],
        "events": [
            {
                "id": e.id,
                "type": e.type,
                "mode": e.mode,
                "actors": list(e.actors),
                "recipients": list(e.recipients),
                "actor_roles": list(e.actor_roles),
                "recipient_roles": list(e.recipient_roles),
                "date": e.date,
                "quantities": [
                    {"kind": q.kind, "value": q.value, "qualifier": q.qualifier, "text": q.text} for q in e.quantities
                ],
                "status": e.status,
                "contexts": list(e.contexts),
                "places": list(e.places),
                "trigger": e.trigger,
                "trigger_start": e.trigger_start,
                "evidence": {
                    "source": e.evidence.source,
                    "start": e.evidence.start,
                    "end": e.evidence.end,
                    "text": e.evidence.text,
                },
            }
            for e in b.events
        ],
        "impacts": [
            {
                "channel": i.channel,
                "category": i.category,
                "score": i.score,
                "low": i.low,
                "high": i.high,
                "kind": i.kind,
                "summary": i.summary,
                "citations": _cites(i.citations),
                "paths": list(i.paths),
                "rules": list(i.rules),
                "events": list(i.events),
            }
            for i in b.impacts
        ],
        "outlook": [
            {
                "horizon": h,
                "period": period,
                "developments": [
                    {
                        "text": d.text,
                        "likelihood": d.likelihood,
                        "signposts": list(d.signposts),
                        "responses": list(d.responses),
                        "rule": d.rule,
                        "citations": _cites(d.citations),
                    }
                    for d in devs
                ],
            }
            for h, (period, devs) in b.outlook.items()
        ],
        "recommendations": [
            {
                "title": r.title,
                "text": r.text,
                "channels": list(r.channels),
                "priority": r.priority,
                "play": r.play,
                "score": r.score,
            }
            for r in b.recommendations
        ],
        "sections": [_section(s) for s in b.sections],
        "manifest": b.manifest,
    }


def render_json(b: Brief) -> str:
    return json.dumps(brief_to_dict(b), ensure_ascii=False, indent=2) + "\n"
