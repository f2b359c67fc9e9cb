"""Extraction: sentences, actor mentions, events, quantities and dates."""

from geobrief.extract.pipeline import Extraction, extract

__all__ = ["Extraction", "extract"]
