"""A geopolitical-risk tag per sentence: threat and act, after Caldara and Iacoviello (2022).

The word groups and categories are data (``gpr.yaml``); their words join the
sentence's single matcher pass (kind ``G``), and ``tag`` turns the positions
found into the sentence's tags.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

__all__ = ["GprRules", "gpr_rules", "tag"]

NEAR = 3  # "within two words": at most two tokens between


@dataclass(frozen=True)
class GprRules:
    entries: tuple[tuple[str, tuple[str, object]], ...]  # (phrase, ("G", group)) for the combined matcher
    categories: tuple[tuple[str, str, str, str, str], ...]  # (id, tag, group a, group b, near|and)


@cache
def gpr_rules() -> GprRules:
    """The word groups and categories, read once."""
    doc = yaml.safe_load(Path(__file__).with_name("gpr.yaml").read_text("utf-8"))
    entries = tuple((w, ("G", g)) for g, words in doc["groups"].items() for w in words)
    cats = tuple((c["id"], c["tag"], c["a"], c["b"], c["how"]) for c in doc["categories"])
    return GprRules(entries, cats)


def tag(hits: list[tuple[int, str]], rules: GprRules) -> frozenset[str]:
    """The tags ("threat", "act") of a sentence from its group hits (token index, group)."""
    if not hits:
        return frozenset()
    where: dict[str, list[int]] = {}
    for i, group in hits:
        where.setdefault(group, []).append(i)
    if "excluded" in where:
        return frozenset()
    tags = set()
    for _id, label, a, b, how in rules.categories:
        if a not in where or b not in where:
            continue
        if how == "and" or any(abs(i - j) <= NEAR for i in where[a] for j in where[b]):
            tags.add(label)
    return frozenset(tags)
