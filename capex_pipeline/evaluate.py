"""Score the extractor against gold claims (format of ../shared/gold/README.md): distinct amounts per document,
matched by currency and value within 0.5%; field accuracy over matched amounts."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import package_data
from .articles import Article, read_corpus
from .extract import extract_article
from .extract.lexicon import QUALIFIER_STRENGTH
from .extract.mention import STATEMENT

# The project's gold corpus (see its README) lives in the source repository only: the wheel does not ship it.
EVALUATION = Path(__file__).resolve().parents[1] / "evaluation"
DEFAULT_GOLDS = (EVALUATION / "seeds.jsonl", EVALUATION / "dev.jsonl", EVALUATION / "dev2" / "gold.jsonl")
# The seeds' gold labels the corpus shipped inside the package, which no folder rule below would find.
KNOWN_ARTICLES = {EVALUATION / "seeds.jsonl": package_data.seeds_dir()}
FIELDS = ("qualifier", "year", "metric", "company", "source", "usd_stated")
TOLERANCE = 0.005
STRICT_SOURCE = "source as written"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    field_hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    field_total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    misses: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # gold documents with no readable file: scored as all missed

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, name: str) -> float | None:
        total = self.field_total[name]
        return self.field_hits[name] / total if total else None


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=TOLERANCE)


def _field_ok(name: str, gold: Any, pred: Any) -> bool:
    if name == "usd_stated":
        return _close(gold, pred)
    if isinstance(gold, str) and isinstance(pred, str):
        return gold.casefold() == pred.casefold()
    return gold == pred


def _source_ok(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    """The source field, where "company statement" (the label of evaluation/README.md for a figure the spender
    itself gave) and the spender's own name (dev2/README.md: "a company itself when the text says it announced
    the figure") are the same attribution written two ways."""
    g, p = gold.get("source"), pred.get("source")
    if _field_ok("source", g, p):
        return True
    if p == STATEMENT and isinstance(g, str) and pred.get("company"):
        return g.casefold() == pred["company"].casefold()
    if g == STATEMENT and isinstance(p, str) and gold.get("company"):
        return p.casefold() == gold["company"].casefold()
    return False


def predicted_amounts(article: Article) -> list[dict[str, Any]]:
    """One prediction per distinct amount (the extractor groups quotes by `amount_id`)."""
    seen: dict[int, dict[str, Any]] = {}
    for m in extract_article(article):
        amount = seen.setdefault(m.amount_id, m.to_json() | {"quotes": []})
        amount["quotes"].append(m.quote)
        if _digits(m.value) > _digits(amount["value"]):  # "3.52兆円" over its headline "3.5兆円"
            amount["value"] = m.value
    return list(seen.values())


def _digits(value: float) -> int:
    return len(f"{value:.15g}".replace(".", "").strip("0"))


def distinct_amounts(gold: dict[str, Any]) -> list[dict[str, Any]]:
    """Gold amounts as distinct amounts with their quotes. The dev layout lists them already (`quotes`); the dev2
    layout has one entry per occurrence (`quote`), merged here by currency and value within 0.5%: the
    strongest qualifier of any occurrence, and each other field from the first occurrence that states it."""
    merged: list[dict[str, Any]] = []
    for entry in gold["amounts"]:
        if "quotes" in entry:
            merged.append(entry)
            continue
        same = next((m for m in merged if m["currency"] == entry["currency"]
                     and math.isclose(m["value"], entry["value"], rel_tol=TOLERANCE)), None)
        if same is None:
            merged.append(entry | {"quotes": [entry["quote"]]})
            continue
        same["quotes"].append(entry["quote"])
        if QUALIFIER_STRENGTH[entry["qualifier"]] > QUALIFIER_STRENGTH[same["qualifier"]]:
            same["qualifier"] = entry["qualifier"]
        for name in FIELDS:
            if same.get(name) is None and entry.get(name) is not None:
                same[name] = entry[name]
    return merged


def score_document(gold: dict[str, Any], predicted: list[dict[str, Any]], score: Score) -> None:
    unmatched = list(predicted)
    doc = gold["doc"]
    for g in distinct_amounts(gold):
        match = next((p for p in unmatched if p["currency"] == g["currency"]
                      and math.isclose(p["value"], g["value"], rel_tol=TOLERANCE)), None)
        if match is None:
            score.fn += 1
            score.misses.append(f"MISS  {doc}: {g['value']:.6g} {g['currency']} {g['quotes']}")
            continue
        unmatched.remove(match)
        score.tp += 1
        for name in FIELDS:
            if name == "year" and g.get("year") is None:
                continue
            score.field_total[name] += 1
            if name == "source":  # also counted as written, without the equivalence of _source_ok
                score.field_total[STRICT_SOURCE] += 1
                score.field_hits[STRICT_SOURCE] += _field_ok(name, g.get(name), match.get(name))
            if _source_ok(g, match) if name == "source" else _field_ok(name, g.get(name), match.get(name)):
                score.field_hits[name] += 1
            else:
                score.misses.append(f"FIELD {doc}: {g['quotes'][0]!r} {name}: gold {g.get(name)!r}, "
                                    f"got {match.get(name)!r}")
    for p in unmatched:
        score.fp += 1
        score.misses.append(f"EXTRA {doc}: {p['value']:.6g} {p['currency']} {p['quotes']}")


def locate_articles(gold_path: Path) -> Path:
    """The folder holding a gold file's documents when none is given: `<dir>/<stem>/articles`,
    `<dir>/../<stem>` or the gold file's own folder (the layout of ../shared/gold)."""
    if (known := KNOWN_ARTICLES.get(gold_path.resolve())) is not None:
        return known
    for candidate in (gold_path.parent / gold_path.stem / "articles", gold_path.parent.parent / gold_path.stem,
                      gold_path.parent / "articles"):
        if candidate.is_dir():
            return candidate
    return gold_path.parent


def evaluate_many(pairs: list[tuple[Path, Path]], *, gold_metadata: bool = False) -> tuple[Score, dict[str, Score]]:
    """Scores over several gold files together, each with its articles folder."""
    total, by_lang = Score(), defaultdict(Score)
    for gold_path, articles_dir in pairs:
        evaluate(gold_path, articles_dir, total=total, by_lang=by_lang, gold_metadata=gold_metadata)
    return total, dict(by_lang)


def evaluate(gold_path: Path, articles_dir: Path, *, total: Score | None = None,
             by_lang: dict[str, Score] | None = None, gold_metadata: bool = False) -> tuple[Score, dict[str, Score]]:
    """Overall and per-language scores of the extractor on the gold file's documents, read as `capex run` reads
    them (files and their sidecar); `gold_metadata` also lends the gold file's `lang` and `published` to
    documents whose own metadata lacks them."""
    golds = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    meta = {g["doc"]: {"lang": g.get("lang") or "", "published": g.get("published") or ""} for g in golds} \
        if gold_metadata else None
    articles = {a.doc: a for a in read_corpus(articles_dir, fallback=meta) if isinstance(a, Article)}
    total = total if total is not None else Score()
    by_lang = by_lang if by_lang is not None else defaultdict(Score)
    for gold in golds:
        article = articles.get(gold["doc"])
        predicted = predicted_amounts(article) if article else []
        if article is None:
            total.misses.append(f"NOFILE {gold['doc']} not found or not readable in {articles_dir}")
            total.unread.append(gold["doc"])
        for score in (total, by_lang[gold.get("lang") or "?"]):
            score_document(gold, predicted, score)
    return total, dict(by_lang)
