"""Writing: the brief's sections composed from an analysis."""

from geobrief.write.sections import compose, title_of

__all__ = ["compose", "title_of"]
