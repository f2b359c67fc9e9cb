"""The web workspace (``geobrief serve``): server-rendered pages over the library functions."""

from geobrief.web.app import create_app

__all__ = ["create_app"]
