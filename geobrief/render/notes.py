"""Numbered notes of a brief: each citation gets a number; a note quotes the article span or names the
knowledge-base entry and its published sources. Shared by every rendering."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geobrief.kb.loader import KnowledgeBase
from geobrief.model import Brief, Citation

__all__ = ["MAX_QUOTE", "Note", "Notes"]

MAX_QUOTE = 400


@dataclass(frozen=True)
class Note:
    number: int
    kind: str  # "span" or "kb"
    quote: str  # the cited span, or the entry's own text
    where: str  # article title, or "Knowledge base `id`"
    meta: str  # source and date, or when the entry was last checked
    start: int | None = None
    end: int | None = None
    refs: tuple[tuple[str, str | None], ...] = ()  # a knowledge-base entry's published sources: (text, url)


class Notes:
    """Citation numbers in order of first use, and the notes they point to."""

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

    def numbers(self, cites: tuple[Citation, ...]) -> list[int]:
        return sorted({self.ref(c) for c in cites})

    def _kb_note(self, n: int, eid: str) -> Note:
        try:
            entry = self.kb.entry(eid)
        except KeyError:
            return Note(n, "kb", "", f"Knowledge base `{eid}`", "")
        name = (
            getattr(entry, "name", None) or getattr(entry, "title", None) or getattr(entry, "text", None)
            or getattr(entry, "description", None) or ""
        )  # fmt: skip
        name = name.rstrip(".") if len(name) < 160 else name[:157] + "…"  # the note adds its own full stop
        refs = []
        for sid in getattr(entry, "sources", [])[:3]:
            src = self.kb.sources.get(sid)
            if src:
                refs.append((f"{src.publisher}, {src.title} ({src.date})", src.url))
        as_of = getattr(entry, "as_of", None)
        return Note(n, "kb", name, eid, f"as of {as_of}" if as_of else "", refs=tuple(refs))

    def notes(self) -> list[Note]:
        out = []
        for key, n in sorted(self.order.items(), key=lambda kv: kv[1]):
            if key[0] == "kb":
                out.append(self._kb_note(n, key[1]))
                continue
            _, sid, start, end = key
            art = self.sources.get(sid)
            if art is None:
                out.append(Note(n, "span", "", f"Source {sid}", "", start, end))
                continue
            quote = art.body[start:end]
            if len(quote) > MAX_QUOTE:
                quote = quote[: MAX_QUOTE - 1].rstrip() + "…"
            meta = ", ".join(x for x in (art.source, art.published) if x)
            out.append(Note(n, "span", quote, art.title or art.path or sid, meta, start, end))
        return out
