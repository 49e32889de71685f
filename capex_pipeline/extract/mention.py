"""One monetary mention and the labels its fields can take."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

STATEMENT = "company statement"  # the source when the spender itself announced the figure
PUBLIC = "<public actor>"  # a government or public body: the spender is then no company
PRONOUN = "<the company>"  # "the company": stands for the company named last


@dataclass
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

    def to_json(self) -> dict[str, Any]:
        """The printed fields, those in the repr (`_JSON_FIELDS`), in order: written out, so the compiled class
        reads each attribute directly rather than looking each name up."""
        return {"doc": self.doc, "quote": self.quote, "start": self.start, "end": self.end, "value": self.value,
                "currency": self.currency, "qualifier": self.qualifier, "year": self.year, "metric": self.metric,
                "company": self.company, "source": self.source, "usd_stated": self.usd_stated, "lang": self.lang,
                "amount_id": self.amount_id, "currency_basis": self.currency_basis, "note": self.note,
                "primary": self.primary}


_JSON_FIELDS = tuple(f.name for f in fields(Mention) if f.repr)
