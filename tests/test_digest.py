"""The digest: what was stored in a window, ranked by impact on the target, with signposts and changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from geobrief.digest import build_digest, parse_since
from geobrief.errors import InputError
from geobrief.pipeline import brief_from_paths, ingest_paths
from tests.conftest import Result, corpus_file


def test_parse_since() -> None:
    now = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)
    assert parse_since("24h", now).startswith("2026-01-01T12:00")
    assert parse_since("7d", now).startswith("2025-12-26")
    assert parse_since("2026-01-01", now).startswith("2026-01-01T00:00")
    with pytest.raises(InputError, match="24h"):
        parse_since("yesterday-ish", now)


def test_digest_ranks_by_impact_and_reports_changes(db: Path, run: Callable[..., Result]) -> None:
    brief_from_paths([str(corpus_file("01_"))], "SGP", db=str(db))  # leaves predictions about the pair
    first = build_digest("SGP", "1h", db=str(db))
    assert first.previous is None and len(first.items) == 1
    ingest_paths([str(corpus_file(p)) for p in ("02_", "23_", "26_")], db=str(db))
    second = build_digest("SGP", "1h", db=str(db))
    scores = [i.score for i in second.items]
    assert scores == sorted(scores, reverse=True) and len(second.items) == 4
    assert second.previous == first.created_at and second.new_top
    assert second.signposts  # the arms-transfer briefing matches signposts of the earlier brief's predictions
    r = run("digest", "--country", "SGP", "--since", "1h", "--db", str(db))
    assert r.exit_code == 0 and "Developments ranked by impact" in r.stdout and "Signposts matched" in r.stdout


def test_digest_html_escapes_stored_text(db: Path, run: Callable[..., Result], tmp_path: Path) -> None:
    art = tmp_path / "a.txt"
    art.write_text(
        "TITLE: <script>alert(1)</script>\nDATE: 2024-01-20\n\nHouthi rebels attacked a tanker in the Red Sea.", "utf-8"
    )
    ingest_paths([str(art)], db=str(db))
    out = tmp_path / "d.html"
    r = run("digest", "--since", "1h", "--db", str(db), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    page = out.read_text("utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
