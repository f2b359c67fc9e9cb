"""The brief contract over every real article of the corpus."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from geobrief.kb.loader import load
from geobrief.pipeline import brief_from_paths
from geobrief.render import SCHEMA_PATH, brief_to_dict
from tests.conftest import corpus_files

REQUIRED = {
    "executive_summary": [],
    "case_study": ["background", "key_developments", "strategic_rationale", "broader_pattern"],
    "outlook": ["short_term", "medium_term", "long_term"],
    "impact": ["security", "economic", "diplomatic", "opportunities"],
    "recommendations": [],
    "conclusion": [],
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

FILES = corpus_files()
if not FILES:
    pytest.skip("the corpus (../shared/corpus) is not beside the repository", allow_module_level=True)


@cache
def brief_json(path: Path) -> dict[str, Any]:
    brief = brief_from_paths([str(path)], "SGP", save=False)
    return json.loads(json.dumps(brief_to_dict(brief)))


def _paragraphs(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for s in sections:
        out += s["paragraphs"] + _paragraphs(s["sections"])
    return out


@pytest.mark.parametrize("path", FILES, ids=[p.name[:30] for p in FILES])
def test_brief_follows_the_contract(path: Path) -> None:
    b = brief_json(path)
    jsonschema.validate(b, json.loads(SCHEMA_PATH.read_text("utf-8")))
    top = [s["id"] for s in b["sections"]]
    assert top == list(REQUIRED)
    for s in b["sections"]:
        assert [c["id"] for c in s["sections"]] == REQUIRED[s["id"]]
        for child in [s, *s["sections"]]:
            if not child["sections"]:
                assert child["paragraphs"], f"section {child['id']} is empty"
    assert b["events"], "every corpus article names actors and events"
    assert b["impacts"]


@pytest.mark.parametrize("path", FILES, ids=[p.name[:30] for p in FILES])
def test_evidence_and_citations_point_into_the_sources(path: Path) -> None:
    b = brief_json(path)
    kb = load()
    texts = {s["id"]: s["text"] for s in b["sources"]}
    for e in b["events"]:
        ev = e["evidence"]
        assert texts[ev["source"]][ev["start"] : ev["end"]] == ev["text"]
    cites = [c for p in _paragraphs(b["sections"]) for c in p["citations"]]
    cites += [c for i in b["impacts"] for c in i["citations"]]
    for c in cites:
        if "kb" in c:
            kb.entry(c["kb"])  # raises KeyError for a dangling entry
        else:
            assert 0 <= c["start"] < c["end"] <= len(texts[c["source"]])


@pytest.mark.parametrize("path", FILES, ids=[p.name[:30] for p in FILES])
def test_fact_paragraphs_cite_spans_that_hold_their_numbers(path: Path) -> None:
    b = brief_json(path)
    texts = {s["id"]: s["text"] for s in b["sources"]}
    facts = [p for p in _paragraphs(b["sections"]) if p["tier"] == "fact"]
    assert facts
    for p in facts:
        spans = [texts[c["source"]][c["start"] : c["end"]] for c in p["citations"] if "source" in c]
        assert spans, p["text"]
        joined = " ".join(spans)
        for number in _NUMBER.findall(p["text"]):
            assert number in joined, f"{number!r} of a fact is not in the spans it cites"


PAIRS = [("01_", "02_"), ("07_", "23_"), ("12_", "13_"), ("26_", "27_"), ("08_", "09_")]


@pytest.mark.parametrize("pair", PAIRS, ids=["-".join(p) for p in PAIRS])
def test_a_two_article_brief_has_depth_and_no_repeated_sentence(pair: tuple[str, str]) -> None:
    from tests.conftest import corpus_file

    brief = brief_from_paths([str(corpus_file(p)) for p in pair], "SGP", save=False)
    texts = [p["text"] for p in _paragraphs(json.loads(json.dumps(brief_to_dict(brief)))["sections"])]
    words = sum(len(t.split()) for t in texts)
    assert 1_200 <= words <= 3_000, words
    sentences = [s for t in texts for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", t) if len(s.split()) > 3]
    repeated = {s for s in sentences if sentences.count(s) > 1}
    assert not repeated, sorted(repeated)[:3]
