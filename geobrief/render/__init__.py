"""Renderings of a brief: JSON (``geobrief.brief/1``) and Markdown."""

from __future__ import annotations

from geobrief.kb.loader import KnowledgeBase
from geobrief.model import Brief
from geobrief.render.json_out import SCHEMA_PATH, brief_to_dict, render_json
from geobrief.render.markdown import render_markdown

__all__ = [
    "BINARY",
    "FORMATS",
    "SCHEMA_PATH",
    "brief_to_dict",
    "format_for",
    "render",
    "render_json",
    "render_markdown",
]

FORMATS = {
    "markdown": (".md", ".markdown", ".txt"),
    "json": (".json",),
    "html": (".html", ".htm"),
    "pdf": (".pdf",),
    "docx": (".docx",),
}
BINARY = {"pdf", "docx"}


def format_for(path: str | None, given: str | None) -> str:
    """The format asked for, or the one the output file's extension implies (Markdown by default)."""
    if given:
        return given
    if path and path != "-":
        low = path.lower()
        for name, exts in FORMATS.items():
            if low.endswith(exts):
                return name
    return "markdown"


def render(brief: Brief, fmt: str, kb: KnowledgeBase) -> str | bytes:
    """The brief in ``fmt``: text for markdown, json and html; bytes for pdf and docx."""
    if fmt == "json":
        return render_json(brief)
    if fmt == "html":
        from geobrief.render.html import render_html

        return render_html(brief, kb)
    if fmt == "pdf":
        from geobrief.render.html import render_pdf

        return render_pdf(brief, kb)
    if fmt == "docx":
        from geobrief.render.docx_out import render_docx

        return render_docx(brief, kb)
    return render_markdown(brief, kb)
