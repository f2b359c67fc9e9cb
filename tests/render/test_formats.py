"""HTML, PDF, DOCX and charts: complete, sendable, and safe from hostile article text."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from geobrief.ingest import article_from_text, read_article
from geobrief.kb.loader import KnowledgeBase
from geobrief.model import Brief
from geobrief.pipeline import brief_from_articles
from geobrief.render import render
from geobrief.render.charts import charts, heat_values
from tests.conftest import EXAMPLES, Result

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
HOSTILE = (
    "TITLE: <script>alert('title')</script> Red Sea\nURL: javascript:alert(1)\nDATE: 2024-01-20\n\n"
    "Houthi rebels attacked a tanker in the Red Sea on Friday <script>alert(1)</script>. "
    'The United States condemned the attack <img src=x onerror="alert(2)"> and <a href="javascript:alert(3)">warned</a> Iran.'
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _brief(kb: KnowledgeBase, name: str = "red-sea-houthi-shipping-2024.txt") -> Brief:
    return brief_from_articles([read_article(str(EXAMPLES / name))], "SGP", kb=kb, generated_at="2026-01-01T00:00:00Z")


def test_html_has_every_section_tier_note_and_chart(kb: KnowledgeBase) -> None:
    html = str(render(_brief(kb), "html", kb))
    for sid in ("executive_summary", "key_developments", "strategic_rationale", "short_term", "impact", "conclusion"):
        assert f'id="{sid}"' in html
    assert 'class="fact"' in html and 'class="assessment"' in html and 'class="context"' in html
    assert 'href="#note-1"' in html and 'id="note-1"' in html
    assert html.count("<svg") >= 2
    assert "knowledge base" in html.lower() and "writer deterministic" in html


def test_hostile_article_cannot_inject_markup_or_script(kb: KnowledgeBase) -> None:
    brief = brief_from_articles([article_from_text(HOSTILE)], "SGP", kb=kb)
    html = str(render(brief, "html", kb))
    parser = _Tags()
    parser.feed(html)
    assert not [t for t, _ in parser.tags if t in ("script", "img", "iframe", "object")]
    for _tag, attrs in parser.tags:
        assert not [a for a in attrs if a.startswith("on")]
        assert not (attrs.get("href") or "").startswith("javascript:")
    assert "&lt;script&gt;" in html  # shown as text, not run
    md = str(render(brief, "markdown", kb))
    assert "<script>" not in md and "<img" not in md


def test_pdf_is_a_printed_page(kb: KnowledgeBase) -> None:
    pdf = render(_brief(kb), "pdf", kb)
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_docx_has_headings_notes_and_charts(kb: KnowledgeBase) -> None:
    from docx import Document

    doc = Document(io.BytesIO(render(_brief(kb), "docx", kb)))  # type: ignore[arg-type]
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "Executive summary" in headings and "Notes" in headings
    assert any(p.text.startswith("[1] ") for p in doc.paragraphs)
    assert len(doc.inline_shapes) >= 2
    assert doc.core_properties.comments.startswith("geobrief")


def test_charts_are_svg_and_png_without_script(kb: KnowledgeBase) -> None:
    drawn = charts(_brief(kb), kb)
    assert {c.id for c in drawn} >= {"timeline", "network"}
    for c in drawn:
        assert c.svg.startswith("<svg") and "<script" not in c.svg
        assert c.png.startswith(b"\x89PNG")


def test_heat_map_values_are_scores_times_likelihoods(kb: KnowledgeBase) -> None:
    brief = _brief(kb)
    rows, cols, values = heat_values(brief)
    assert cols == ["short", "medium", "long"] and rows
    score = {i.channel: i.score for i in brief.impacts}
    for channel, row in zip(rows, values, strict=True):
        assert all(0 <= v <= score[channel] + 1e-9 for v in row)


def test_output_format_from_extension_and_binary_needs_a_file(run: Callable[..., Result], tmp_path: Path) -> None:
    art = str(EXAMPLES / "south-china-sea-second-thomas-2024.txt")
    for ext, magic in ((".pdf", b"%PDF"), (".docx", b"PK"), (".html", b"<!DOCTYPE html>")):
        out = tmp_path / f"brief{ext}"
        r = run("brief", art, "-o", str(out))
        assert r.exit_code == 0, r.stderr
        assert out.read_bytes().startswith(magic)
    r = run("brief", art, "-f", "pdf")
    assert r.exit_code != 0 and "give a file with -o" in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.txt")))
def test_golden_markdown(kb: KnowledgeBase, name: str) -> None:
    """Golden briefs of the bundled examples: a change in them must be deliberate.
    Set GEOBRIEF_UPDATE_GOLDEN=1 to rewrite them, then review the diff."""
    text = str(render(_brief(kb, name), "markdown", kb))
    text = text.replace(kb.version, "KB-VERSION")
    assert not re.search(r"(?<!\.)\.\.(?!\.)", text), "a doubled full stop"
    golden = GOLDEN / name.replace(".txt", ".md")
    if os.environ.get("GEOBRIEF_UPDATE_GOLDEN") or not golden.exists():
        golden.write_text(text, "utf-8")
    assert text == golden.read_text("utf-8"), f"{golden.name} changed: review and update deliberately"


def test_the_summary_says_when_the_target_is_itself_a_party(kb: KnowledgeBase) -> None:
    pact = "DATE: 2025-01-07\n\nMalaysia and Singapore signed a trade agreement in Putrajaya on Tuesday."
    summary = next(s for s in brief_from_articles([article_from_text(pact)], "SGP", kb=kb).sections
                   if s.id == "executive_summary")  # fmt: skip
    assert any("Singapore itself is a party to 1 of them" in p.text for p in summary.paragraphs)
    other = next(s for s in brief_from_articles([article_from_text(pact)], "JPN", kb=kb).sections
                 if s.id == "executive_summary")  # fmt: skip
    assert not any("itself is a party" in p.text for p in other.paragraphs)
