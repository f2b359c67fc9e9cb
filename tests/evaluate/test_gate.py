"""The extraction quality gate: test-split figures must not fall below their pinned floors.

Floors are what extraction reached on the held-out test split when they were last
pinned, less a small margin (see docs/extraction.md). Raise them when extraction
improves; never lower them to make a change pass. When the test split grows, they are pinned again on
the grown split: adding the eight `gold-news-*` test articles (127 events) moved the quantity floor from
0.90 to 0.86, as the same code scored 0.924 on the old split and 0.882 on the grown one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geobrief.evaluate import Report, evaluate, load_gold
from geobrief.kb.loader import KnowledgeBase
from tests.conftest import CORPUS

GOLD = Path(__file__).resolve().parents[1] / "data" / "gold"
FLOORS = {
    "type_macro_f1": 0.67,
    "event_f1": 0.69,
    "actor_recipient_f1": 0.76,
    "quantity_accuracy": 0.88,
    "date_accuracy": 0.81,
    "status_accuracy": 0.83,
}
SWAP_CEILING = 0.03

if not CORPUS.exists():
    pytest.skip("the corpus (../shared/corpus) is not beside the repository", allow_module_level=True)


@pytest.fixture(scope="module")
def report(kb: KnowledgeBase) -> Report:
    return evaluate(load_gold(GOLD, "test"), kb)


def test_gold_set_is_large_enough() -> None:
    docs = load_gold(GOLD)
    assert sum(len(d.events) for d in docs) >= 2300
    assert {d.split for d in docs} == {"dev", "test"}
    assert {t for d in docs for e in d.events for t in [e.type]} >= {"ASSAULT", "COERCE", "AID", "SANCTION"}


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_test_split_stays_above_its_floor(report: Report, metric: str) -> None:
    assert report.summary()[metric] >= FLOORS[metric]


def test_swaps_stay_rare(report: Report) -> None:
    assert report.swap_rate <= SWAP_CEILING
