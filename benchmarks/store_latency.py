"""Latency of a one-article brief against a store of many articles (run by hand).

    .venv/bin/python benchmarks/store_latency.py --articles 100000 --db /tmp/geobrief-100k.db

Builds the store once (the corpus and the bundled examples replicated, each copy
with its lines shuffled so no two bodies are equal; extraction and batched
inserts), then times `brief_from_articles` for one new article against it: that
includes extracting it, querying the stored history of its focal actors for the
trend, the analysis, storing its predictions, and composing the sections.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import replace
from pathlib import Path

from geobrief.extract import extract
from geobrief.ingest import read_article
from geobrief.ingest.reader import article_id
from geobrief.kb.loader import load
from geobrief.pipeline import brief_from_articles
from geobrief.store import open_store

ROOT = Path(__file__).resolve().parents[1]


def build(db: str, n: int, corpus: Path) -> None:
    kb = load()
    store = open_store(db)
    have = store.count()["articles"]
    if have >= n:
        print(f"store {db} already holds {have:,} articles")
        return
    base = [read_article(str(p)) for p in [*sorted(corpus.glob("*.txt")), *sorted((ROOT / "examples").glob("*.txt"))]]
    rng = random.Random(11)
    t0 = time.perf_counter()
    batch = []
    for k in range(have, n):
        src = base[k % len(base)]
        lines = src.body.split("\n")
        rng.shuffle(lines)
        body = "\n".join(lines) + f"\n[{k}]"
        batch.append(extract(replace(src, body=body, id=article_id(body)), kb))
        if len(batch) == 1000:
            store.add_many(batch)
            batch = []
            print(f"  {k + 1:,} articles stored ({time.perf_counter() - t0:.0f} s)", flush=True)
    store.add_many(batch)
    print(f"built {n:,} articles in {time.perf_counter() - t0:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--db", default="/tmp/geobrief-bench.db")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--article", default=str(ROOT / "examples" / "dprk-russia-kursk-2025.txt"))
    args = ap.parse_args()
    build(args.db, args.articles, Path(args.corpus))
    kb = load()
    store = open_store(args.db)
    art = read_article(args.article)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        brief_from_articles([art], "SGP", kb=kb, store=store)
        times.append(time.perf_counter() - t0)
    print(
        f"{store.count()['articles']:,} stored articles: brief in min {min(times):.3f} s, "
        f"median {statistics.median(times):.3f} s, max {max(times):.3f} s"
    )


if __name__ == "__main__":
    main()
