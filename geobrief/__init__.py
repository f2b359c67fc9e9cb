"""geobrief: sourced strategic-impact briefs from geopolitical news.

The public API: read articles, extract events, analyse them for a target
country and write the brief.
"""

from __future__ import annotations

__version__ = "0.1.0"

from geobrief.errors import GeobriefError, InputError, KnowledgeBaseError, StoreError, UnknownCountryError
from geobrief.pipeline import brief_from_articles, brief_from_paths, ingest_paths

__all__ = [
    "GeobriefError",
    "InputError",
    "KnowledgeBaseError",
    "StoreError",
    "UnknownCountryError",
    "__version__",
    "brief_from_articles",
    "brief_from_paths",
    "ingest_paths",
]
