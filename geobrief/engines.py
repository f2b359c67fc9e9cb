"""Where extraction runs: in this process (``local``) or on a Dask cluster (``dask``).

Both give the same extractions in the same order; Dask splits the articles into
shards that workers extract in parallel (a local cluster of processes by
default, or a running cluster by scheduler address).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from geobrief.errors import GeobriefError
from geobrief.extract import Extraction, extract
from geobrief.kb.loader import load
from geobrief.model import Article, Sentence

__all__ = ["ENGINES", "EngineError", "extract_many"]

ENGINES = ("local", "dask")
Progress = Callable[[int], None]


class EngineError(GeobriefError):
    """The Dask engine cannot start or reach its scheduler."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            f"dask engine: {problem} — install it with `pip install 'geobrief[dask]'` or use --engine local"
        )


def _extract_shard(shard: list[Article]) -> list[Extraction]:
    kb = load()  # once per worker process: load() is cached
    return [extract(a, kb) for a in shard]


def _extract_shard_compact(shard: list[Article]) -> list[tuple[object, ...]]:
    """What a worker sends back: everything but the texts the client already holds (the article and its
    sentences are rebuilt from the body), so less is pickled across processes."""
    out: list[tuple[object, ...]] = []
    for ex in _extract_shard(shard):
        spans = tuple((s.index, s.start, s.end) for s in ex.sentences)
        out.append((spans, ex.mentions, ex.events, ex.contexts, ex.places, ex.gpr))
    return out


def _rebuild(article: Article, packed: tuple[object, ...]) -> Extraction:
    spans, mentions, events, contexts, places, gpr = packed
    sentences = tuple(
        Sentence(index=i, start=a, end=b, text=article.body[a:b])
        for i, a, b in spans  # type: ignore[attr-defined]
    )
    return Extraction(
        article=article, sentences=sentences, mentions=mentions, events=events,  # type: ignore[arg-type]
        contexts=contexts, places=places, gpr=gpr,  # type: ignore[arg-type]
    )  # fmt: skip


def _shards(articles: Sequence[Article], size: int) -> list[list[Article]]:
    return [list(articles[i : i + size]) for i in range(0, len(articles), size)]


def extract_many(
    articles: Sequence[Article],
    *,
    engine: Literal["local", "dask"] = "local",
    scheduler: str | None = None,
    workers: int = 2,
    shard_size: int = 200,
    progress: Progress | None = None,
) -> list[Extraction]:
    """Extractions of ``articles``, in their order."""
    if engine == "local" or not articles:
        kb = load()
        out = []
        for a in articles:
            out.append(extract(a, kb))
            if progress:
                progress(1)
        return out
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise EngineError("the distributed package is not installed") from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=10)
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
    except OSError as exc:
        raise EngineError(f"cannot reach the scheduler {scheduler!r} ({exc})") from None
    try:
        shards = _shards(articles, shard_size)
        futures = client.map(_extract_shard_compact, shards, pure=False)
        index = {f.key: k for k, f in enumerate(futures)}
        results: list[list[Extraction] | None] = [None] * len(shards)
        for fut in as_completed(futures):
            k = index[fut.key]
            results[k] = [_rebuild(a, packed) for a, packed in zip(shards[k], fut.result(), strict=True)]
            if progress:
                progress(len(shards[k]))
        return [ex for shard in results for ex in (shard or [])]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
