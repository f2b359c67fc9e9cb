"""The brief as Markdown: sections, tier labels, numbered notes quoting each cited span.

Facts are source sentences and are set as quotations; context and assessment
paragraphs carry a label. Each citation becomes a note number; the notes at
the end quote the article span, or name the knowledge-base entry and its
published sources.
"""

from __future__ import annotations

import re

from geobrief.kb.loader import KnowledgeBase
from geobrief.model import Brief, Citation, Section
from geobrief.render.notes import Notes

__all__ = ["manifest_line", "render_markdown"]

_LABEL = {"context": "Context", "assessment": "Assessment"}


def _escape(text: str, *, line_start: bool = False) -> str:
    """Keep article text from being read as Markdown or HTML markup."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([\\`*_\[\]#|])", r"\\\1", text)
    if line_start:  # "1." or "-" at the start of a line would begin a list
        text = re.sub(r"^(\s*)([-+]|\d+\.)(\s)", r"\1\\\2\3", text)
    return text


def _note_lines(notes: Notes) -> list[str]:
    out = []
    for note in notes.notes():
        if note.kind == "kb":
            text = f"Knowledge base `{note.where}`: {_escape(note.quote)}"
            if note.refs:
                text += ". Sources: " + "; ".join(_escape(t) + (f" <{u}>" if u else "") for t, u in note.refs)
            if note.meta:
                text += f" ({note.meta})"
            out.append(f"[{note.number}] {text}.")
        else:
            meta = f" ({_escape(note.meta)})" if note.meta else ""
            out.append(
                f"[{note.number}] “{_escape(note.quote)}” — {_escape(note.where)}{meta}, characters {note.start}-{note.end}."
            )
    return out


def manifest_line(brief: Brief) -> str:
    """Versions, knowledge base, writer and input hashes, on one line."""
    m = brief.manifest
    inputs = m.get("inputs") or {}
    model = f" ({m.get('model')})" if m.get("model") else ""
    return (
        f"geobrief {m.get('geobrief')} · knowledge base {m.get('knowledge_base')} · writer {m.get('writer')}{model}"
        f" · inputs {', '.join(str(k) for k in inputs) if isinstance(inputs, dict) else inputs}"
    )


def _marks(notes: Notes, cites: tuple[Citation, ...]) -> str:
    return "".join(f"[{n}]" for n in notes.numbers(cites))


def _section(s: Section, level: int, notes: Notes, out: list[str]) -> None:
    out.append(f"{'#' * level} {s.title}")
    out.append("")
    for p in s.paragraphs:
        marks = _marks(notes, p.citations)
        if p.tier == "fact":
            out.append(f"> {_escape(p.text, line_start=True)} {marks}".rstrip())
        else:
            out.append(f"*{_LABEL[p.tier]}:* {_escape(p.text)} {marks}".rstrip())
        out.append("")
    for child in s.sections:
        _section(child, level + 1, notes, out)


def render_markdown(brief: Brief, kb: KnowledgeBase) -> str:
    """The brief as a Markdown document."""
    notes = Notes(brief, kb)
    out = [f"# {_escape(brief.title)}", ""]
    srcs = "; ".join(_escape(a.title or a.path or a.id) for a in brief.sources)
    out.append(
        f"*Brief for {kb.name(brief.country)} ({brief.country}) · generated {brief.generated_at} · sources: {srcs}*"
    )
    out.append("")
    out.append(
        "*Quoted paragraphs are facts from the sources; “Context” comes from the knowledge base; "
        "“Assessment” is geobrief's own judgement. Numbers in brackets point to the notes.*"
    )
    out.append("")
    for s in brief.sections:
        _section(s, 2, notes, out)
    if brief.impacts:
        out += [
            "## Impact scores",
            "",
            "| Channel | Category | Kind | Score | Range (10-90%) |",
            "|---|---|---|---|---|",
        ]
        for i in brief.impacts:
            out.append(
                f"| {kb.channels[i.channel].title} | {i.category} | {i.kind} | {i.score:.2f} | {i.low:.2f}-{i.high:.2f} |"
            )
        out.append("")
    out += ["## Notes", ""]
    out += [line + "  " for line in _note_lines(notes)]
    out += ["", f"*{manifest_line(brief)}*"]
    out.append("")
    return "\n".join(out)
