"""The scorer itself, on gold files written in the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from geobrief.errors import InputError
from geobrief.evaluate import evaluate, load_gold
from geobrief.kb.loader import KnowledgeBase

BODY = "Russia attacked Ukraine on Monday. China and Japan held talks."


def _gold(tmp_path: Path, events: str) -> Path:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(f"TITLE: t\nDATE: 2024-03-06\n\n{BODY}", "utf-8")
    (tmp_path / "dev").mkdir()
    path = tmp_path / "dev" / "a.yaml"
    path.write_text(f"source: articles/a.txt\nsplit: dev\nevents:\n{events}", "utf-8")
    return path


def test_a_perfect_annotation_scores_one(tmp_path: Path, kb: KnowledgeBase) -> None:
    _gold(tmp_path, "  - {at: 7, trigger: attacked, type: ASSAULT, actors: [RUS], recipients: [UKR], date: '2024-03-04'}\n"
                    "  - {at: 56, trigger: talks, type: CONSULT, actors: [CHN, JPN]}\n")  # fmt: skip
    rep = evaluate(load_gold(tmp_path), kb)
    assert rep.by_type["ASSAULT"].f1 == 1.0
    assert rep.actors.f1 == 1.0 and rep.date_accuracy == 1.0


def test_a_wrong_annotation_scores_less_and_swaps_are_counted(tmp_path: Path, kb: KnowledgeBase) -> None:
    _gold(tmp_path, "  - {at: 7, trigger: attacked, type: ASSAULT, actors: [UKR], recipients: [RUS]}\n"
                    "  - {at: 56, trigger: talks, type: COERCE, actors: [CHN]}\n")  # fmt: skip
    rep = evaluate(load_gold(tmp_path), kb)
    assert rep.swaps == 1 and rep.swap_rate == 1.0
    assert rep.by_type["COERCE"].fn == 1 and rep.by_type["CONSULT"].fp == 1
    assert any(e.startswith("FN ") for e in rep.errors) and any(e.startswith("ROLE ") for e in rep.errors)


def test_a_misplaced_trigger_is_refused(tmp_path: Path) -> None:
    _gold(tmp_path, "  - {at: 3, trigger: attacked, type: ASSAULT}\n")
    with pytest.raises(InputError, match="not at offset 3"):
        load_gold(tmp_path)


def test_eval_command_prints_the_figures(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _gold(tmp_path, "  - {at: 7, trigger: attacked, type: ASSAULT, actors: [RUS], recipients: [UKR]}\n")
    r = run("eval", "extract", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    assert "ASSAULT" in r.stdout and "type_macro_f1" in r.stdout and "swap_rate" in r.stdout
