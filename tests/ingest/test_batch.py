from __future__ import annotations

import json
from pathlib import Path

import pytest

from geobrief.errors import InputError
from geobrief.ingest.batch import Skipped, count_batch, iter_batch
from geobrief.ingest.reader import article_id
from geobrief.model import Article


def _split(items: list[Article | Skipped]) -> tuple[list[Article], list[Skipped]]:
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Skipped)]


def test_directory_is_read_recursively_and_bad_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("TITLE: Two\nDATE: 2024-10-18\n\nJapan protested.", "utf-8")
    (tmp_path / "a.md").write_text("Seoul and Tokyo held talks.", "utf-8")
    sub = tmp_path / "sub" / "deeper"
    sub.mkdir(parents=True)
    (sub / "c.html").write_text(
        "<html><head><title>Three</title></head><body><article><p>"
        + "Manila summoned the Chinese ambassador after the collision near the shoal. " * 5
        + "</p></article></body></html>",
        "utf-8",
    )
    (sub / "empty.txt").write_bytes(b"")
    (sub / "binary.htm").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")  # not an article kind: not listed at all
    (tmp_path / "INDEX.md").write_text("# The articles in this folder\n\n- b.txt", "utf-8")  # documentation
    (sub / "README.txt").write_text("How these files were collected.", "utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("hidden", "utf-8")

    items = list(iter_batch(tmp_path))
    assert count_batch(tmp_path) == len(items) == 5
    arts, skipped = _split(items)
    assert [a.title for a in arts] == [None, "Two", "Three"]  # sorted: a.md, b.txt, sub/deeper/c.html
    assert [a.label for a in arts] == ["Seoul and Tokyo held talks.", "Two", "Three"]  # untitled: its first line
    assert arts[1].published == "2024-10-18" and arts[1].body == "Japan protested."
    assert "Manila summoned" in arts[2].body
    assert sorted(Path(s.path).name for s in skipped) == ["binary.htm", "empty.txt"]
    assert all(s.line is None and s.reason for s in skipped)


def test_jsonl(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "One", "url": "https://a.example/1", "date": "Oct 7, 2022", "text": "Body one.", "x": 1}),
        "",
        json.dumps({"title": "No text"}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"text": "Body two.\r\nLine two.", "date": 2024, "source": "Wire"}),
        json.dumps({"text": "   "}),
        json.dumps({"text": "Dated badly.", "date": "someday"}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"text": "\xff"}\n')
    items = list(iter_batch(path))
    assert count_batch(path) == len(items) == 8
    arts, skipped = _split(items)
    one, two = arts
    assert (one.title, one.url, one.published, one.body) == ("One", "https://a.example/1", "2022-10-07", "Body one.")
    assert one.id == article_id("Body one.") and one.path == f"{path}:1"
    assert (two.body, two.published, two.source) == ("Body two.\nLine two.", "2024", "Wire")
    assert [(s.line, s.reason.split(" (")[0]) for s in skipped] == [
        (3, "the row has no 'text'"),
        (4, "not JSON"),
        (5, "a JSON list, not an object"),
        (7, "the row has an empty 'text'"),
        (8, "date 'someday' is not a date"),
        (9, "not UTF-8 text"),
    ]
    assert str(skipped[0]) == f"{path}:3: the row has no 'text'"


def test_csv(tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    path.write_text(
        "Title,URL,date,text,extra\n"
        'One,https://a.example/1,2024-10-18,"Body one,\nwith a second line.",x\n'
        "No text,https://a.example/2,2024-10-18,,y\n"
        "\n"
        'Three,,,"Body three.",\n',
        encoding="utf-8-sig",
    )
    items = list(iter_batch(path))
    assert count_batch(path) == len(items) == 3
    arts, skipped = _split(items)
    assert [(a.title, a.url, a.published) for a in arts] == [
        ("One", "https://a.example/1", "2024-10-18"),
        ("Three", None, None),
    ]
    assert arts[0].body == "Body one,\nwith a second line."
    assert arts[0].path == f"{path}:2" and arts[1].path == f"{path}:6"
    assert [(s.line, s.reason) for s in skipped] == [(4, "the row has an empty 'text'")]


def test_long_csv_field(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    body = "Word " * 60_000  # longer than the csv module's default field limit
    path.write_text(f'text\n"{body}"\n', encoding="utf-8")
    [art] = list(iter_batch(path))
    assert isinstance(art, Article) and len(art.body) == len(body)


def test_csv_without_text_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("title,body\nA,B\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no 'text' column.*'title', 'body'"):
        list(iter_batch(path))


@pytest.mark.parametrize("name", ["missing", "data.xlsx"])
def test_unusable_batch_paths(tmp_path: Path, name: str) -> None:
    if name != "missing":
        (tmp_path / name).write_bytes(b"x")
    with pytest.raises(InputError):
        list(iter_batch(tmp_path / name))
    with pytest.raises(InputError):
        count_batch(tmp_path / name)


def test_single_article_file(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text("TITLE: One\n\nBody.", "utf-8")
    [art] = list(iter_batch(str(path)))
    assert isinstance(art, Article) and art.title == "One"
    assert count_batch(path) == 1


def test_csv_that_stops_being_utf8_keeps_the_rows_before(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"text\nFirst body.\n" + b"x" * 20_000 + b"\n\xff\xfe broken\n")
    items = list(iter_batch(path))
    assert isinstance(items[0], Article) and items[0].body == "First body."
    assert isinstance(items[-1], Skipped) and "not UTF-8" in items[-1].reason


def test_label_of_an_untitled_article_is_its_shortened_first_line() -> None:
    long = "# " + "Ministers met in Jakarta to discuss maritime cooperation and fisheries " * 3
    art = Article(id="abc", body=f"\n\n{long}\n\nMore.")
    assert art.label.startswith("Ministers met in Jakarta") and art.label.endswith("…") and len(art.label) <= 90
    assert Article(id="abc", body="  \n ").label == "abc"
