"""Errors of geobrief: one root, each carrying what a user needs to fix it.

    GeobriefError
    ├── InputError            an article cannot be read (missing, empty, binary, not UTF-8, ...)
    │   └── FetchError        a URL cannot or may not be fetched (geobrief.ingest.fetch)
    ├── UnknownCountryError   a --country code with no profile in the knowledge base
    ├── KnowledgeBaseError    a knowledge-base file is invalid (schema, ids, references)
    ├── StoreError            the article store cannot be opened or written
    └── RefreshError          open data for `geobrief kb refresh` cannot be fetched or read

The CLI prints ``str(error)`` on one line and exits with ``error.exit_code``.
"""

from __future__ import annotations

__all__ = ["GeobriefError", "InputError", "KnowledgeBaseError", "RefreshError", "StoreError", "UnknownCountryError"]


class GeobriefError(Exception):
    """Root of all errors that geobrief reports to a user."""

    exit_code = 1


class InputError(GeobriefError):
    """An input article cannot be read."""

    exit_code = 2

    def __init__(self, path: str, problem: str, valid: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem} — {valid}")


class UnknownCountryError(GeobriefError):
    """No target profile exists for the requested country."""

    exit_code = 2

    def __init__(self, code: str, known: dict[str, str]) -> None:
        self.code = code
        listing = ", ".join(f"{k} ({v})" for k, v in sorted(known.items()))
        super().__init__(f"unknown country {code!r}: profiles exist for {listing} — see `geobrief kb countries`")


class KnowledgeBaseError(GeobriefError):
    """The knowledge base failed validation."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more; run `geobrief kb check`)" if len(problems) > 1 else ""
        super().__init__(f"knowledge base invalid: {problems[0]}{more}")


class StoreError(GeobriefError):
    """The article store cannot be used."""

    def __init__(self, url: str, problem: str) -> None:
        self.url = url
        super().__init__(f"store {url}: {problem} — give a writable path with --db or GEOBRIEF_DB")


class RefreshError(GeobriefError):
    """Open data for a profile figure cannot be fetched or read; nothing was written."""

    NO_NETWORK = "no network? run where the World Bank API is reachable, or set GEOBRIEF_WORLDBANK_URL"

    def __init__(self, url: str, problem: str, fix: str = NO_NETWORK) -> None:
        self.url = url
        self.problem = " ".join(problem.split())  # one line, whatever the server said
        super().__init__(f"{url}: {self.problem} — {fix}")
