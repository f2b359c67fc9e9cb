"""Dask extraction throughput with 1 and 2 workers (run by hand, on an otherwise idle machine).

    .venv/bin/python benchmarks/dask_scaling.py [--articles 4000]

Starts a local cluster of N single-threaded worker processes, warms each worker
(loading the knowledge base), then times extracting the replicated corpus in
shards; prints words per second for N = 1 and 2 and the ratio.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import replace
from pathlib import Path

from distributed import Client, LocalCluster, wait

from geobrief.engines import _extract_shard_compact, _shards
from geobrief.ingest import read_article
from geobrief.ingest.reader import article_id

ROOT = Path(__file__).resolve().parents[1]


def articles(n: int) -> list:  # type: ignore[type-arg]
    base = [read_article(str(p)) for p in sorted((ROOT.parent / "shared" / "corpus").glob("*.txt"))]
    rng = random.Random(5)
    out = []
    for k in range(n):
        src = base[k % len(base)]
        lines = src.body.split("\n")
        rng.shuffle(lines)
        body = "\n".join(lines)
        out.append(replace(src, body=body, id=article_id(body)))
    return out


def run(workers: int, arts: list, shard: int) -> float:  # type: ignore[type-arg]
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, Client(cluster) as client:
        wait(client.map(_extract_shard_compact, [arts[:5]] * workers, pure=False))  # load the knowledge base everywhere
        t0 = time.perf_counter()
        futures = client.map(_extract_shard_compact, _shards(arts, shard), pure=False)
        wait(futures)
        return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=4000)
    ap.add_argument("--shard", type=int, default=100)
    args = ap.parse_args()
    arts = articles(args.articles)
    words = sum(len(a.body.split()) for a in arts)
    rate = {}
    for n in (1, 2):
        dt = run(n, arts, args.shard)
        rate[n] = words / dt
        print(f"{n} worker(s): {len(arts):,} articles, {words:,} words in {dt:.1f} s: {rate[n]:,.0f} words/s")
    print(f"2 workers / 1 worker: {rate[2] / rate[1]:.2f}x")


if __name__ == "__main__":
    main()
