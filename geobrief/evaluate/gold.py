"""The gold set of annotated events: its file format, loading and checking.

A gold file (YAML) annotates one article:

```yaml
source: corpus/07_red-sea_unsc-houthi-attacks-shipping_2024.txt   # or articles/NAME.txt
split: test                                                       # dev or test
events:
  - at: 1234            # offset in the body of the trigger's first character
    trigger: seized     # the trigger text at that offset (checked)
    type: COERCE
    mode: seize         # a PLOVER mode or null
    actors: [YEM]
    recipients: []
    status: asserted
    date: "2023-11-19"  # YYYY, YYYY-MM or YYYY-MM-DD, or null
    quantities: [{kind: count, value: 25, qualifier: exact}]
```

``corpus/`` names a file of the real corpus (read where it lies, never copied);
``articles/`` a file written for the gold set, beside the gold files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from geobrief.errors import InputError
from geobrief.ingest import read_article
from geobrief.kb.schema import EventType
from geobrief.model import Article

__all__ = ["GoldDoc", "GoldEvent", "GoldQuantity", "corpus_dir", "load_gold"]

_VALID = "give a gold file or folder in the format of geobrief/evaluate/gold.py (see tests/data/gold/README.md)"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoldQuantity(_Strict):
    kind: str
    value: float
    qualifier: Literal["exact", "at_least", "at_most", "about"] = "exact"


class GoldEvent(_Strict):
    at: int = Field(ge=0)
    trigger: str = Field(min_length=1)
    type: EventType
    mode: str | None = None
    actors: list[str] = []
    recipients: list[str] = []
    status: Literal["asserted", "reported", "claimed", "denied", "planned", "hypothetical"] = "asserted"
    date: str | None = None
    quantities: list[GoldQuantity] = []
    note: str | None = None


class _GoldFile(_Strict):
    source: str
    split: Literal["dev", "test"]
    published: str | None = None
    events: list[GoldEvent]


@dataclass(frozen=True)
class GoldDoc:
    path: Path
    split: str
    article: Article
    events: tuple[GoldEvent, ...]


def corpus_dir() -> Path:
    """Where ``corpus/`` names point: $GEOBRIEF_CORPUS, else ../shared/corpus beside the repository."""
    env = os.environ.get("GEOBRIEF_CORPUS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def _load_one(path: Path) -> GoldDoc:
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
        gold = _GoldFile.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:
        raise InputError(str(path), f"not a valid gold file ({str(exc).splitlines()[0]})", _VALID) from None
    if gold.source.startswith("corpus/"):
        art_path = corpus_dir() / gold.source.removeprefix("corpus/")
    else:
        art_path = (
            path.parent.parent / gold.source if not (path.parent / gold.source).exists() else path.parent / gold.source
        )
    article = read_article(str(art_path))
    for ev in gold.events:
        found = article.body[ev.at : ev.at + len(ev.trigger)]
        if found != ev.trigger:
            raise InputError(
                str(path), f"trigger {ev.trigger!r} is not at offset {ev.at} (found {found!r})", "fix the offset"
            )
    return GoldDoc(path=path, split=gold.split, article=article, events=tuple(gold.events))


def load_gold(path: str | Path, split: str | None = None) -> list[GoldDoc]:
    """Gold documents in a file or a folder (recursively), optionally of one split."""
    root = Path(path)
    if not root.exists():
        raise InputError(str(root), "no such file or folder", _VALID)
    files = [root] if root.is_file() else sorted(root.rglob("*.yaml"))
    if not files:
        raise InputError(str(root), "holds no gold files (*.yaml)", _VALID)
    docs = [_load_one(f) for f in files]
    return [d for d in docs if split is None or d.split == split]
