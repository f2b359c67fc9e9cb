"""Renderings of a brief: JSON (``geobrief.brief/1``) and Markdown."""

from __future__ import annotations

from geobrief.render.json_out import SCHEMA_PATH, brief_to_dict, render_json
from geobrief.render.markdown import render_markdown

__all__ = ["FORMATS", "SCHEMA_PATH", "brief_to_dict", "format_for", "render", "render_json", "render_markdown"]

FORMATS = {"markdown": (".md", ".markdown", ".txt"), "json": (".json",)}


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


def render(brief: object, fmt: str, kb: object) -> str:
    """The brief in ``fmt``."""
    if fmt == "json":
        return render_json(brief)  # type: ignore[arg-type]
    return render_markdown(brief, kb)  # type: ignore[arg-type]
