"""Mentions grouped into figures: all quotes of one amount, and an amount with its stated conversion."""

from __future__ import annotations

import math
from typing import Any

from .lexicon import QUALIFIER_STRENGTH
from .mention import STATEMENT, Mention


def _same_amount(a: Mention, b: Mention) -> bool:
    """Equal within 0.5%, or one is the other rounded for a headline (3.5兆 for 3.52兆)."""
    return a.currency == b.currency and rounded_from(a.value, b.value)


def rounded_from(a: float, b: float) -> bool:
    if math.isclose(a, b, rel_tol=0.005):
        return True
    lo, hi = sorted((a, b))
    digits = len(f"{lo:.15g}".rstrip("0").replace(".", "").lstrip("0"))
    return digits >= 2 and math.isclose(float(f"{hi:.{digits}g}"), lo, rel_tol=1e-9)


def consolidate(mentions: list[Mention], body_start: int = 0) -> None:
    """All quotes of one amount share its fields (strongest qualifier); an amount and its stated conversion
    describe one spending, so they also share year, metric, company and source. Each amount's primary mention
    is its first in the body (from `body_start`), else its first."""
    for i, m in enumerate(mentions):
        if m.partner is not None and m.partner < i and m.qualifier == "exact" and \
                mentions[m.partner].qualifier == "approx":
            m.qualifier = "approx"  # the conversion of an approximate figure is approximate (a bound is not)
    groups: list[list[Mention]] = []
    buckets: dict[tuple[str | None, int], list[int]] = {}
    for m in mentions:  # candidates share the currency and lie within a few percent: neighbouring log buckets
        bucket = int(math.log10(m.value) * 40) if m.value > 0 else 0
        currency = m.currency
        near = [*buckets.get((currency, bucket - 1), ()), *buckets.get((currency, bucket), ()),
                *buckets.get((currency, bucket + 1), ())]
        near.sort()
        found = next((i for i in near if _same_amount(groups[i][0], m)), None)
        if found is None:
            buckets.setdefault((currency, bucket), []).append(len(groups))
            groups.append([m])
        else:
            groups[found].append(m)
    for gid, group in enumerate(groups):
        if len(group) == 1:  # most amounts are quoted once: their fields already are the group's
            group[0].primary, group[0].amount_id = True, gid
            continue
        next((m for m in group if m.start >= body_start), group[0]).primary = True
        qualifier = max((m.qualifier for m in group), key=lambda q: QUALIFIER_STRENGTH[q])
        usd_stated = next((m.usd_stated for m in group if m.usd_stated is not None), None)
        for m in group:
            m.amount_id, m.qualifier, m.usd_stated = gid, qualifier, usd_stated
    # amounts joined through stated conversions; without any, each amount is its own
    clusters = _clusters(mentions, len(groups)) if any(m.partner is not None for m in mentions) else groups
    for cluster in clusters:
        if len(cluster) == 1:  # most figures are quoted once: each field already is its own mode
            continue
        # a figure any quote ties to capex is a capex figure; else the most common named metric
        # (a specific keyword beside one quote outweighs a generic investment word beside another)
        metrics = [m.metric for m in cluster if m.metric != "other" and not m.weak_metric] or \
            [m.metric for m in cluster if m.metric != "other"]
        metric = "capex" if "capex" in metrics else _mode(metrics) or "other"
        year, company = _mode(m.year for m in cluster), _mode(m.company for m in cluster)
        # the party the body first attributes the figure to (a later quote may pass on another's word); an
        # outlet that reported it is more specific than "company statement"
        source = next((m.source for m in cluster if m.start >= body_start and m.source not in (None, STATEMENT)),
                      None) or _mode(m.source for m in cluster)
        for m in cluster:
            m.year, m.metric, m.company, m.source = year, metric, company, source


def _clusters(mentions: list[Mention], n_groups: int) -> list[list[Mention]]:
    """Amount groups joined through stated-conversion links (union-find over amount ids)."""
    parent = list(range(n_groups))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for m in mentions:
        if m.partner is not None:
            parent[root(m.amount_id)] = root(mentions[m.partner].amount_id)
    clusters: dict[int, list[Mention]] = {}
    for m in mentions:
        clusters.setdefault(root(m.amount_id), []).append(m)
    return list(clusters.values())


def _mode(values: Any) -> Any:
    """The most common value that is not None (the first seen on a tie), or None; a Counter costs more on
    the handful of values a figure has."""
    counts: dict[Any, int] = {}
    for v in values:
        if v is not None:
            counts[v] = counts.get(v, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None
