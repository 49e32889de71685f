"""One monetary mention and the labels its fields can take."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATEMENT = "company statement"  # the source when the spender itself announced the figure
PUBLIC = "<public actor>"  # a government or public body: the spender is then no company
PRONOUN = "<the company>"  # "the company": stands for the company named last


@dataclass(init=False)
class Mention:
    """One monetary mention: the exact quote, its offsets and the fields derived from its context."""

    doc: str
    quote: str
    start: int
    end: int
    value: float
    currency: str | None
    qualifier: str = "exact"
    year: int | None = None
    metric: str = "other"
    company: str | None = None
    source: str | None = None
    usd_stated: float | None = None
    lang: str = "en"
    amount_id: int = 0
    currency_basis: str | None = None
    note: str | None = None
    primary: bool = False  # the figure's main mention: its first in the body (not the front matter or title)
    scale: float = field(default=1.0, repr=False)
    partner: int | None = field(default=None, repr=False)
    mark: str | None = field(default=None, repr=False)
    weak_metric: bool = field(default=False, repr=False)  # the metric came from a generic word or the article
    aggregate: bool = field(default=False, repr=False)  # its clause names a market or an economy (GDP)

    # written out, not generated: the compiled class then builds a mention natively (the dataclass's generated
    # `__init__` is interpreted Python, a few per article); the same parameters, in field order, as generated
    def __init__(self, doc: str, quote: str, start: int, end: int, value: float, currency: str | None,
                 qualifier: str = "exact", year: int | None = None, metric: str = "other", company: str | None = None,
                 source: str | None = None, usd_stated: float | None = None, lang: str = "en", amount_id: int = 0,
                 currency_basis: str | None = None, note: str | None = None, primary: bool = False,
                 scale: float = 1.0, partner: int | None = None, mark: str | None = None, weak_metric: bool = False,
                 aggregate: bool = False) -> None:
        self.doc, self.quote, self.start, self.end, self.value, self.currency = doc, quote, start, end, value, currency
        self.qualifier, self.year, self.metric, self.company, self.source = qualifier, year, metric, company, source
        self.usd_stated, self.lang, self.amount_id, self.currency_basis = usd_stated, lang, amount_id, currency_basis
        self.note, self.primary, self.scale, self.partner, self.mark = note, primary, scale, partner, mark
        self.weak_metric, self.aggregate = weak_metric, aggregate

    def __reduce__(self) -> tuple[type[Mention], tuple[Any, ...]]:
        """Copied and pickled through `__init__` (the compiled class's constructor takes its fields; the default
        protocol would build it with none)."""
        return Mention, (self.doc, self.quote, self.start, self.end, self.value, self.currency, self.qualifier,
                         self.year, self.metric, self.company, self.source, self.usd_stated, self.lang, self.amount_id,
                         self.currency_basis, self.note, self.primary, self.scale, self.partner, self.mark,
                         self.weak_metric, self.aggregate)

    def to_json(self) -> dict[str, Any]:
        """The printed fields, those in the repr (all but the `repr=False` ones), in order: written out, so the
        compiled class reads each attribute directly rather than looking each name up."""
        return {"doc": self.doc, "quote": self.quote, "start": self.start, "end": self.end, "value": self.value,
                "currency": self.currency, "qualifier": self.qualifier, "year": self.year, "metric": self.metric,
                "company": self.company, "source": self.source, "usd_stated": self.usd_stated, "lang": self.lang,
                "amount_id": self.amount_id, "currency_basis": self.currency_basis, "note": self.note,
                "primary": self.primary}
