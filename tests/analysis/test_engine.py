"""The analysis engine over the store: focus on an actor pair, trend, predictions, bands, determinism."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from geobrief.ingest import read_article
from geobrief.kb.loader import KnowledgeBase
from geobrief.pipeline import brief_from_articles, brief_from_paths, brief_from_store, prediction_status
from geobrief.render import brief_to_dict
from geobrief.store import open_store
from tests.conftest import EXAMPLES, Result, corpus_file

KURSK = EXAMPLES / "dprk-russia-kursk-2025.txt"


def test_the_same_input_gives_the_same_brief(db: Path) -> None:
    one = brief_to_dict(brief_from_paths([str(KURSK)], "SGP", save=False, generated_at="2026-01-01T00:00:00Z"))
    two = brief_to_dict(brief_from_paths([str(KURSK)], "SGP", save=False, generated_at="2026-01-01T00:00:00Z"))
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)


def test_every_impact_has_a_band_around_its_score(kb: KnowledgeBase) -> None:
    brief = brief_from_articles([read_article(str(KURSK))], "SGP", kb=kb)
    assert brief.impacts
    for i in brief.impacts:
        assert 0 <= i.low <= i.score <= i.high <= 1
    assert any(i.high > i.low for i in brief.impacts)


def test_a_brief_on_an_actor_pair_draws_on_every_stored_article_about_it(db: Path, kb: KnowledgeBase) -> None:
    brief_from_paths([str(KURSK), str(corpus_file("02_")), str(corpus_file("07_"))], "SGP", db=str(db))
    brief = brief_from_store(["PRK", "RUS"], "SGP", db=str(db))
    titles = {a.title for a in brief.sources}
    assert read_article(str(KURSK)).title in titles
    assert read_article(str(corpus_file("07_"))).title not in titles  # the Red Sea article is not about the pair
    later = brief_from_store(["PRK", "RUS"], "SGP", db=str(db), since="2025-01-01")
    assert {a.published[:4] for a in later.sources if a.published} == {"2025"}


def test_the_trend_counts_stored_events_of_the_pair(db: Path) -> None:
    for prefix in ("01_", "02_", "03_"):
        brief_from_paths([str(corpus_file(prefix))], "SGP", db=str(db))
    brief = brief_from_paths([str(KURSK)], "SGP", db=str(db))
    pattern = next(s for s in brief.sections[1].sections if s.id == "broader_pattern")
    texts = " ".join(p.text for p in pattern.paragraphs)
    assert "cooperation-conflict index" in texts and "North Korea and Russia" in texts


def test_predictions_are_stored_and_matched_by_later_events(db: Path, run: Callable[..., Result]) -> None:
    brief_from_paths([str(KURSK)], "SGP", db=str(db))
    stored = prediction_status(db=str(db))
    assert stored and all(not s.matched for s in stored)
    # a later article about the same pair and kind of events matches some of them
    brief_from_paths([str(corpus_file("01_"))], "SGP", db=str(db), generated_at="2099-01-01T00:00:00Z")
    later = prediction_status(db=str(db))
    assert any(s.matched for s in later)
    r = run("predictions", "--db", str(db))
    assert r.exit_code == 0 and "MATCHED" in r.stdout


def test_brief_from_the_store_needs_known_actors_and_stored_articles(run: Callable[..., Result], db: Path) -> None:
    r = run("brief", "--actors", "PRK,XXQ", "--db", str(db))
    assert r.exit_code != 0 and "unknown actor code" in r.stderr and "Traceback" not in r.stderr
    r = run("brief", "--actors", "PRK,RUS", "--db", str(db))
    assert r.exit_code != 0 and "no stored article" in r.stderr
    open_store(str(db))


def test_every_judgement_traces_to_events_entries_and_rules(kb: KnowledgeBase) -> None:
    brief = brief_from_articles([read_article(str(corpus_file("23_")))], "SGP", kb=kb)
    spans = {(e.evidence.source, e.evidence.start) for e in brief.events}
    scored = {i.channel for i in brief.impacts}
    for i in brief.impacts:
        assert all(r in kb.impact_rules for r in i.rules) and i.events and i.paths
        assert any((c.source, c.start) in spans for c in i.citations if c.source)
    for _period, devs in brief.outlook.values():
        for d in devs:
            assert d.rule in kb.outlook_rules and 0 < d.likelihood < 1
            assert any((c.source, c.start) in spans for c in d.citations if c.source)
    assert brief.recommendations
    for r in brief.recommendations:
        assert r.play in kb.plays and set(r.channels) <= scored and r.channels
    assert [r.priority for r in brief.recommendations] == list(range(1, len(brief.recommendations) + 1))
    assert len({r.play for r in brief.recommendations}) == len(brief.recommendations)


def test_patterns_link_events_by_rule(kb: KnowledgeBase) -> None:
    brief = brief_from_articles([read_article(str(EXAMPLES / "red-sea-houthi-shipping-2024.txt"))], "SGP", kb=kb)
    pattern = next(s for s in brief.sections[1].sections if s.id == "broader_pattern")
    linked = [p for p in pattern.paragraphs if any(c.kb and c.kb.startswith("pat.") for c in p.citations)]
    assert linked and all(p.tier == "assessment" and any(c.source for c in p.citations) for p in linked)
