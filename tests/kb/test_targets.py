"""Briefs differ by target where the targets' exposures differ (profiles are data, not special cases)."""

from __future__ import annotations

from functools import cache

import pytest

from geobrief.analysis.impact import score_impacts
from geobrief.extract import extract
from geobrief.ingest import read_article
from geobrief.kb.loader import KnowledgeBase, load
from tests.conftest import corpus_file


@cache
def _score(prefix: str, country: str, channel: str) -> float:
    kb = load()
    events = list(extract(read_article(str(corpus_file(prefix))), kb).events)
    return {i.channel: i.score for i in score_impacts(kb, kb.profile(country), events)}.get(channel, 0.0)


def test_there_are_several_targets(kb: KnowledgeBase) -> None:
    assert {"SGP", "MYS", "IDN", "PHL", "VNM", "JPN", "KOR", "AUS"} <= set(kb.profiles)


@pytest.mark.parametrize(("importer", "exporter"), [("JPN", "AUS"), ("KOR", "MYS"), ("SGP", "AUS"), ("SGP", "MYS")])
def test_a_gulf_threat_weighs_more_on_an_energy_importer(importer: str, exporter: str) -> None:
    assert _score("19_", importer, "economic.energy") > _score("19_", exporter, "economic.energy") + 0.2


@pytest.mark.parametrize(("importer", "exporter"), [("PHL", "AUS"), ("SGP", "VNM"), ("SGP", "AUS")])
def test_a_grain_shock_weighs_more_on_a_food_importer(importer: str, exporter: str) -> None:
    assert _score("26_", importer, "economic.food") > _score("26_", exporter, "economic.food")


def test_a_korean_missile_test_weighs_most_on_korea_and_japan() -> None:
    wmd = {c: _score("04_", c, "security.wmd_proliferation") for c in ("KOR", "JPN", "SGP", "IDN")}
    assert wmd["KOR"] > wmd["SGP"] and wmd["JPN"] > wmd["SGP"] > wmd["IDN"]


@pytest.mark.parametrize("country", ["MYS", "IDN", "PHL", "VNM", "JPN", "KOR", "AUS"])
def test_every_target_gets_a_complete_brief(run, country: str) -> None:  # type: ignore[no-untyped-def]
    import json

    from tests.conftest import EXAMPLES

    r = run("brief", str(EXAMPLES / "red-sea-houthi-shipping-2024.txt"), "--country", country, "-f", "json")
    assert r.exit_code == 0, r.stderr
    brief = json.loads(r.stdout)
    assert brief["country"] == country and brief["impacts"] and len(brief["sections"]) == 6
