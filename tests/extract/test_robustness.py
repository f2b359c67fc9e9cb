"""Hostile and odd inputs: no crash, offsets valid, work bounded by the sentence cap."""

from __future__ import annotations

import pytest

from geobrief.extract import extract
from geobrief.extract.sentences import MAX_CHARS
from geobrief.ingest import article_from_text
from geobrief.kb.loader import KnowledgeBase

CASES = {
    "one 10,000-word sentence": "Russia attacked Ukraine and " + "the talks went on and " * 2500 + "ended.",
    "no punctuation at all": " ".join(["China and Japan held talks"] * 2000),
    "all capitals": "NORTH KOREA FIRED A MISSILE. RUSSIA ATTACKED UKRAINE ON MONDAY. " * 50,
    "non-English text": "俄罗斯袭击了乌克兰。 روسيا هاجمت أوكرانيا. Россия атаковала Украину. " * 50,
    "HTML remnants": "<div class='x'>Russia &amp; China <b>met</b> in Beijing</div><script>var a=1;</script> " * 100,
    "numbers and symbols": "1,000,000 $$$ %%% 12:30 2024-01-01 ### *** " * 300,
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_odd_input(kb: KnowledgeBase, text: str) -> None:
    art = article_from_text(f"DATE: 2024-01-01\n\n{text}")
    ex = extract(art, kb)
    assert ex.sentences
    assert all(s.end - s.start <= MAX_CHARS for s in ex.sentences)
    for e in ex.events:
        assert art.body[e.evidence.start : e.evidence.end] == e.evidence.text
    for m in ex.mentions:
        assert art.body[m.start : m.end] == m.text
