"""The peer: Microsoft Recognizers-Text's currency model (the optional `bench` extra) against the extractor on
the same texts, for speed and P/R/F1."""

from __future__ import annotations

import contextlib
import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from capex_pipeline import package_data
from capex_pipeline.articles import Article, read_corpus
from capex_pipeline.evaluate import Score, predicted_amounts, score_document

from .extraction import score_json
from .machine import MB, REPO

PEER_MISSING = "peer not installed: pip install .[bench]"
# the project's evaluation corpus (in the repository, not in the wheel)
GOLD_SETS = (("seeds", package_data.seeds_dir(), REPO / "evaluation" / "seeds.jsonl"),
             ("dev", REPO / "evaluation" / "dev" / "articles", REPO / "evaluation" / "dev.jsonl"))

_PEER_CULTURE = {"en": "en-us", "zh": "zh-cn", "fr": "fr-fr", "es": "es-es"}  # the others fall back to English
_PEER_UNITS = {
    "dollar": "USD", "united states dollar": "USD", "dólar": "USD", "dólar estadounidense": "USD",
    "dollar des états-unis": "USD", "dollar américain": "USD", "euro": "EUR", "chinese yuan": "CNY",
    "yuan": "CNY", "renminbi": "CNY", "yuan chinois": "CNY", "yuan chino": "CNY", "japanese yen": "JPY",
    "yen": "JPY", "yen japonais": "JPY", "yen japonés": "JPY", "south korean won": "KRW", "won": "KRW",
    "pound": "GBP", "british pound": "GBP", "pound sterling": "GBP", "livre sterling": "GBP",
    "libra esterlina": "GBP", "libra": "GBP", "livre": "GBP", "indian rupee": "INR", "rupee": "INR",
    "swedish krona": "SEK", "norwegian krone": "NOK",
}


def _peer_models() -> Any:
    """A function lang -> Recognizers-Text currency model, or None when the package is not installed."""
    try:
        from recognizers_number_with_unit import NumberWithUnitRecognizer
    except ImportError:
        return None
    cache: dict[str, Any] = {}

    def model(lang: str | None) -> Any:
        culture = _PEER_CULTURE.get(lang or "en", "en-us")
        if culture not in cache:
            cache[culture] = NumberWithUnitRecognizer(culture).get_currency_model(culture, True)
        return cache[culture]

    return model


def _peer_amounts(results: list[Any], unmapped: dict[str, int]) -> list[dict[str, Any]]:
    """Distinct (currency, value) amounts from Recognizers-Text results, shaped like `predicted_amounts`."""
    seen: dict[tuple[str, float], dict[str, Any]] = {}
    for r in results:
        res = r.resolution or {}
        if res.get("value") in (None, ""):
            continue
        currency = res.get("isoCurrency") or _PEER_UNITS.get(str(res.get("unit", "")).casefold())
        if not currency:
            unmapped[str(res.get("unit"))] += 1
            continue
        try:
            value = float(res["value"])
        except (TypeError, ValueError):
            continue
        key = (currency, round(value, 6))
        seen.setdefault(key, {"value": value, "currency": currency, "quotes": []})["quotes"].append(r.text)
    return list(seen.values())


def _compare(name: str, articles: list[Article], golds: dict[str, dict[str, Any]], model: Any) -> dict[str, Any]:
    ours, theirs = Score(), Score()
    our_lang: dict[str, Score] = defaultdict(Score)
    their_lang: dict[str, Score] = defaultdict(Score)
    unmapped: dict[str, int] = defaultdict(int)
    for a in articles[:3]:  # warm up both (grammar compilation, model construction)
        predicted_amounts(a)
        model(a.lang).parse(a.text)
    n_bytes = sum(len(a.text.encode("utf-8")) for a in articles)
    t0 = time.perf_counter()  # each system in its own pass over the same texts
    mine = [predicted_amounts(a) for a in articles]
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    peer = [model(a.lang).parse(a.text) for a in articles]
    t_theirs = time.perf_counter() - t0
    for a, our_amounts, peer_results in zip(articles, mine, peer, strict=True):
        gold = golds[a.doc]
        lang = gold.get("lang") or a.lang or "?"
        for score in (ours, our_lang[lang]):
            score_document(gold, our_amounts, score)
        their_amounts = _peer_amounts(peer_results, unmapped)
        for score in (theirs, their_lang[lang]):
            score_document(gold, their_amounts, score)
    return {"dataset": name, "articles": len(articles), "mb": round(n_bytes / MB, 4),
            "ours": {**score_json(ours), "seconds": round(t_ours, 3),
                     "mb_per_s": round(n_bytes / MB / t_ours, 4) if t_ours else None},
            "peer": {**score_json(theirs), "seconds": round(t_theirs, 3),
                     "mb_per_s": round(n_bytes / MB / t_theirs, 4) if t_theirs else None},
            "speedup": round(t_theirs / t_ours, 1) if t_ours else None,
            "f1_by_lang": {lang: {"ours": round(our_lang[lang].f1, 3), "peer": round(their_lang[lang].f1, 3)}
                           for lang in sorted(our_lang)},
            "peer_unmapped_units": dict(unmapped)}


def peer_comparison(folder: Path | str | None = None, truth_jsonl: Path | str | None = None, *,
                    limit: int = 300, shared: bool = True) -> dict[str, Any]:
    """Recognizers-Text's currency model against our extractor on the same texts: throughput (the extractor's
    speed-up) and P/R/F1 on the generated truth (first `limit` articles) and on the shared gold files."""
    model = _peer_models()
    if model is None:
        return {"skipped": PEER_MISSING}
    from importlib.metadata import PackageNotFoundError, version

    peer_version = None
    for package in ("recognizers-text-suite", "recognizers-text-number-with-unit"):
        with contextlib.suppress(PackageNotFoundError):
            peer_version = f"{package}=={version(package)}"
            break
    sets = []
    if folder is not None and truth_jsonl is not None:
        sets.append(("generated", Path(folder), Path(truth_jsonl), limit))
    if shared:
        sets += [(name, articles, gold, None) for name, articles, gold in GOLD_SETS if gold.is_file()]
    results = []
    for name, articles_dir, gold_path, cap in sets:
        golds = {}
        with gold_path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    g = json.loads(line)
                    golds[g["doc"]] = g
                    if cap and len(golds) >= cap:
                        break
        meta = {d: {"lang": g.get("lang") or "", "published": g.get("published") or ""} for d, g in golds.items()}
        articles = [a for a in read_corpus(articles_dir, fallback=meta) if isinstance(a, Article) and a.doc in golds]
        results.append(_compare(name, articles, golds, model))
    return {"peer": "Microsoft Recognizers-Text currency model", "version": peer_version,
            "cultures": "en, zh, fr, es have a currency model; de, no, sv, ko, ja fall back to English",
            "results": results}
