"""Impacts differ by theme through rules and data, and behave as scores should."""

from __future__ import annotations

import pytest

from geobrief.analysis.impact import score_impacts
from geobrief.analysis.outlook import recommend
from geobrief.extract import extract
from geobrief.ingest import read_article
from geobrief.kb.loader import KnowledgeBase
from geobrief.model import Event, Evidence
from tests.conftest import corpus_file


def _scores(kb: KnowledgeBase, prefix: str) -> dict[str, float]:
    ex = extract(read_article(str(corpus_file(prefix))), kb)
    return {i.channel: i.score for i in score_impacts(kb, kb.profile("SGP"), list(ex.events))}


@pytest.mark.parametrize("prefix", ["07_", "23_", "24_"])
def test_red_sea_attacks_rank_shipping_and_maritime_above_proliferation(kb: KnowledgeBase, prefix: str) -> None:
    s = _scores(kb, prefix)
    wmd = s.get("security.wmd_proliferation", 0.0)
    assert s["economic.shipping_ports"] > wmd
    assert s["security.maritime"] > wmd
    top3 = sorted(s, key=lambda c: -s[c])[:3]
    assert {"economic.shipping_ports", "security.maritime"} & set(top3)


@pytest.mark.parametrize("prefix", ["04_", "06_", "33_"])
def test_missile_tests_rank_proliferation_above_food(kb: KnowledgeBase, prefix: str) -> None:
    s = _scores(kb, prefix)
    assert s["security.wmd_proliferation"] > s.get("economic.food", 0.0)
    assert s["security.wmd_proliferation"] >= 0.3


def test_grain_deal_suspension_ranks_food_first(kb: KnowledgeBase) -> None:
    s = _scores(kb, "26_")
    assert max(s, key=lambda c: s[c]) == "economic.food"


def test_chip_export_controls_reach_technology_not_food(kb: KnowledgeBase) -> None:
    s = _scores(kb, "12_")
    assert s["economic.technology"] > 0.5
    assert "economic.food" not in s


def test_cyber_article_ranks_cyber_high(kb: KnowledgeBase) -> None:
    s = _scores(kb, "40_")
    assert max(s, key=lambda c: s[c]) == "security.cyber"


def test_an_export_ban_on_food_weighs_on_food_not_on_relief(kb: KnowledgeBase) -> None:
    """A demand that a food exporter lift its ban is trade diplomacy, not an appeal for relief."""
    ban = _event(
        kb, type="SANCTION", mode=None, actors=("IND",), actor_roles=("GOV",), contexts=("food", "trade"), places=()
    )
    demand = _event(kb, id="e2", type="REQUEST", mode=None, actors=("USA",), recipients=("IND",), actor_roles=("GOV",),
                    recipient_roles=("GOV",), contexts=("food", "trade"), places=())  # fmt: skip
    s = {i.channel: i.score for i in score_impacts(kb, kb.profile("SGP"), [ban, demand])}
    assert max(s, key=lambda c: s[c]) == "economic.food"
    assert s.get("diplomatic.humanitarian", 0.0) < min(s["economic.food"], s["economic.trade_supply_chains"])


def test_a_trade_pact_is_an_opportunity_answered_by_opportunity_plays(kb: KnowledgeBase) -> None:
    pact = _event(kb, type="AGREE", mode=None, actors=("MYS", "IDN"), actor_roles=("GOV", "GOV"), contexts=("trade",),
                  places=())  # fmt: skip
    impacts = score_impacts(kb, kb.profile("SGP"), [pact])
    trade = next(i for i in impacts if i.channel == "economic.trade_supply_chains")
    assert trade.kind == "opportunity" and trade.score > 0.1
    plays = [r.play for r in recommend(kb, kb.profile("SGP"), impacts)]
    assert plays and plays[0] == "play.use_trade_agreements"
    assert "play.shipping_contingency" not in plays  # a risk play does not answer an opportunity
    sanctioned = _event(kb, type="AGREE", mode=None, actors=("RUS", "PRK"), actor_roles=("GOV", "GOV"),
                        contexts=("trade",), places=())  # fmt: skip
    assert all(i.kind != "opportunity" for i in score_impacts(kb, kb.profile("SGP"), [sanctioned])
               if i.channel == "economic.trade_supply_chains")  # fmt: skip


def test_a_coup_in_a_neighbour_strains_regional_cohesion(kb: KnowledgeBase) -> None:
    coup = _event(kb, type="COERCE", mode="seize", actors=("THA",), actor_roles=("MIL",),
                  contexts=("military", "governance"), places=())  # fmt: skip
    s = {i.channel: i.score for i in score_impacts(kb, kb.profile("SGP"), [coup])}
    assert s.get("diplomatic.regional_cohesion", 0.0) >= 0.3
    far = _event(kb, type="COERCE", mode="seize", actors=("BFA",), actor_roles=("MIL",),
                 contexts=("military", "governance"), places=())  # fmt: skip
    s_far = {i.channel: i.score for i in score_impacts(kb, kb.profile("SGP"), [far])}
    assert s_far.get("diplomatic.regional_cohesion", 0.0) < s["diplomatic.regional_cohesion"]


def _event(kb: KnowledgeBase, **kw: object) -> Event:
    base = {
        "id": "e1",
        "type": "ASSAULT",
        "mode": "drone",
        "actors": ("YEM",),
        "recipients": (),
        "actor_roles": ("REB",),
        "recipient_roles": (),
        "status": "asserted",
        "contexts": ("maritime", "shipping"),
        "places": ("red_sea",),
        "evidence": Evidence(source="s", start=0, end=1, text="x"),
    }
    base.update(kw)
    return Event(**base)  # type: ignore[arg-type]


def test_more_events_never_lower_a_score(kb: KnowledgeBase) -> None:
    prof = kb.profile("SGP")
    one = {i.channel: i.score for i in score_impacts(kb, prof, [_event(kb)])}
    events = [_event(kb), _event(kb, id="e2", type="COERCE", mode="seize"), _event(kb, id="e3", type="THREATEN")]
    more = {i.channel: i.score for i in score_impacts(kb, prof, events)}
    for channel, score in one.items():
        assert more[channel] >= score


def test_firmer_status_never_lowers_a_score(kb: KnowledgeBase) -> None:
    prof = kb.profile("SGP")
    order = ["denied", "hypothetical", "planned", "claimed", "reported", "asserted"]
    previous: dict[str, float] = {}
    for status in order:
        now = {i.channel: i.score for i in score_impacts(kb, prof, [_event(kb, status=status)])}
        for channel, score in previous.items():
            assert now.get(channel, 0.0) >= score, (status, channel)
        previous = now


def test_exposure_weight_changes_the_score(kb: KnowledgeBase) -> None:
    prof = kb.profile("SGP")
    low = prof.model_copy(update={"weights": [w.model_copy(update={"weight": 0.1}) for w in prof.weights]})
    ev = [_event(kb)]
    high_s = {i.channel: i.score for i in score_impacts(kb, prof, ev)}
    low_s = {i.channel: i.score for i in score_impacts(kb, low, ev)}
    assert low_s["economic.shipping_ports"] < high_s["economic.shipping_ports"]


def test_every_impact_explains_its_path(kb: KnowledgeBase) -> None:
    impacts = score_impacts(kb, kb.profile("SGP"), [_event(kb)])
    assert impacts
    for i in impacts:
        assert i.rules and i.events and i.paths
        assert all(r in kb.impact_rules for r in i.rules)
        assert any(c.source for c in i.citations) and any(c.kb for c in i.citations)
        assert "-> exposure" in i.paths[0] and "SGP" in i.paths[0]
