"""Evaluation of extraction against the hand-annotated gold set."""

from geobrief.evaluate.extract import Report, evaluate
from geobrief.evaluate.gold import GoldDoc, load_gold

__all__ = ["GoldDoc", "Report", "evaluate", "load_gold"]
