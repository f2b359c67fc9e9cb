"""A bounded load test of the web workspace on loopback (run by hand).

    .venv/bin/python benchmarks/web_load.py [--requests 200] [--concurrency 200]

Starts `geobrief serve` on a free loopback port over a store holding the corpus
and the examples, sends the requests to the developments page all at once
(at most --concurrency in flight), then stops the server. Prints errors and
latency percentiles. Sends nothing anywhere but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(url: str, n: int, concurrency: int) -> tuple[list[float], list[str]]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    sem = asyncio.Semaphore(concurrency)
    times: list[float] = []
    errors: list[str] = []
    async with httpx.AsyncClient(limits=limits, timeout=120) as client:

        async def one() -> None:
            async with sem:
                t0 = time.perf_counter()
                try:
                    r = await client.get(url)
                    if r.status_code != 200:
                        errors.append(f"HTTP {r.status_code}")
                except httpx.HTTPError as exc:
                    errors.append(exc.__class__.__name__)
                times.append(time.perf_counter() - t0)

        await asyncio.gather(*(one() for _ in range(n)))
    return times, errors


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = f"{tmp}/store.db"
        files = [str(p) for p in sorted((ROOT.parent / "shared" / "corpus").glob("*.txt"))]
        files += [str(p) for p in sorted((ROOT / "examples").glob("*.txt"))]
        exe = [sys.executable, "-m", "geobrief"]
        subprocess.run([*exe, "ingest", *files, "--db", db], check=True, capture_output=True)
        port = _port()
        server = subprocess.Popen([*exe, "serve", "--port", str(port), "--db", db], env=os.environ.copy())
        try:
            url = f"http://127.0.0.1:{port}/?since=30d"
            for _ in range(100):
                try:
                    if httpx.get(url, timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            times, errors = asyncio.run(_load(url, args.requests, args.concurrency))
        finally:
            server.terminate()
            server.wait(10)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{len(times)} requests, {args.concurrency} concurrent: {len(errors)} errors; "
        f"median {statistics.median(times):.2f} s, p95 {p95:.2f} s, max {times[-1]:.2f} s"
    )


if __name__ == "__main__":
    main()
