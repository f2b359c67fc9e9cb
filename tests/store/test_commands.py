"""Every store-using command works the same on SQLite and on PostgreSQL (`--db URL`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import EXAMPLES, Result, corpus_file


def test_commands_on_each_store(store_url: str, run: Callable[..., Result], tmp_path: Path) -> None:
    db = ["--db", store_url]
    r = run("ingest", str(EXAMPLES / "dprk-russia-kursk-2025.txt"), str(corpus_file("02_")), *db)
    assert r.exit_code == 0 and "stored 2 new" in r.stdout, r.stderr
    out = tmp_path / "b.json"
    r = run("brief", "--actors", "PRK,RUS", "-o", str(out), *db)
    assert r.exit_code == 0, r.stderr
    titles = [a["title"] for a in json.loads(out.read_text("utf-8"))["sources"]]
    assert any(t.startswith("North Korea admits") for t in titles)
    r = run("brief", str(EXAMPLES / "red-sea-houthi-shipping-2024.txt"), "-f", "json", *db)
    assert r.exit_code == 0 and json.loads(r.stdout)["impacts"]
    r = run("predictions", *db)
    assert r.exit_code == 0 and "likelihood" in r.stdout
    r = run("digest", "--since", "1h", *db)
    assert r.exit_code == 0 and "Developments ranked by impact" in r.stdout
    assert "subscribed to" in run("feeds", "add", "https://example.org/rss.xml", *db).stdout
    assert "https://example.org/rss.xml" in run("feeds", "list", *db).stdout
