"""Reading articles: the header text format, plain text, HTML, standard input."""

from geobrief.ingest.reader import article_from_text, read_article, read_articles

__all__ = ["article_from_text", "read_article", "read_articles"]
