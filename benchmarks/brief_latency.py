"""Wall time of a one-article Markdown brief in a new process (run by hand).

    .venv/bin/python benchmarks/brief_latency.py [ARTICLE] [--runs N]

Each run starts `python -m geobrief brief ARTICLE --country SGP` in a fresh
process with a fresh store, so imports, knowledge-base loading and store
creation are all counted. Prints min, median and max seconds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("article", nargs="?", default=str(ROOT / "examples" / "dprk-russia-kursk-2025.txt"))
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "geobrief", "brief", args.article, "--country", "SGP",
                   "--db", f"{tmp}/store.db", "-o", f"{tmp}/brief.md"]  # fmt: skip
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    print(f"{args.runs} runs: min {min(times):.2f} s, median {statistics.median(times):.2f} s, max {max(times):.2f} s")


if __name__ == "__main__":
    main()
