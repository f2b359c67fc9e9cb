"""The ``geobrief`` command: parse options, call the library, turn errors into one line.

Each command is thin; the work is in ``geobrief.pipeline`` and ``geobrief.kb``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from geobrief import __version__
from geobrief.errors import GeobriefError, InputError

__all__ = ["cli", "main"]

_DB_HELP = "Article store: a SQLite path or a SQLAlchemy URL (default: $GEOBRIEF_DB, else the user data directory)."


def _write_atomic(path: str, text: str | bytes) -> None:
    """Write ``text`` to ``path`` all at once: a failed run leaves no half-written file."""
    target = Path(path)
    if target.is_dir():
        raise InputError(path, "is a directory", "give a file name for -o, e.g. brief.md or brief.json")
    if not target.parent.exists():
        raise InputError(path, f"the folder {str(target.parent)!r} does not exist", "create it or give another -o path")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # a normal file, not mkstemp's private one
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geobrief")
def cli() -> None:
    """Sourced strategic-impact briefs from geopolitical news, offline.

    \b
    Examples:
      geobrief brief article.txt --country SGP
      geobrief brief article.txt --country SGP --format json -o brief.json
      cat article.txt | geobrief brief - --country SGP
      geobrief kb countries
    """


@cli.command()
@click.argument("files", nargs=-1, metavar="[FILE...]")
@click.option(
    "--country", "-c", default="SGP", show_default=True, help="Target country (ISO 3166-1 alpha-3 with a profile)."
)
@click.option(
    "--actors", default=None, help="Brief on stored articles about these actors instead of files, e.g. PRK,RUS."
)
@click.option("--since", default=None, help="With --actors: only articles published on or after this date.")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["markdown", "json", "html", "pdf", "docx"]),
    default=None,
    help="Output format (default: from the -o extension, else markdown).",
)
@click.option("--output", "-o", default=None, help="Write to this file instead of standard output.")
@click.option("--db", default=None, help=_DB_HELP)
@click.option("--no-store", is_flag=True, help="Do not keep the articles in the store.")
@click.option("--allow-private", is_flag=True, help="Allow fetching URLs on private, loopback or link-local addresses.")
@click.option(
    "--writer",
    type=click.Choice(["deterministic", "llm"]),
    default="deterministic",
    show_default=True,
    help="llm: rewrite the prose with an OpenAI-compatible model (GEOBRIEF_LLM_BASE_URL, GEOBRIEF_LLM_MODEL, "
    "GEOBRIEF_LLM_API_KEY); a verifier keeps only sentences its sources support.",
)
def brief(
    files: tuple[str, ...],
    country: str,
    actors: str | None,
    since: str | None,
    fmt: str | None,
    output: str | None,
    db: str | None,
    no_store: bool,
    allow_private: bool,
    writer: str,
) -> None:
    """Write a brief on one or more articles for a target country.

    FILE is an article in the text format (TITLE/SOURCE/URL/DATE header lines,
    a blank line, the body), plain text, an .html page, an http(s) URL, or -
    for standard input.

    \b
    Examples:
      geobrief brief examples/red-sea-houthi-shipping-2024.txt --country SGP
      geobrief brief a.txt b.txt -o brief.json
      geobrief brief --actors PRK,RUS --since 2025-01-01 --country SGP
    """
    from geobrief.kb.loader import load
    from geobrief.pipeline import brief_from_paths
    from geobrief.render import BINARY, format_for, render

    chosen = format_for(output, fmt)
    if chosen in BINARY and (not output or output == "-"):
        raise click.UsageError(f"{chosen.upper()} is a binary format: give a file with -o, e.g. -o brief.{chosen}")
    if actors and files:
        raise click.UsageError("give FILE... or --actors, not both")
    if actors:
        from geobrief.pipeline import brief_from_store

        result = brief_from_store(
            [a.strip() for a in actors.split(",") if a.strip()], country.upper(), since=since, db=db
        )
    elif files:
        result = brief_from_paths(list(files), country.upper(), db=db, save=not no_store, allow_private=allow_private)
    else:
        raise click.UsageError("give one or more article files (or - for standard input), or --actors CODES")
    if writer == "llm":
        from geobrief.write.llm import LLMConfig, rewrite

        config = LLMConfig.from_env()  # a missing setting fails here, before any request
        result, warnings = rewrite(result, load(), config)
        for line in warnings[:3]:
            click.echo(f"geobrief: warning: {line}", err=True)
        if len(warnings) > 3:
            click.echo(f"geobrief: warning: ... and {len(warnings) - 3} more paragraphs kept as written", err=True)
    text = render(result, chosen, load())
    if output and output != "-":
        _write_atomic(output, text)
        click.echo(f"wrote {output} ({chosen}, {len(result.events)} events, {len(result.impacts)} impacts)", err=True)
    else:
        click.echo(text, nl=False)  # type: ignore[arg-type]


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--db", default=None, help=_DB_HELP)
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where extraction runs: this process, or a Dask cluster.")  # fmt: skip
@click.option(
    "--scheduler", default=None, help="With --engine dask: a running scheduler's address (default: a local cluster)."
)
@click.option(
    "--workers", default=2, show_default=True, help="With --engine dask and no scheduler: local worker processes."
)
def ingest(files: tuple[str, ...], db: str | None, engine: str, scheduler: str | None, workers: int) -> None:
    """Extract events from articles and keep them in the store.

    \b
    Examples:
      geobrief ingest examples/*.txt
      geobrief ingest corpus/*.txt --engine dask --workers 2
      geobrief ingest corpus/*.txt --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from rich.progress import Progress

    from geobrief.pipeline import ingest_paths

    with Progress(transient=True, disable=not sys.stderr.isatty() or len(files) < 2) as bar:
        task = bar.add_task("ingesting", total=len(files))
        new, old = ingest_paths(
            list(files),
            db=db,
            progress=lambda _p: bar.advance(task),
            engine=engine,
            scheduler=scheduler,
            workers=workers,
        )
    click.echo(f"stored {new} new article(s); {old} already stored")


@cli.command()
@click.option("--country", "-c", default=None, help="Only predictions made for this target.")
@click.option("--db", default=None, help=_DB_HELP)
def predictions(country: str | None, db: str | None) -> None:
    """List stored predictions and mark those whose signposts later events matched.

    Every brief stores its outlook developments as dated predictions; an event
    stored later that fits the development's rule and involves its actors
    counts as a matched signpost.

    \b
    Example:
      geobrief predictions --country SGP
    """
    from geobrief.pipeline import prediction_status

    rows = prediction_status(country=country.upper() if country else None, db=db)
    if not rows:
        click.echo("no stored predictions: write a brief first (geobrief brief FILE)")
        return
    for r in rows:
        p = {k: str(v) for k, v in r.prediction.items()}
        mark = f"MATCHED by {len(r.matched)} later event(s)" if r.matched else "open"
        click.echo(f"[{mark}] {p['created_at'][:10]} {p['country']} {p['horizon']} ({p['period']}), "
                   f"likelihood {float(p['likelihood']):.0%}: {p['text']}")  # fmt: skip
        for e in r.matched[:3]:
            click.echo(
                f"    {e.date or 'undated'} {e.type} {','.join(e.actors)}->{','.join(e.recipients)}: {e.evidence.text[:120]}"
            )


@cli.command()
@click.option("--country", "-c", default="SGP", show_default=True, help="Target country.")
@click.option("--since", default="24h", show_default=True, help="Window: 90m, 24h, 7d, 2w, or a date.")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["markdown", "html"]),
    default=None,
    help="Default: from -o, else markdown.",
)
@click.option("--output", "-o", default=None, help="Write to this file instead of standard output.")
@click.option("--db", default=None, help=_DB_HELP)
def digest(country: str, since: str, fmt: str | None, output: str | None, db: str | None) -> None:
    """What reached the store recently, ranked by impact on the target; matched signposts; what changed.

    \b
    Examples:
      geobrief digest --country SGP --since 24h
      geobrief digest --country JPN --since 7d -o digest.html
    """
    from geobrief.digest import build_digest, render_digest_html, render_digest_markdown
    from geobrief.kb.loader import load

    kb = load()
    d = build_digest(country.upper(), since, db=db, kb=kb)
    chosen = fmt or ("html" if output and output.lower().endswith((".html", ".htm")) else "markdown")
    text = render_digest_html(d, kb) if chosen == "html" else render_digest_markdown(d, kb)
    if output and output != "-":
        _write_atomic(output, text)
        click.echo(f"wrote {output} ({len(d.items)} developments)", err=True)
    else:
        click.echo(text, nl=False)


@cli.group()
def feeds() -> None:
    """Subscribe to RSS and Atom feeds for `geobrief watch`."""


@feeds.command("add")
@click.argument("url")
@click.option("--db", default=None, help=_DB_HELP)
def feeds_add(url: str, db: str | None) -> None:
    """Subscribe to the feed at URL.

    \b
    Example:
      geobrief feeds add https://www.example.org/news/rss.xml
    """
    from geobrief.store import feeds as feeds_db
    from geobrief.store import open_store

    added = feeds_db.add_feed(open_store(db), url)
    click.echo(f"{'subscribed to' if added else 'already subscribed to'} {url}")


@feeds.command("list")
@click.option("--db", default=None, help=_DB_HELP)
def feeds_list(db: str | None) -> None:
    """List the subscribed feeds, when each was last checked, and its last error."""
    from geobrief.store import feeds as feeds_db
    from geobrief.store import open_store

    rows = feeds_db.list_feeds(open_store(db))
    if not rows:
        click.echo("no feeds: subscribe with `geobrief feeds add URL`")
    for f in rows:
        state = f"error: {f.last_error}" if f.last_error else f"checked {f.last_checked or 'never'}"
        click.echo(f"{f.url}  {f.title or ''}  ({state})")


@cli.command()
@click.option("--every", default="15m", show_default=True, help="Time between cycles: 30s, 15m, 1h.")
@click.option("--once", is_flag=True, help="Run one cycle and stop.")
@click.option("--db", default=None, help=_DB_HELP)
@click.option(
    "--allow-private", is_flag=True, help="Allow fetching pages on private, loopback or link-local addresses."
)
def watch(every: str, once: bool, db: str | None, allow_private: bool) -> None:
    """Poll the subscribed feeds, fetch and store new articles, every interval until stopped (Ctrl-C).

    A failing feed is reported and the others go on; an interrupted run loses
    nothing (items not yet stored are taken up by the next cycle).

    \b
    Examples:
      geobrief feeds add https://www.example.org/news/rss.xml
      geobrief watch --every 15m
      geobrief watch --once && geobrief digest --since 24h
    """
    from geobrief.ingest.fetch import fetch_article
    from geobrief.watch import parse_every
    from geobrief.watch import watch as run_watch

    seconds = parse_every(every)

    def fetch(url: str):  # type: ignore[no-untyped-def]
        return fetch_article(url, allow_private=allow_private)

    cycles = run_watch(
        seconds, db, fetch=fetch, log=lambda line: click.echo(line, err=True), cycles=1 if once else None
    )
    click.echo(f"watch stopped after {cycles} cycle(s)", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--db", default=None, help=_DB_HELP)
@click.option(
    "--token", default=None, envvar="GEOBRIEF_TOKEN", help="Require this token (team server); or set GEOBRIEF_TOKEN."
)
@click.option("--max-upload", default=2_000_000, show_default=True, help="Largest article upload, in bytes.")
def serve(host: str, port: int, db: str | None, token: str | None, max_upload: int) -> None:
    """The web workspace: developments, articles, actors, the brief builder and the knowledge base.

    \b
    Examples:
      geobrief serve                      # http://127.0.0.1:8000
      GEOBRIEF_TOKEN=s3cret geobrief serve --host 0.0.0.0
    """
    import socket

    import uvicorn

    from geobrief.web import create_app

    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        click.echo(
            "geobrief: warning: serving beyond loopback without --token: anyone who can reach it can use it", err=True
        )
    try:  # a clear line instead of the server's own error when the address is taken or not ours
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise click.UsageError(
            f"cannot listen on {host}:{port} ({(exc.strerror or str(exc)).split(' (')[0].lower()}): choose another --port, e.g. --port {port + 1}"
        ) from None
    click.echo(f"geobrief: serving on http://{host}:{port}  (Ctrl-C stops)", err=True)
    uvicorn.run(create_app(db, token=token, max_upload=max_upload), host=host, port=port, log_level="warning")


@cli.group("eval")
def eval_() -> None:
    """Measure quality against the gold set."""


@eval_.command("extract")
@click.argument("path", default="tests/data/gold")
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="all", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--errors", is_flag=True, help="Also list every missed, spurious and mis-assigned event.")
def eval_extract(path: str, split: str, as_json: bool, errors: bool) -> None:
    """Score event extraction against gold annotations in PATH (a file or folder).

    Prints per-type precision, recall and F1, actor and recipient F1, the
    actor/recipient swap rate, and quantity and date accuracy.

    \b
    Example:
      geobrief eval extract tests/data/gold --split test
    """
    import json

    from geobrief.evaluate import evaluate, load_gold
    from geobrief.kb.loader import load

    docs = load_gold(path, None if split == "all" else split)
    if not docs:
        raise InputError(path, f"holds no gold documents of split {split!r}", "choose --split dev, test or all")
    rep = evaluate(docs, load())
    if as_json:
        out = rep.summary() | {
            "documents": rep.documents,
            "gold_events": rep.gold_events,
            "by_type": {t: {"precision": round(c.precision, 4), "recall": round(c.recall, 4), "f1": round(c.f1, 4),
                            "gold": c.tp + c.fn, "predicted": c.tp + c.fp} for t, c in rep.by_type.items()},
        }  # fmt: skip
        click.echo(json.dumps(out, indent=2))
        return
    click.echo(f"{rep.documents} documents, {rep.gold_events} gold events, split {split}")
    click.echo(f"{'type':10} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for t, c in rep.by_type.items():
        if c.tp + c.fn + c.fp:
            click.echo(f"{t:10} {c.tp + c.fn:5d} {c.tp + c.fp:5d} {c.precision:6.2f} {c.recall:6.2f} {c.f1:6.2f}")
    for key, value in rep.summary().items():
        click.echo(f"{key:22} {value:.3f}")
    if errors:
        click.echo("")
        for line in sorted(rep.errors):
            click.echo(line)


@cli.group()
def kb() -> None:
    """Inspect and check the knowledge base."""


def _register_kb_commands() -> None:
    from geobrief.kb.refresh import refresh_command

    kb.add_command(refresh_command)


_register_kb_commands()


@kb.command("check")
def kb_check() -> None:
    """Validate the knowledge base: schema, ids, references, sources."""
    from geobrief.kb.loader import check

    base, problems = check()
    counts = ", ".join(
        f"{len(getattr(base, k))} {k.replace('_', ' ')}"
        for k in (
            "actors",
            "sources",
            "profiles",
            "impact_rules",
            "outlook_rules",
            "plays",
            "interests",
            "relationships",
        )
    )
    if problems:
        for p in problems:
            click.echo(p, err=True)
        raise click.exceptions.Exit(1)
    click.echo(f"knowledge base {base.version} is valid: {counts}")


@kb.command("countries")
def kb_countries() -> None:
    """List the target countries that have a profile."""
    from geobrief.kb.loader import load

    base = load()
    for code, prof in sorted(base.profiles.items()):
        click.echo(f"{code}  {base.name(code)}  ({len(prof.exposures)} exposures, as of {prof.as_of})")


@kb.command("show")
@click.argument("code")
def kb_show(code: str) -> None:
    """Show an actor or a profile by its code (e.g. SGP, PRK, ASEAN)."""
    from geobrief.kb.loader import load

    base = load()
    key = code.upper()
    actor = base.actors.get(key) or base.actors.get(code)
    if actor is None:
        raise InputError(
            code, "no such actor in the knowledge base", "give an ISO3 code or an organisation id, e.g. SGP, PRK, ASEAN"
        )
    click.echo(f"{actor.id}  {actor.name}  ({actor.kind}, {actor.region or 'no region'})")
    for label, values in (
        ("aliases", actor.aliases),
        ("capitals", actor.capitals),
        ("demonyms", actor.demonyms),
        ("memberships", actor.memberships),
        ("attributes", actor.attributes),
    ):
        if values:
            click.echo(f"  {label}: {', '.join(values)}")
    for leader in actor.leaders:
        click.echo(f"  {leader.office}: {leader.name} ({leader.start} to {leader.end or 'now'})")
    prof = base.profiles.get(actor.id)
    if prof:
        click.echo(f"  profile: {prof.summary}")
        for w in sorted(prof.weights, key=lambda w: -w.weight):
            click.echo(f"    {w.channel:34} {w.weight:.2f}")
    click.echo(f"  sources: {', '.join(actor.sources)} (as of {actor.as_of})")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every failure ends in one line on standard error and a non-zero exit."""
    try:
        cli.main(args=argv, prog_name="geobrief", standalone_mode=False)
    except GeobriefError as exc:
        click.echo(f"geobrief: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        hint = f" — see `{ctx.command_path} --help`" if ctx is not None else " — see `geobrief --help`"
        click.echo(f"geobrief: error: {exc.format_message()}{hint}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("geobrief: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:
        if os.environ.get("GEOBRIEF_DEBUG"):
            raise
        click.echo(
            f"geobrief: internal error: {exc.__class__.__name__}: {exc} — set GEOBRIEF_DEBUG=1 for details and report it",
            err=True,
        )
        sys.exit(70)
