"""Read an article from a file, from standard input or from a string.

Formats, tried in this order:
1. HTML (by extension or by its first tag): boilerplate removed with trafilatura.
2. The article text format: ``KEY: value`` header lines (TITLE, SOURCE, URL,
   DATE, LICENSE), one empty line, then the body.
3. Plain text: all body.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from geobrief.errors import InputError
from geobrief.model import Article

__all__ = [
    "MAX_BYTES",
    "article_from_html",
    "article_from_text",
    "article_id",
    "normalise_date",
    "read_article",
    "read_articles",
]

MAX_BYTES = 5_000_000
HEADER_KEYS = ("TITLE", "SOURCE", "URL", "DATE", "LICENSE")
_HEADER = re.compile(r"^(TITLE|SOURCE|URL|DATE|LICENSE):[ \t]*(.*)$", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<article)", re.IGNORECASE)
_VALID = "give a UTF-8 text article (optional TITLE/SOURCE/URL/DATE/LICENSE header lines, a blank line, the body), an .html file, or - for standard input"


def article_id(body: str) -> str:
    """The id of an article: a hash of its body with whitespace and Unicode normalised."""
    norm = " ".join(unicodedata.normalize("NFC", body).split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def normalise_date(value: str) -> str | None:
    """``2024-10`` stays ``2024-10``; ``Oct 7, 2022`` becomes ``2022-10-07``; nonsense is None."""
    value = value.strip()
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value)
    if m:
        y, mo, d = m.groups()
        if (mo and not 1 <= int(mo) <= 12) or (d and not 1 <= int(d) <= 31):
            return None
        return y + (f"-{int(mo):02d}" if mo else "") + (f"-{int(d):02d}" if d else "")
    from dateutil import parser

    try:
        parsed = parser.parse(value, fuzzy=True, default=None)  # type: ignore[arg-type]
    except (ValueError, OverflowError, TypeError):
        try:
            parsed = parser.parse(value, fuzzy=True)
        except (ValueError, OverflowError):
            return None
    return parsed.date().isoformat()


def _decode(data: bytes, where: str) -> str:
    if not data.strip():
        raise InputError(where, "the file is empty", _VALID)
    if len(data) > MAX_BYTES:
        raise InputError(where, f"the file has {len(data):,} bytes, more than the {MAX_BYTES:,} allowed", _VALID)
    if b"\x00" in data[:8192]:
        raise InputError(where, "this is a binary file, not text", _VALID)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            where, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); convert it to UTF-8", _VALID
        ) from None
    controls = sum(1 for ch in text[:8192] if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:8192]) // 50):
        raise InputError(where, "this looks like a binary file (control characters), not text", _VALID)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def article_from_text(text: str, *, path: str | None = None) -> Article:
    """Parse the article text format (or plain text) into an Article."""
    where = path or "<text>"
    lines = text.split("\n")
    fields: dict[str, str] = {}
    body = text
    if lines and _HEADER.match(lines[0]):
        i = 0
        while i < len(lines) and (m := _HEADER.match(lines[i])):
            fields[m.group(1).upper()] = m.group(2).strip()
            i += 1
        if i < len(lines) and lines[i].strip() == "":
            i += 1
        body = "\n".join(lines[i:])
    if not body.strip():
        raise InputError(where, "the article has a header but no body text", _VALID)
    published = None
    if fields.get("DATE"):
        published = normalise_date(fields["DATE"])
        if published is None:
            raise InputError(where, f"DATE {fields['DATE']!r} is not a date", "use YYYY-MM-DD, YYYY-MM or YYYY")
    return Article(
        id=article_id(body),
        body=body,
        title=fields.get("TITLE") or None,
        source=fields.get("SOURCE") or None,
        url=fields.get("URL") or None,
        published=published,
        license=fields.get("LICENSE") or None,
        path=path,
    )


def article_from_html(text: str, where: str, *, url: str | None = None) -> Article | None:
    """The article in an HTML page, boilerplate removed (trafilatura); None when the page holds no text."""
    import trafilatura

    doc = trafilatura.bare_extraction(text, url=url, with_metadata=True, include_comments=False, favor_recall=True)
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not body.strip():
        return None
    body = body.replace("\r\n", "\n")
    date = getattr(doc, "date", None)
    return Article(
        id=article_id(body),
        body=body,
        title=getattr(doc, "title", None) or None,
        source=getattr(doc, "sitename", None) or None,
        url=url or getattr(doc, "url", None) or None,
        published=normalise_date(date) if date else None,
        path=where,
    )


def _from_html(text: str, where: str) -> Article:
    art = article_from_html(text, where)
    if art is None:
        raise InputError(where, "no article text found in this HTML page", _VALID)
    return art


def read_article(path: str) -> Article:
    """Read one article from ``path``, or from standard input when ``path`` is ``-``."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        where = "<stdin>"
        is_html = bool(_HTML_START.match(data[:512]))
    else:
        p = Path(path)
        where = path
        if not p.exists():
            raise InputError(where, "no such file", _VALID)
        if p.is_dir():
            raise InputError(where, "is a directory, not an article file", _VALID)
        try:
            with p.open("rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise InputError(where, f"cannot be read ({exc.strerror})", _VALID) from None
        is_html = p.suffix.lower() in {".html", ".htm", ".xhtml"} or bool(_HTML_START.match(data[:512]))
    text = _decode(data, where)
    if is_html:
        return _from_html(text, where)
    return article_from_text(text, path=where)


def read_articles(paths: Iterable[str]) -> list[Article]:
    """Read several articles; an article given twice is kept once."""
    seen: dict[str, Article] = {}
    for path in paths:
        art = read_article(path)
        seen.setdefault(art.id, art)
    return list(seen.values())
