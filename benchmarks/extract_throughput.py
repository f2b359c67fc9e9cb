"""Extraction throughput in words per second on one core (run by hand).

    .venv/bin/python benchmarks/extract_throughput.py [--articles 10000] [--corpus DIR]

Replicates the real corpus (../shared/corpus) to the requested number of
articles, each copy with its sentences in a different order so that no two
bodies are identical, and times ``geobrief.extract.extract`` (sentences,
actors, events, quantities, dates) over all of them in this process.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import replace
from pathlib import Path

from geobrief.extract import extract
from geobrief.ingest import read_article
from geobrief.ingest.reader import article_id
from geobrief.kb.loader import load

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--linearity", action="store_true", help="time one unpunctuated text of growing length")
    args = ap.parse_args()
    kb = load()
    if args.linearity:
        linearity(kb)
        return
    base = [read_article(str(p)) for p in sorted(Path(args.corpus).glob("*.txt"))]
    rng = random.Random(7)
    arts = []
    for n in range(args.articles):
        src = base[n % len(base)]
        lines = src.body.split("\n")
        rng.shuffle(lines)
        body = "\n".join(lines)
        arts.append(replace(src, body=body, id=article_id(body)))
    words = sum(len(a.body.split()) for a in arts)
    extract(arts[0], kb)  # build the gazetteer and lexicon outside the timing
    t0, c0 = time.perf_counter(), time.process_time()
    events = sum(len(extract(a, kb).events) for a in arts)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"{len(arts):,} articles, {words:,} words, {events:,} events in {dt:.1f} s: {words / dt:,.0f} words/s "
        f"({words / cpu:,.0f} words per CPU-second of this process)"
    )


def linearity(kb: object) -> None:
    """Seconds per 10,000 words for one text without punctuation, at growing lengths."""
    from geobrief.ingest import article_from_text

    phrase = "Russia attacked Ukraine while China and Japan held talks and the Council met "
    for words in (10_000, 100_000, 1_000_000):
        text = (phrase * (words // 14 + 1))[: words * 6]
        art = article_from_text(text)
        t0 = time.perf_counter()
        extract(art, kb)  # type: ignore[arg-type]
        dt = time.perf_counter() - t0
        n = len(art.body.split())
        print(f"{n:>9,} words: {dt:6.2f} s, {dt / n * 10_000:.3f} s per 10,000 words")


if __name__ == "__main__":
    main()
