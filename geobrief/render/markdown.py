"""The brief as Markdown: sections, tier labels, numbered notes quoting each cited span.

Facts are source sentences and are set as quotations; context and assessment
paragraphs carry a label. Each citation becomes a note number; the notes at
the end quote the article span, or name the knowledge-base entry and its
published sources.
"""

from __future__ import annotations

import re
from typing import Any

from geobrief.kb.loader import KnowledgeBase
from geobrief.model import Brief, Citation, Section

__all__ = ["render_markdown"]

MAX_QUOTE = 400
_LABEL = {"context": "Context", "assessment": "Assessment"}


def _escape(text: str, *, line_start: bool = False) -> str:
    """Keep article text from being read as Markdown or HTML markup."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([\\`*_\[\]#|])", r"\\\1", text)
    if line_start:  # "1." or "-" at the start of a line would begin a list
        text = re.sub(r"^(\s*)([-+]|\d+\.)(\s)", r"\1\\\2\3", text)
    return text


class _Notes:
    def __init__(self, brief: Brief, kb: KnowledgeBase) -> None:
        self.brief = brief
        self.kb = kb
        self.order: dict[tuple[Any, ...], int] = {}
        self.sources = {a.id: a for a in brief.sources}

    def ref(self, c: Citation) -> int:
        key = ("kb", c.kb) if c.kb else ("src", c.source, c.start, c.end)
        if key not in self.order:
            self.order[key] = len(self.order) + 1
        return self.order[key]

    def marks(self, cites: tuple[Citation, ...]) -> str:
        nums = sorted({self.ref(c) for c in cites})
        return "".join(f"[{n}]" for n in nums)

    def _kb_note(self, eid: str) -> str:
        try:
            entry = self.kb.entry(eid)
        except KeyError:
            return f"Knowledge base: `{eid}`."
        name = (
            getattr(entry, "name", None)
            or getattr(entry, "title", None)
            or getattr(entry, "text", None)
            or getattr(entry, "description", None)
            or ""
        )
        name = name if len(name) < 160 else name[:157] + "…"
        refs = []
        for sid in getattr(entry, "sources", [])[:3]:
            src = self.kb.sources.get(sid)
            if src:
                url = f" <{src.url}>" if src.url else ""
                refs.append(f"{src.publisher}, *{_escape(src.title)}* ({src.date}){url}")
        as_of = getattr(entry, "as_of", None)
        text = f"Knowledge base `{eid}`: {_escape(name)}"
        if refs:
            text += ". Sources: " + "; ".join(refs)
        if as_of:
            text += f" (as of {as_of})"
        return text + "."

    def lines(self) -> list[str]:
        out = []
        for key, n in sorted(self.order.items(), key=lambda kv: kv[1]):
            if key[0] == "kb":
                out.append(f"[{n}] {self._kb_note(key[1])}")
                continue
            _, sid, start, end = key
            art = self.sources.get(sid)
            if art is None:
                out.append(f"[{n}] Source {sid}, characters {start}-{end}.")
                continue
            quote = art.body[start:end]
            if len(quote) > MAX_QUOTE:
                quote = quote[: MAX_QUOTE - 1].rstrip() + "…"
            where = art.title or art.path or sid
            meta = ", ".join(x for x in (art.source, art.published) if x)
            out.append(
                f"[{n}] “{_escape(quote)}” — {_escape(where)}"
                + (f" ({_escape(meta)})" if meta else "")
                + f", characters {start}-{end}."
            )
        return out


def _section(s: Section, level: int, notes: _Notes, out: list[str]) -> None:
    out.append(f"{'#' * level} {s.title}")
    out.append("")
    for p in s.paragraphs:
        marks = notes.marks(p.citations)
        if p.tier == "fact":
            out.append(f"> {_escape(p.text, line_start=True)} {marks}".rstrip())
        else:
            out.append(f"*{_LABEL[p.tier]}:* {_escape(p.text)} {marks}".rstrip())
        out.append("")
    for child in s.sections:
        _section(child, level + 1, notes, out)


def render_markdown(brief: Brief, kb: KnowledgeBase) -> str:
    """The brief as a Markdown document."""
    notes = _Notes(brief, kb)
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
    out += [line + "  " for line in notes.lines()]
    out.append("")
    return "\n".join(out)
