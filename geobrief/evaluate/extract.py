"""Score extraction against the gold set.

Matching: a predicted event and a gold event match when the gold trigger lies in
the predicted event's evidence sentence and their types are equal; within a
sentence, pairs are made one to one, nearest trigger first. From the matched
pairs come actor and recipient F1 (over codes), the swap rate (actors and
recipients exchanged), and quantity and date accuracy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from geobrief.evaluate.gold import GoldDoc, GoldEvent
from geobrief.extract import extract
from geobrief.kb.loader import KnowledgeBase
from geobrief.kb.schema import TYPES
from geobrief.model import Event

__all__ = ["Counts", "Report", "evaluate"]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Extraction quality on a set of gold documents."""

    documents: int = 0
    gold_events: int = 0
    by_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    actors: Counts = field(default_factory=Counts)
    recipients: Counts = field(default_factory=Counts)
    pairs: int = 0
    swaps: int = 0
    quantities_gold: int = 0
    quantities_right: int = 0
    dates_gold: int = 0
    dates_right: int = 0
    status_right: int = 0
    errors: list[str] = field(default_factory=list)  # one line per miss, for error analysis

    @property
    def events(self) -> Counts:
        c = Counts()
        for t in self.by_type.values():
            c.tp, c.fp, c.fn = c.tp + t.tp, c.fp + t.fp, c.fn + t.fn
        return c

    @property
    def macro_f1(self) -> float:
        present = [c for t, c in self.by_type.items() if c.tp + c.fn > 0]
        return sum(c.f1 for c in present) / len(present) if present else 0.0

    @property
    def actor_recipient_f1(self) -> float:
        c = Counts(self.actors.tp + self.recipients.tp, self.actors.fp + self.recipients.fp,
                   self.actors.fn + self.recipients.fn)  # fmt: skip
        return c.f1

    @property
    def swap_rate(self) -> float:
        return self.swaps / self.pairs if self.pairs else 0.0

    @property
    def quantity_accuracy(self) -> float:
        return self.quantities_right / self.quantities_gold if self.quantities_gold else 1.0

    @property
    def date_accuracy(self) -> float:
        return self.dates_right / self.dates_gold if self.dates_gold else 1.0

    @property
    def status_accuracy(self) -> float:
        return self.status_right / self.pairs if self.pairs else 0.0

    def summary(self) -> dict[str, float]:
        ev = self.events
        return {
            "event_precision": round(ev.precision, 4),
            "event_recall": round(ev.recall, 4),
            "event_f1": round(ev.f1, 4),
            "type_macro_f1": round(self.macro_f1, 4),
            "actor_f1": round(self.actors.f1, 4),
            "recipient_f1": round(self.recipients.f1, 4),
            "actor_recipient_f1": round(self.actor_recipient_f1, 4),
            "swap_rate": round(self.swap_rate, 4),
            "quantity_accuracy": round(self.quantity_accuracy, 4),
            "date_accuracy": round(self.date_accuracy, 4),
            "status_accuracy": round(self.status_accuracy, 4),
        }


def _set_counts(c: Counts, pred: set[str], gold: set[str]) -> None:
    c.tp += len(pred & gold)
    c.fp += len(pred - gold)
    c.fn += len(gold - pred)


def _pairs(pred: list[Event], gold: list[GoldEvent], trigger_at: dict[str, int]) -> list[tuple[Event, GoldEvent]]:
    """One-to-one pairs of the same type whose gold trigger lies in the predicted sentence."""
    candidates = []
    for p in pred:
        for g in gold:
            if p.type == g.type and p.evidence.start <= g.at < p.evidence.end:
                candidates.append((abs(trigger_at[p.id] - g.at), p.id, g.at, p, g))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    used_p: set[str] = set()
    used_g: set[int] = set()
    out = []
    for _d, _pid, _gat, p, g in candidates:
        if p.id in used_p or id(g) in used_g:
            continue
        used_p.add(p.id)
        used_g.add(id(g))
        out.append((p, g))
    return out


def evaluate(docs: list[GoldDoc], kb: KnowledgeBase) -> Report:
    """Extract each gold document's article and score it against the annotations."""
    rep = Report()
    for t in TYPES:
        rep.by_type[t]
    for doc in docs:
        rep.documents += 1
        rep.gold_events += len(doc.events)
        ex = extract(doc.article, kb)
        pred = list(ex.events)
        trigger_at = {e.id: e.trigger_start if e.trigger_start is not None else e.evidence.start for e in pred}
        pairs = _pairs(pred, list(doc.events), trigger_at)
        matched_p = {p.id for p, _ in pairs}
        matched_g = {id(g) for _, g in pairs}
        body, name = doc.article.body, doc.path.name
        for p in pred:
            if p.id not in matched_p:
                rep.by_type[p.type].fp += 1
                rep.errors.append(
                    f"FP {name}@{trigger_at[p.id]} {p.type} [{p.trigger}] {','.join(p.actors)}->{','.join(p.recipients)}"
                    f" | {_context(body, trigger_at[p.id])}"
                )
        for g in doc.events:
            if id(g) not in matched_g:
                rep.by_type[g.type].fn += 1
                rep.errors.append(
                    f"FN {name}@{g.at} {g.type} [{g.trigger}] {','.join(g.actors)}->{','.join(g.recipients)}"
                    f" | {_context(body, g.at)}"
                )
        for p, g in pairs:
            rep.by_type[g.type].tp += 1
            rep.pairs += 1
            _set_counts(rep.actors, set(p.actors), set(g.actors))
            _set_counts(rep.recipients, set(p.recipients), set(g.recipients))
            if set(p.actors) != set(g.actors) or set(p.recipients) != set(g.recipients):
                rep.errors.append(
                    f"ROLE {name}@{g.at} {g.type} [{g.trigger}] gold {','.join(g.actors)}->{','.join(g.recipients)}"
                    f" got {','.join(p.actors)}->{','.join(p.recipients)} | {_context(body, g.at)}"
                )
            swapped = set(p.actors) == set(g.recipients) and set(p.recipients) == set(g.actors)
            if swapped and set(g.actors) != set(g.recipients):
                rep.swaps += 1
            rep.status_right += p.status == g.status
            if g.date:
                rep.dates_gold += 1
                rep.dates_right += p.date == g.date
            for q in g.quantities:
                rep.quantities_gold += 1
                rep.quantities_right += any(
                    x.kind == q.kind and abs(x.value - q.value) < 1e-6 and x.qualifier == q.qualifier
                    for x in p.quantities
                )
    return rep


def _context(body: str, at: int, width: int = 70) -> str:
    """The text around an offset, on one line, for error listings."""
    return " ".join(body[max(0, at - width) : at + width].split())
