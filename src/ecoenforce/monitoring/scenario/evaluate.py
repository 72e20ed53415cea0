"""Precision and recall of rule events against a scenario's ground truth (match = rule, device, factor, overlap)."""

from __future__ import annotations

from collections import defaultdict


def _overlaps(event, truth: dict) -> bool:
    """Same rule, device and factor, and the time ranges intersect (an event touching the truth counts)."""
    m_start = int(event.start.timestamp()) // 60
    m_end = int(event.end.timestamp()) // 60
    t_start, t_end = truth.get("m_start", truth["h_start"] * 60), truth.get("m_end", truth["h_end"] * 60)
    return (event.rule == truth["rule"] and event.mn == truth["mn"] and event.pollutant == truth["pollutant"]
            and m_start <= t_end and t_start <= m_end)  # fmt: skip


def evaluate(events, truth: list[dict], rules) -> dict[str, dict]:
    """Per rule and overall: events, truths, true positives, precision, recall (1.0 when nothing to find)."""
    by_key = defaultdict(list)
    for t in truth:
        by_key[(t["rule"], t["mn"])].append(t)
    out: dict[str, dict] = {}
    tp_e = defaultdict(int)
    found = set()
    for e in events:
        matches = [i for i, t in enumerate(by_key[(e.rule, e.mn)]) if _overlaps(e, t)]
        if matches:
            tp_e[e.rule] += 1
            found.update((e.rule, e.mn, i) for i in matches)
    n_events = defaultdict(int)
    for e in events:
        n_events[e.rule] += 1
    n_truth = defaultdict(int)
    for t in truth:
        n_truth[t["rule"]] += 1
    n_found = defaultdict(int)
    for rule, _mn, _i in found:
        n_found[rule] += 1
    for rule in [*rules, "overall"]:
        if rule == "overall":
            ev, tr, tp, fd = sum(n_events.values()), len(truth), sum(tp_e.values()), len(found)
        else:
            ev, tr, tp, fd = n_events[rule], n_truth[rule], tp_e[rule], n_found[rule]
        out[rule] = {"events": ev, "truths": tr, "true_events": tp, "found": fd,
                     "precision": tp / ev if ev else 1.0, "recall": fd / tr if tr else 1.0}  # fmt: skip
    return out
