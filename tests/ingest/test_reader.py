from __future__ import annotations

from pathlib import Path

import pytest

from geobrief.errors import InputError
from geobrief.ingest import article_from_text, read_article, read_articles
from geobrief.ingest.reader import article_id, normalise_date


def test_header_format_is_parsed_and_offsets_count_in_the_body() -> None:
    art = article_from_text("TITLE: A\nSOURCE: Wire\nURL: http://x\nDATE: 2024-10\nLICENSE: PD\n\nBody one.\nBody two.")
    assert (art.title, art.source, art.url, art.published, art.license) == ("A", "Wire", "http://x", "2024-10", "PD")
    assert art.body == "Body one.\nBody two."


def test_plain_text_is_all_body() -> None:
    art = article_from_text("Seoul and Tokyo held talks on Monday.\nNo header here.")
    assert art.title is None and art.body.startswith("Seoul")


def test_crlf_is_normalised(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(b"TITLE: T\r\nDATE: 2023-07-21\r\n\r\nLine one.\r\nLine two.")
    art = read_article(str(p))
    assert art.body == "Line one.\nLine two." and art.published == "2023-07-21"


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("2024", "2024"),
        ("2024-3", "2024-03"),
        ("2022-03-25", "2022-03-25"),
        ("Oct 7, 2022", "2022-10-07"),
        ("7 October 2022", "2022-10-07"),
        ("2024-13", None),
        ("", None),
    ],
)
def test_dates(raw: str, want: str | None) -> None:
    assert normalise_date(raw) == want


def test_same_body_same_id_whatever_the_whitespace() -> None:
    assert article_id("A  b\nc") == article_id("A b c")
    assert article_id("A b c") != article_id("A b d")


def test_the_same_article_twice_is_read_once(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("TITLE: One\n\nChina and India met.", "utf-8")
    b.write_text("TITLE: Copy\n\nChina and India met.", "utf-8")
    assert len(read_articles([str(a), str(b)])) == 1


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    p = tmp_path / "bom.txt"
    p.write_bytes("\ufeffTITLE: T\n\nJapan protested.".encode())
    assert read_article(str(p)).title == "T"


def test_errors_carry_the_path(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_article(str(tmp_path / "nope.txt"))
    assert info.value.path.endswith("nope.txt") and "no such file" in str(info.value)
