"""The brief as one self-contained HTML page (and, through it, PDF).

Jinja2 with autoescaping: article text and titles are escaped, so a source can
never inject markup or script; the page also forbids scripts by its content
security policy. Charts are inline SVG drawn by geobrief itself. Each citation
shows its quoted span on hover and links to a numbered note.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from geobrief.kb.loader import KnowledgeBase
from geobrief.model import Brief
from geobrief.render.charts import charts
from geobrief.render.markdown import manifest_line
from geobrief.render.notes import Notes

__all__ = ["render_html", "render_pdf"]


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("geobrief.render", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(brief: Brief, kb: KnowledgeBase, *, with_charts: bool = True) -> str:
    """A standalone HTML page: print stylesheet, tiers by style, citations with their quotes."""
    notes = Notes(brief, kb)
    # number the citations in reading order before the template asks for them
    for section in brief.sections:
        stack = [section]
        while stack:
            s = stack.pop(0)
            for p in s.paragraphs:
                notes.numbers(p.citations)
            stack[0:0] = list(s.sections)
    listed = notes.notes()
    hover = {n.number: (n.quote if n.kind == "span" else f"{n.where}: {n.quote}")[:300] for n in listed}
    drawn = {c.id: c for c in charts(brief, kb)} if with_charts else {}
    return (
        _env()
        .get_template("brief.html.j2")
        .render(
            brief=brief,
            country=kb.label(brief.country),
            numbers=notes.numbers,
            hover=hover,
            notes=listed,
            charts=drawn,
            manifest=brief.manifest,
            manifest_line=manifest_line(brief),
            channel_title=lambda c: kb.channels[c].title if c in kb.channels else c,
        )
    )


def render_pdf(brief: Brief, kb: KnowledgeBase) -> bytes:
    """The HTML page printed to PDF with WeasyPrint (no network: nothing external is fetched)."""
    from weasyprint import HTML

    def no_fetch(url: str) -> dict[str, object]:
        raise ValueError(f"geobrief does not fetch {url} while printing")

    return HTML(string=render_html(brief, kb), url_fetcher=no_fetch).write_pdf()  # type: ignore[no-any-return]
