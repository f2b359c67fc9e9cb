"""The CLI as a user meets it: formats, outputs, and one-line errors for bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, Result, corpus_file

EXAMPLE = EXAMPLES / "dprk-russia-kursk-2025.txt"


def _one_line_error(r: Result) -> str:
    assert r.exit_code != 0
    assert "Traceback" not in r.stderr + r.stdout
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    return lines[0]


def test_markdown_brief_of_the_bundled_example(run: Callable[..., Result]) -> None:
    r = run("brief", str(EXAMPLE), "--country", "SGP")
    assert r.exit_code == 0, r.stderr
    for heading in (
        "## Executive summary",
        "### Key developments",
        "### Short term",
        "## Impact on Singapore",
        "## Policy recommendations for Singapore",
        "## Conclusion",
        "## Notes",
    ):
        assert heading in r.stdout
    assert "[1] “" in r.stdout  # notes quote the cited span


def test_output_format_follows_the_extension(run: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "brief.json"
    r = run("brief", str(EXAMPLE), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert json.loads(out.read_text("utf-8"))["schema"] == "geobrief.brief/1"
    assert "wrote" in r.stderr


def test_country_code_is_case_insensitive(run: Callable[..., Result]) -> None:
    r = run("brief", str(EXAMPLE), "--country", "sgp", "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["country"] == "SGP"


def test_standard_input(run_process: Callable[..., Result]) -> None:
    r = run_process("brief", "-", "--country", "SGP", "--format", "json", stdin=EXAMPLE.read_bytes())
    assert r.exit_code == 0, r.stderr
    brief = json.loads(r.stdout)
    assert brief["sources"][0]["title"].startswith("North Korea")


def test_several_files_at_once(run: Callable[..., Result]) -> None:
    red_sea = EXAMPLES / "red-sea-houthi-shipping-2024.txt"
    r = run("brief", str(EXAMPLE), str(red_sea), "--format", "json")
    assert r.exit_code == 0, r.stderr
    brief = json.loads(r.stdout)
    assert len(brief["sources"]) == 2
    assert {e["evidence"]["source"] for e in brief["events"]} == {s["id"] for s in brief["sources"]}


@pytest.mark.parametrize(
    ("make", "expect"),
    [
        (lambda d: d / "empty.txt", "empty"),
        (lambda d: d / "binary.bin", "binary"),
        (lambda d: d, "directory"),
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d / "latin1.txt", "not UTF-8"),
        (lambda d: d / "header-only.txt", "no body"),
        (lambda d: d / "bad-date.txt", "DATE"),
    ],
    ids=["empty", "binary", "directory", "missing", "not-utf8", "header-only", "bad-date"],
)
def test_bad_input_gets_one_line_and_nonzero_exit(
    run: Callable[..., Result], tmp_path: Path, make: Callable[[Path], Path], expect: str
) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 talks in S\xe3o Paulo between Brazil and France.".encode("latin-1"))
    (tmp_path / "header-only.txt").write_text("TITLE: Nothing\nDATE: 2024-01-01\n\n", "utf-8")
    (tmp_path / "bad-date.txt").write_text("TITLE: x\nDATE: the day after\n\nChina and Japan met.", "utf-8")
    line = _one_line_error(run("brief", str(make(tmp_path)), "--country", "SGP"))
    assert expect in line
    assert "give a UTF-8 text article" in line or "use YYYY-MM-DD" in line  # says what would be valid


def test_unknown_country_lists_the_known_ones(run: Callable[..., Result]) -> None:
    line = _one_line_error(run("brief", str(EXAMPLE), "--country", "Singapur"))
    assert "'SINGAPUR'" in line and "SGP (Singapore)" in line and "geobrief kb countries" in line


def test_unknown_option_is_one_line(run: Callable[..., Result]) -> None:
    line = _one_line_error(run("brief", str(EXAMPLE), "--colour", "red"))
    assert "--colour" in line and "--help" in line


def test_failed_run_leaves_no_output_file(run: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    out.write_text("previous brief", "utf-8")
    _one_line_error(run("brief", str(tmp_path / "missing.txt"), "-o", str(out)))
    assert out.read_text("utf-8") == "previous brief"
    assert not list(tmp_path.glob("*.tmp"))


def test_output_into_missing_folder_is_one_line(run: Callable[..., Result], tmp_path: Path) -> None:
    line = _one_line_error(run("brief", str(EXAMPLE), "-o", str(tmp_path / "nope" / "b.md")))
    assert "does not exist" in line


def test_article_without_actors_gets_a_brief_that_says_so(run: Callable[..., Result], tmp_path: Path) -> None:
    art = tmp_path / "garden.txt"
    art.write_text(
        "TITLE: Spring notes\nDATE: 2024-04-02\n\nThe tulips opened early this year. Bees were busy.", "utf-8"
    )
    r = run("brief", str(art), "--format", "json")
    assert r.exit_code == 0, r.stderr
    brief = json.loads(r.stdout)
    assert brief["events"] == [] and brief["impacts"] == []
    summary = brief["sections"][0]["paragraphs"][0]["text"]
    assert "No actor known to the knowledge base" in summary


def test_html_page_is_read_without_boilerplate(run: Callable[..., Result], tmp_path: Path) -> None:
    body = corpus_file("07_").read_text("utf-8").split("\n\n", 1)[1]
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
    html = (
        "<!DOCTYPE html><html><head><title>Red Sea briefing</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/news'>News</a> | Subscribe to our newsletter</nav>"
        f"<article><h1>Red Sea briefing</h1>{paras}</article>"
        "<footer>Copyright notice. Cookie settings. Follow us.</footer></body></html>"
    )
    page = tmp_path / "page.html"
    page.write_text(html, "utf-8")
    r = run("brief", str(page), "--format", "json")
    assert r.exit_code == 0, r.stderr
    text = json.loads(r.stdout)["sources"][0]["text"]
    assert "Houthi" in text and "Cookie settings" not in text and "Subscribe" not in text


def test_kb_commands(run: Callable[..., Result]) -> None:
    r = run("kb", "check")
    assert r.exit_code == 0, r.stderr
    assert "is valid" in r.stdout
    r = run("kb", "countries")
    assert any(line.startswith("SGP  Singapore") for line in r.stdout.splitlines())
    r = run("kb", "show", "PRK")
    assert "Pyongyang" in r.stdout and "nuclear_armed" in r.stdout
    line = _one_line_error(run("kb", "show", "XXQ"))
    assert "no such actor" in line


def test_ingest_twice_stores_once(run: Callable[..., Result]) -> None:
    r1 = run("ingest", str(EXAMPLE))
    r2 = run("ingest", str(EXAMPLE))
    assert "stored 1 new" in r1.stdout
    assert "stored 0 new article(s); 1 already stored" in r2.stdout


def test_serve_on_a_taken_port_is_one_line_and_exit_2(run: Callable[..., Result]) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        r = run("serve", "--port", str(port))
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and f"127.0.0.1:{port}" in r.stderr and "--port" in r.stderr
    bad = run("serve", "--port", "99999")
    assert bad.exit_code == 2 and "1<=x<=65535" in bad.stderr and "Traceback" not in bad.stderr
