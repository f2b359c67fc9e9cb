"""The brief as a Word document (python-docx): headings, tiers by style, numbered notes, charts as PNG."""

from __future__ import annotations

import io

from geobrief.kb.loader import KnowledgeBase
from geobrief.model import Brief, Section
from geobrief.render.charts import charts
from geobrief.render.markdown import manifest_line
from geobrief.render.notes import Notes

__all__ = ["render_docx"]

_TIER_LABEL = {"fact": "Fact", "context": "Context", "assessment": "Assessment"}


def render_docx(brief: Brief, kb: KnowledgeBase) -> bytes:
    from docx import Document
    from docx.shared import Pt, RGBColor

    colours = {"fact": RGBColor(0x2C, 0x52, 0x82), "context": RGBColor(0x4A, 0x55, 0x68),
               "assessment": RGBColor(0x74, 0x2A, 0x2A)}  # fmt: skip
    doc = Document()
    doc.core_properties.title = brief.title
    doc.core_properties.comments = manifest_line(brief)
    doc.add_heading(brief.title, level=0)
    meta = doc.add_paragraph(f"Brief for {kb.label(brief.country)} ({brief.country}) · generated {brief.generated_at}")
    meta.runs[0].font.size = Pt(8)
    notes = Notes(brief, kb)
    drawn = {c.id: c for c in charts(brief, kb)}

    def picture(chart_id: str) -> None:
        chart = drawn.get(chart_id)
        if chart:
            from docx.shared import Inches

            doc.add_picture(io.BytesIO(chart.png), width=Inches(6.0))
            cap = doc.add_paragraph(chart.title)
            cap.runs[0].italic = True

    def section(s: Section, level: int) -> None:
        doc.add_heading(s.title, level=min(level, 4))
        for p in s.paragraphs:
            para = doc.add_paragraph(style="Quote" if p.tier == "fact" else None)
            label = para.add_run(_TIER_LABEL[p.tier].upper() + "  ")
            label.bold = True
            label.font.size = Pt(7)
            label.font.color.rgb = colours[p.tier]
            body = para.add_run(p.text)
            body.italic = p.tier == "assessment"
            marks = "".join(f"[{n}]" for n in notes.numbers(p.citations))
            if marks:
                sup = para.add_run(marks)
                sup.font.superscript = True
        if s.id == "key_developments":
            picture("timeline")
        if s.id == "broader_pattern":
            picture("network")
        for child in s.sections:
            section(child, level + 1)
        if s.id == "impact":
            picture("heatmap")
            table = doc.add_table(rows=1, cols=4)
            for cell, text in zip(table.rows[0].cells, ("Channel", "Kind", "Score", "Range"), strict=True):
                cell.text = text
            for i in brief.impacts:
                row = table.add_row().cells
                row[0].text = kb.channels[i.channel].title if i.channel in kb.channels else i.channel
                row[1].text, row[2].text, row[3].text = i.kind, f"{i.score:.2f}", f"{i.low:.2f}-{i.high:.2f}"

    for s in brief.sections:
        section(s, 1)
    doc.add_heading("Notes", level=1)
    for note in notes.notes():
        if note.kind == "span":
            text = f"[{note.number}] “{note.quote}” — {note.where}" + (f" ({note.meta})" if note.meta else "")
        else:
            refs = "; ".join(t + (f" {u}" if u else "") for t, u in note.refs)
            text = f"[{note.number}] Knowledge base {note.where}: {note.quote}" + (f". Sources: {refs}" if refs else "")
        para = doc.add_paragraph(text)
        para.runs[0].font.size = Pt(8)
    foot = doc.add_paragraph(manifest_line(brief))
    foot.runs[0].font.size = Pt(7)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
