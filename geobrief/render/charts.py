"""Charts of a brief: a timeline of the key developments, the network of the actors, and a heat map of
impact by channel and horizon. SVG for HTML and PDF, PNG for DOCX; drawn with matplotlib (Agg), text as
paths so the SVG carries no fonts or markup from the sources.
"""

from __future__ import annotations

import datetime
import io
import math
import warnings
from dataclasses import dataclass

from geobrief.kb.loader import KnowledgeBase
from geobrief.model import Brief, Event

__all__ = ["Chart", "charts", "heat_values", "network_chart"]

COOPERATIVE = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"}
_BLUE, _RED, _GREY = "#2b6cb0", "#c53030", "#718096"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: str
    png: bytes


def _plt():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "path", "font.size": 9, "svg.hashsalt": "geobrief"})
    return plt


def _render(fig) -> tuple[str, bytes]:  # type: ignore[no-untyped-def]
    plt = _plt()
    svg, png = io.StringIO(), io.BytesIO()
    fig.savefig(svg, format="svg", bbox_inches="tight", metadata={"Date": None})
    fig.savefig(png, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    text = svg.getvalue()
    return text[text.index("<svg") :], png.getvalue()


def _date_value(d: str) -> datetime.date:
    parts = [int(x) for x in d.split("-")]
    y, m, day = parts[0], parts[1] if len(parts) > 1 else 6, parts[2] if len(parts) > 2 else 15
    return datetime.date(y, m, day)


def _timeline(kb: KnowledgeBase, events: list[Event]) -> Chart | None:
    dated = [e for e in events if e.date and (e.actors or e.recipients)]
    if len(dated) < 2:
        return None
    plt = _plt()
    rows = sorted({kb.name(e.actors[0] if e.actors else e.recipients[0]) for e in dated})[:8]
    fig, ax = plt.subplots(figsize=(7.2, 0.45 * len(rows) + 1.2))
    for e in dated:
        who = kb.name(e.actors[0] if e.actors else e.recipients[0])
        if who not in rows:
            continue
        ax.scatter(_date_value(e.date or ""), rows.index(who), s=40,
                   color=_BLUE if e.type in COOPERATIVE else _RED, zorder=3)  # fmt: skip
    ax.set_yticks(range(len(rows)), rows)
    import matplotlib.dates as mdates

    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=6))
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.grid(axis="x", color="#e2e8f0")
    ax.set_xlabel("date of the event (blue: cooperation, red: conflict)")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    with warnings.catch_warnings():  # events a few days apart leave the date locator little to do
        warnings.simplefilter("ignore", UserWarning)
        svg, png = _render(fig)
    return Chart("timeline", "Timeline of the key developments", svg, png)


def _network(kb: KnowledgeBase, events: list[Event]) -> Chart | None:
    edges: dict[tuple[str, str], list[int]] = {}
    for e in events:
        for a in e.actors:
            for r in e.recipients:
                if a != r:
                    key = (a, r)
                    coop, conf = edges.get(key, [0, 0])
                    edges[key] = [coop + (e.type in COOPERATIVE), conf + (e.type not in COOPERATIVE)]
    nodes = sorted({n for pair in edges for n in pair})
    if len(nodes) < 2:
        return None
    nodes = nodes[:12]
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 5.0))
    pos = {
        n: (math.cos(2 * math.pi * k / len(nodes)), math.sin(2 * math.pi * k / len(nodes))) for k, n in enumerate(nodes)
    }
    for (a, r), (coop, conf) in sorted(edges.items()):
        if a not in pos or r not in pos:
            continue
        (x0, y0), (x1, y1) = pos[a], pos[r]
        ax.annotate("", xy=(x1 * 0.9, y1 * 0.9), xytext=(x0 * 0.9, y0 * 0.9),
                    arrowprops={"arrowstyle": "->", "color": _BLUE if coop >= conf else _RED,
                                "lw": 0.8 + 0.6 * min(4, coop + conf), "alpha": 0.8})  # fmt: skip
    for n, (x, y) in pos.items():
        ax.scatter(x, y, s=380, color="#edf2f7", edgecolors=_GREY, zorder=3)
        ax.text(x, y - 0.17, kb.name(n), ha="center", va="top", fontsize=8)
    ax.set_xlim(-1.4, 1.4)
    ax.set_ylim(-1.45, 1.3)
    ax.axis("off")
    ax.set_title("arrows: who acts on whom (blue: cooperation, red: conflict)", fontsize=8)
    svg, png = _render(fig)
    return Chart("network", "Network of the actors", svg, png)


def network_chart(kb: KnowledgeBase, events: list[Event]) -> Chart | None:
    """The network of the actors of ``events`` (who acts on whom)."""
    return _network(kb, events)


def heat_values(brief: Brief) -> tuple[list[str], list[str], list[list[float]]]:
    """Impact by channel (rows) and horizon (columns): the channel's score times the likelihood of the
    most likely outlook development at that horizon that rests on the same events."""
    horizons = ["short", "medium", "long"]
    by_span = {(e.evidence.source, e.evidence.start): e.id for e in brief.events}
    rows, values = [], []
    for imp in brief.impacts[:10]:
        row = []
        for h in horizons:
            _period, devs = brief.outlook.get(h, ("", ()))
            best = 0.0
            for d in devs:
                ids = {by_span.get((c.source or "", c.start or 0)) for c in d.citations if c.source}
                if ids & set(imp.events):
                    best = max(best, d.likelihood)
            row.append(round(imp.score * best, 2))
        rows.append(imp.channel)
        values.append(row)
    return rows, horizons, values


def _heatmap(kb: KnowledgeBase, brief: Brief) -> Chart | None:
    rows, cols, values = heat_values(brief)
    if not rows or not any(v for row in values for v in row):
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.8, 0.35 * len(rows) + 1.2))
    im = ax.imshow(values, cmap="Reds", vmin=0, vmax=1, aspect="auto")
    labels = {h: f"{h}\n{brief.outlook[h][0]}" if h in brief.outlook else h for h in cols}
    ax.set_xticks(range(len(cols)), [labels[c] for c in cols])
    ax.set_yticks(range(len(rows)), [kb.channels[r].title if r in kb.channels else r for r in rows])
    for y, row in enumerate(values):
        for x, v in enumerate(row):
            ax.text(x, y, f"{v:.2f}", ha="center", va="center", fontsize=7, color="white" if v > 0.5 else "black")
    fig.colorbar(im, ax=ax, fraction=0.04)
    svg, png = _render(fig)
    return Chart("heatmap", "Impact by channel and horizon", svg, png)


def charts(brief: Brief, kb: KnowledgeBase) -> list[Chart]:
    """The charts that the brief has data for."""
    events = list(brief.events)
    found = [_timeline(kb, events), _network(kb, events), _heatmap(kb, brief)]
    return [c for c in found if c is not None]
