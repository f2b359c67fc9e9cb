"""The knowledge base: complete against the contracts, sourced, and checked."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from geobrief.errors import KnowledgeBaseError, UnknownCountryError
from geobrief.kb.loader import DATA_DIR, KnowledgeBase, check, load
from tests.conftest import ROOT

CONTRACTS = ROOT.parent / "shared" / "contracts"


def test_shipped_knowledge_base_has_no_problems() -> None:
    _kb, problems = check()
    assert problems == []


def test_every_channel_of_the_contract_exists(kb: KnowledgeBase) -> None:
    path = CONTRACTS / "channels.md"
    if not path.exists():
        pytest.skip("contracts not beside the repository")
    ids = set(re.findall(r"^\| `([a-z]+\.[a-z_]+)` \|", path.read_text("utf-8"), re.M))
    assert len(ids) == 20
    assert ids <= set(kb.channels)


def test_every_un_member_and_the_named_others_are_actors(kb: KnowledgeBase) -> None:
    states = [a for a in kb.actors.values() if a.kind == "state"]
    members = [a for a in states if "UN" in a.memberships]
    assert len(members) == 193
    for code in ("TWN", "XKX", "PSE", "VAT"):
        assert code in kb.actors
    for org in ("UN", "UNSC", "ASEAN", "EU", "NATO", "IAEA"):
        assert kb.actors[org].kind == "organisation"
    assert kb.actors["HOUTHIS"].state == "YEM" and kb.actors["HOUTHIS"].role == "REB"


def test_every_channel_is_reached_by_a_rule_and_a_play(kb: KnowledgeBase) -> None:
    reached = {e.channel for r in kb.impact_rules.values() for e in r.effects}
    played = {c for p in kb.plays.values() for c in p.channels}
    assert set(kb.channels) <= reached
    assert set(kb.channels) <= played


def test_outlook_rules_cover_every_horizon(kb: KnowledgeBase) -> None:
    assert {r.horizon for r in kb.outlook_rules.values()} == {"short", "medium", "long"}


def test_singapore_profile_is_sourced_with_figures(kb: KnowledgeBase) -> None:
    prof = kb.profile("SGP")
    assert {w.channel for w in prof.weights} == set(kb.channels)
    with_figures = [e for e in prof.exposures if e.value is not None]
    assert len(with_figures) >= 15
    for e in prof.exposures:
        assert e.sources and all(s in kb.sources for s in e.sources) and e.year


def test_unknown_country(kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownCountryError, match="SGP \\(Singapore\\)"):
        kb.profile("XYZ")


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR, root)
    return root


def test_check_finds_a_dangling_reference_and_a_missing_source(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    plays = root / "rules" / "playbook.yaml"
    text = plays.read_text("utf-8")
    first_channel = re.search(r"channels: \[([a-z_.]+)", text)
    assert first_channel
    plays.write_text(text.replace(first_channel.group(1), "economic.nonsense", 1), "utf-8")
    (root / "extra.yaml").write_text(
        "places:\n  - {id: nowhere, name: Nowhere, kind: sea, region: x, sources: [no-such-source], as_of: '2024'}\n",
        "utf-8",
    )
    _kb, problems = check(root)
    assert any("unknown channel 'economic.nonsense'" in p for p in problems)
    assert any("unknown source 'no-such-source'" in p for p in problems)


def test_check_finds_schema_errors_and_duplicates(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "bad.yaml").write_text(
        "channels:\n  - {id: security.maritime, category: security, title: Again, description: dup}\n"
        "  - {id: x.y, category: weather, title: T, description: D, colour: red}\n",
        "utf-8",
    )
    _kb, problems = check(root)
    assert any("duplicate id 'security.maritime'" in p for p in problems)
    assert any("category" in p for p in problems) and any("colour" in p for p in problems)
    with pytest.raises(KnowledgeBaseError, match="kb check"):
        load(root)


def test_entries_without_sources_are_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "unsourced.yaml").write_text(
        "places:\n  - {id: p1, name: P, kind: sea, region: x, as_of: '2024'}\n", "utf-8"
    )
    _kb, problems = check(root)
    assert any("p1" in p and "sources" in p for p in problems)


def test_a_bracketed_note_is_not_a_source_title() -> None:
    from pydantic import ValidationError

    from geobrief.kb.schema import SourceRef

    assert SourceRef(id="s", publisher="P", title="A report", date="2024").title == "A report"
    with pytest.raises(ValidationError, match="bracketed note"):
        SourceRef(id="s", publisher="P", title="[descriptive] A report", date="2024")
