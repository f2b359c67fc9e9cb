"""Many articles at once: a directory of article files, or a JSONL or CSV file of articles.

A directory is read recursively: every ``.txt``, ``.md``, ``.html`` and ``.htm``
file, in path order, hidden files and directories left out. A JSONL file holds
one JSON object per line, a CSV file one row per article (with a header row);
both give ``text`` (the body) and, optionally, ``title``, ``url``, ``date``,
``source`` and ``license``; other keys are ignored.

One bad file or row does not stop a batch: it comes out as ``Skipped`` with the
reason (and the line), and the batch goes on. Only a batch that cannot be read
at all (no such path, an unknown kind of file, a CSV without a ``text`` column)
raises ``InputError``.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from geobrief.errors import InputError
from geobrief.ingest.reader import MAX_BYTES, article_id, normalise_date, read_article
from geobrief.model import Article

__all__ = ["ARTICLE_SUFFIXES", "CSV_SUFFIXES", "JSONL_SUFFIXES", "Skipped", "count_batch", "iter_batch"]

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})
# documentation that sits beside articles in a folder, not news: skipped when a folder is walked
NOT_ARTICLES = frozenset({"readme", "index", "license", "licence", "changelog", "contributing", "notice"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv"})
FIELDS = ("title", "url", "date", "source", "license")
_VALID = (
    "give a directory of .txt/.md/.html files, a .jsonl file of objects or a .csv file with a header row, "
    "each article with a 'text' and optional 'title', 'url', 'date'"
)


@dataclass(frozen=True, kw_only=True)
class Skipped:
    """An input of a batch that was not read, and why."""

    path: str
    reason: str
    line: int | None = None  # the line of a JSONL or CSV file (the first line of a CSV row)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


def _kind(path: Path) -> str:
    if path.is_dir():
        return "dir"
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in ARTICLE_SUFFIXES:
        return "file"
    raise InputError(str(path), f"unknown kind of batch {suffix or '(no extension)'!r}", _VALID)


def _check(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError(str(p), "no such file or directory", _VALID)
    return p


def _files(root: Path) -> Iterator[Path]:
    """Article files under ``root``, in sorted path order, without hidden files or directories."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            p = Path(name)
            if not name.startswith(".") and p.suffix.lower() in ARTICLE_SUFFIXES and p.stem.lower() not in NOT_ARTICLES:
                yield Path(dirpath) / name


def iter_batch(path: str | Path) -> Iterator[Article | Skipped]:
    """The articles of a directory, JSONL or CSV file (or one article file), each bad one as Skipped."""
    p = _check(path)
    kind = _kind(p)
    if kind == "dir":
        for f in _files(p):
            yield _read_file(f)
    elif kind == "file":
        yield _read_file(p)
    elif kind == "jsonl":
        yield from _jsonl(p)
    else:
        yield from _csv(p)


def count_batch(path: str | Path) -> int:
    """How many items ``iter_batch(path)`` will yield (articles and skipped), for a progress bar."""
    p = _check(path)
    kind = _kind(p)
    if kind == "dir":
        return sum(1 for _ in _files(p))
    if kind == "file":
        return 1
    if kind == "jsonl":
        with p.open("rb") as fh:
            return sum(1 for line in fh if line.strip())
    try:
        with p.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)  # the header
            return sum(1 for row in reader if any(cell.strip() for cell in row))
    except csv.Error:
        return 0  # iter_batch reports what is wrong


def _read_file(path: Path) -> Article | Skipped:
    try:
        return read_article(str(path))
    except InputError as exc:
        return Skipped(path=str(path), reason=exc.problem)


def _value(row: Mapping[str, object], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _row_article(row: Mapping[str, object], path: Path, line: int) -> Article | Skipped:
    """An article from a row, as ``article_from_text`` would build it: the text is the body."""
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        got = (
            "no 'text'"
            if text is None
            else "an empty 'text'"
            if isinstance(text, str)
            else "a 'text' that is not a string"
        )
        return Skipped(path=str(path), line=line, reason=f"the row has {got}")
    if len(text.encode("utf-8")) > MAX_BYTES:
        return Skipped(path=str(path), line=line, reason=f"the text is longer than {MAX_BYTES:,} bytes")
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    fields = {key: _value(row, key) for key in FIELDS}
    published = None
    if fields["date"]:
        published = normalise_date(fields["date"])
        if published is None:
            return Skipped(path=str(path), line=line, reason=f"date {fields['date']!r} is not a date (use YYYY-MM-DD)")
    return Article(
        id=article_id(body),
        body=body,
        title=fields["title"],
        source=fields["source"],
        url=fields["url"],
        published=published,
        license=fields["license"],
        path=f"{path}:{line}",
    )


def _jsonl(path: Path) -> Iterator[Article | Skipped]:
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})", _VALID) from None
    with fh:
        for line, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8-sig" if line == 1 else "utf-8"))
            except UnicodeDecodeError:
                yield Skipped(path=str(path), line=line, reason="not UTF-8 text")
                continue
            except json.JSONDecodeError as exc:
                yield Skipped(path=str(path), line=line, reason=f"not JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(row, dict):
                yield Skipped(path=str(path), line=line, reason=f"a JSON {type(row).__name__}, not an object")
                continue
            yield _row_article(row, path, line)


def _csv(path: Path) -> Iterator[Article | Skipped]:
    # Article bodies can be longer than the csv module's default 128 KiB field limit.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})", _VALID) from None
    with fh:
        reader = csv.reader(fh)
        try:
            columns = [c.strip().lower() for c in next(reader, [])]
            if "text" not in columns:
                shown = ", ".join(repr(c) for c in columns) or "none"
                raise InputError(str(path), f"the CSV has no 'text' column (its columns: {shown})", _VALID)
            start = reader.line_num + 1
            for cells in reader:
                # csv.reader rather than DictReader: DictReader skips blank lines unseen, which would
                # throw off the line numbers given for skipped rows.
                if any(cell.strip() for cell in cells):
                    yield _row_article(dict(zip(columns, cells, strict=False)), path, start)
                start = reader.line_num + 1
        except UnicodeDecodeError:
            yield Skipped(path=str(path), line=reader.line_num + 1, reason="not UTF-8 text; the rest was not read")
        except csv.Error as exc:
            yield Skipped(path=str(path), line=reader.line_num, reason=f"broken CSV ({exc}); the rest was not read")
