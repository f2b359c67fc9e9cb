from __future__ import annotations

import re

from geobrief.ingest import article_from_text
from geobrief.kb.loader import KnowledgeBase
from geobrief.pipeline import brief_from_articles
from geobrief.render import format_for, render_markdown


def test_notes_quote_the_cited_spans_and_kb_sources(kb: KnowledgeBase) -> None:
    art = article_from_text("TITLE: T\nDATE: 2024-01-20\n\nHouthi rebels attacked a tanker in the Red Sea on Friday.")
    md = render_markdown(brief_from_articles([art], "SGP", kb=kb), kb)
    notes = md.split("## Notes", 1)[1]
    assert "“Houthi rebels attacked a tanker in the Red Sea on Friday.”" in notes
    assert re.search(r"Knowledge base `[^`]+`: .+Sources: ", notes)
    used = set(re.findall(r"\[(\d+)\]", md.split("## Notes", 1)[0]))
    listed = set(re.findall(r"^\[(\d+)\]", notes, re.M))
    assert used == listed


def test_article_markup_is_escaped(kb: KnowledgeBase) -> None:
    art = article_from_text(
        "TITLE: <script>alert(1)</script>\n\nChina attacked Vietnam <img src=x onerror=alert(1)> in the South China Sea."
    )
    md = render_markdown(brief_from_articles([art], "SGP", kb=kb), kb)
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;" in md


def test_format_for() -> None:
    assert format_for("b.json", None) == "json"
    assert format_for("b.md", None) == "markdown"
    assert format_for(None, None) == "markdown"
    assert format_for("b.json", "markdown") == "markdown"
