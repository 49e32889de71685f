"""A deterministic, seeded generator of a realistic multilingual article corpus with exact ground truth.

Articles are assembled from per-language sentence templates (`corpus_templates.yaml`): claims about AI
spending in nine languages and eight currencies, with locale number formats, scale words (billion,
Milliarden, milliarder, mil millones, 억, 亿, 兆), qualifiers, years, the article's own stated conversions
("150 billion yuan ($20.9 billion)"), ranges, headlines that repeat an amount, and non-money distractors
(users, tokens, percentages, H200, founding years). Every field of the truth follows from how the sentence
was built, so the corpus can score the extractor at any size.

    generate(folder, n_articles, seed) -> folder/truth.jsonl

writes `NNNNNN_<lang>.txt` files with YAML front matter (`lang`, `date`) one at a time, and one truth line
per article in the format of ../shared/gold (`doc, lang, published, amounts[...]`). The truth file's
`.jsonl` suffix keeps it out of the article reader. Article `i` depends only on (seed, i).
"""

from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from capex_pipeline.progress import bar

TRUTH_FILE = "truth.jsonl"
_DOC = re.compile(r"^\d{6,}_[a-z]{2}\.txt$")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_PREFIXED = re.compile(r"^[^{]")  # a money pattern that starts with a currency marker ("$", "Rs ", "JPY")
_SPEND = ("capex", "ai_infrastructure", "ai_chips")


@cache
def spec() -> dict[str, Any]:
    """The parsed template file."""
    text = resources.files(__package__).joinpath("corpus_templates.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


class _Retry(Exception):
    """This rendering does not work here (a singular scale word); try a slightly different amount."""


@dataclass
class _Amount:
    value: int | float
    currency: str
    qualifier: str
    year: int | None
    metric: str
    company: str | None
    source: str | None
    usd_stated: int | float | None = None
    quotes: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {"value": self.value, "currency": self.currency, "qualifier": self.qualifier, "year": self.year,
                "usd_stated": self.usd_stated, "metric": self.metric, "company": self.company,
                "source": self.source, "quotes": self.quotes}


def _number(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def _round_sig(x: float, sig: int) -> Decimal:
    exp = math.floor(math.log10(x)) - sig + 1
    return (Decimal(round(x / 10.0 ** exp)).scaleb(exp)).normalize()


def _weighted(rng: random.Random, table: dict[Any, float]) -> Any:
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def _pick(rng: random.Random, value: Any) -> str:
    return rng.choice(value) if isinstance(value, list) else value


def _clashes(value: float, currency: str, taken: list[tuple[float, str]]) -> bool:
    """Would `value` read as an amount already in the article (within 1%, or its headline rounding)?"""
    for other, cur in taken:
        if cur != currency:
            continue
        if math.isclose(other, value, rel_tol=0.01):
            return True
        lo, hi = sorted((other, value))
        digits = len(f"{lo:.15g}".rstrip("0").replace(".", "").lstrip("0"))
        if digits >= 2 and math.isclose(float(f"{hi:.{digits}g}"), lo, rel_tol=1e-9):
            return True
    return False


class _Article:
    """One article under construction: its language, date, random stream, text parts and truth."""

    def __init__(self, index: int, seed: int) -> None:
        self.spec = spec()
        self.rng = random.Random(f"capex-corpus:{seed}:{index}")
        langs = self.spec["languages"]
        self.lang = _weighted(self.rng, {k: v["weight"] for k, v in langs.items()})
        self.L = langs[self.lang]
        first, last = self.spec["published"]["first"], self.spec["published"]["last"]
        self.published = first + timedelta(days=self.rng.randrange((last - first).days + 1))
        self.doc = f"{index:06d}_{self.lang}.txt"
        self.amounts: list[_Amount] = []
        self.taken: list[tuple[float, str]] = []
        self.cjk = self.L.get("cjk")
        self.used: set[str] = set()

    # ---- numbers and money -------------------------------------------------------------------------

    def _fmt(self, d: Decimal) -> str:
        """Locale digits: '20.6', '5,7', '1,500', '20.600', '1 000'."""
        text = format(d, "f")
        whole, _, frac = text.partition(".")
        number = self.L["number"]
        if len(whole) > 3:
            group = self.rng.choice(number["group"])
            parts = []
            while len(whole) > 3:
                parts.insert(0, whole[-3:])
                whole = whole[:-3]
            whole = group.join([whole, *parts])
        return whole + (number["decimal"] + frac if frac else "")

    def _cjk(self, v: float, sig: int) -> tuple[str, Decimal]:
        """A CJK positional amount: '1,500억', '2조1천800억', '3800亿', '1.5万亿', '3.52兆', '1兆5000億'."""
        rng, kind = self.rng, self.cjk
        if v >= 1e12 and (kind == "ko" or (kind == "ja" and rng.random() < 0.4)):
            total = int(_round_sig(v / 1e8, max(sig, 2)))
            high, rest = divmod(total, 10000)
            if kind == "ko":
                text = f"{high}조" + (_ko_small(rest) + "억" if rest else "")
            else:
                text = f"{high}兆" + (f"{rest}億" if rest else "")
            return text, Decimal(total) * Decimal(10) ** 8
        if v >= 1e12:
            mant = _round_sig(v / 1e12, sig)
            return format(mant, "f") + ("万亿" if kind == "zh" else "兆"), mant * Decimal(10) ** 12
        if v >= 1e8:
            mant = _round_sig(v / 1e8, sig)
            if kind == "ko":  # Korean writes 억 amounts as integers: 72억, not 72.9억
                mant = Decimal(round(float(mant)))
                n = int(mant)
                if n >= 1000 and rng.random() < 0.5:
                    return _ko_small(n) + "억", mant * Decimal(10) ** 8
                return f"{n:,}억", mant * Decimal(10) ** 8
            return format(mant, "f") + ("亿" if kind == "zh" else "億"), mant * Decimal(10) ** 8
        mant = Decimal(int(_round_sig(v / 1e4, 2)))
        unit = {"ko": "만", "zh": "万", "ja": "万"}[kind]
        return (f"{int(mant):,}" if kind == "ko" else str(int(mant))) + unit, mant * Decimal(10) ** 4

    def money(self, currency: str, local: float, *, sig: int | None = None, words: bool = True,
              pattern: str | None = None) -> tuple[str, Decimal]:
        """(text, exact value) of an amount near `local` units of `currency` in this language."""
        rng = self.rng
        sig = sig or rng.choice((2, 2, 3))
        pattern = pattern or rng.choice(self.L["money"][currency])
        if self.cjk:
            num, value = self._cjk(local, sig)
            return pattern.format(n=num), value
        bands = (self.L.get("currency_scales") or {}).get(currency) or self.L["scales"]
        eligible = [b for b in bands if local >= b["min"]] or [min(bands, key=lambda b: b["min"])]
        top = max(b["min"] for b in eligible)
        band = rng.choice([b for b in eligible if b["min"] == top])
        mant = _round_sig(local / band["mult"], sig)
        if mant == 1 and not self.L["number"].get("singular_scale"):
            raise _Retry  # "1 Milliarden" is not German: the templates' scale words are plural
        prefixed = bool(_PREFIXED.match(pattern))
        scale = rng.choice([w for w in band["words"] if prefixed or w.startswith(" ")])
        num = self._fmt(mant)
        small = self.L.get("number_words") or {}
        if words and not prefixed and mant == mant.to_integral_value() and int(mant) in small \
                and rng.random() < self.spec["weights"]["number_word"]:
            num = small[int(mant)]
        return pattern.format(n=num, s=scale), mant * Decimal(int(band["mult"]))

    def rate(self, currency: str) -> float:
        if currency == "USD":
            return 1.0
        return float(self.spec["rates"][self.published.year][currency])

    def _fresh(self, currency: str, usd: float, **kw: Any) -> tuple[str, Decimal]:
        """A money phrase whose value reads as no other amount of the article."""
        for attempt in range(40):
            try:
                text, value = self.money(currency, usd * self.rate(currency) * (1 + 0.03 * attempt), **kw)
            except _Retry:
                continue
            if not _clashes(float(value), currency, self.taken):
                self.taken.append((float(value), currency))
                return text, value
        raise RuntimeError("no distinct amount found")  # pragma: no cover - 40 tries always suffice

    # ---- text pieces -------------------------------------------------------------------------------

    def alias(self, table: str, name: str) -> str:
        entry = self.spec[table][name] or {}
        return _pick(self.rng, entry.get(self.lang) or entry.get("latin") or name)

    def year_phrase(self, kind: str, spend: bool) -> tuple[str, str, int | None]:
        """({year}, {year_of}, truth year) for a claim."""
        pub = self.published.year
        if kind == "none":
            return "", "", None
        if kind == "absolute":
            year = self.rng.choice((pub, pub, pub + 1)) if spend else pub - 1
            key = "absolute"
        else:
            offset = self.rng.choice((0, 0, 1)) if spend else -1
            year, key = pub + offset, str(offset)
        forms = self.L["year"]
        forms_of = self.L.get("year_of") or forms
        return (self.rng.choice(forms[key]).format(y=year), self.rng.choice(forms_of[key]).format(y=year), year)

    def distractor_values(self) -> dict[str, str]:
        rng, vals = self.rng, self.spec["distractor_values"]
        users, units, tokens = rng.choice(vals["users"]), rng.choice(vals["units"]), rng.choice(vals["tokens"])
        out = {"percent": rng.choice(vals["percent"]), "founded": str(rng.choice(vals["founded"])),
               "gigawatts": str(rng.choice(vals["gigawatts"])), "tokens": str(tokens), "users": str(users)}
        if self.cjk:
            big = {"ko": "억", "zh": "亿", "ja": "億"}[self.cjk]
            out["users"] = f"{max(1, users // 100)}{big}"
            out["units"] = f"{units // 10000}{'만' if self.cjk == 'ko' else '万'}"
            out["tokens"] = f"{tokens}万亿"
        else:
            out["percent"] = out["percent"].replace(".", self.L["number"]["decimal"])
            out["units"] = self._fmt(Decimal(units))
            out["employees"] = self._fmt(Decimal(rng.choice(vals["employees"])))
        return out

    def trailers(self, n: int) -> list[str]:
        """Up to `n` filler or distractor sentences (no amounts, outlets, statements or spenders); an article
        uses each template at most once."""
        out = []
        for _ in range(n):
            kinds = ["fillers", "distractors"] if self.rng.random() < 0.5 else ["distractors", "fillers"]
            for kind in kinds:
                fresh = [t for t in self.L[kind] if t not in self.used]
                if fresh:
                    template = self.rng.choice(fresh)
                    self.used.add(template)
                    out.append(template if kind == "fillers" else template.format_map(self.distractor_values()))
                    break
        return out

    def join(self, sentences: list[str]) -> str:
        return ("" if self.cjk in ("zh", "ja") else " ").join(sentences)

    # ---- claims ------------------------------------------------------------------------------------

    def _templates(self, metric: str) -> dict[str, list[str]]:
        claims = self.L["claims"]
        out: dict[str, list[str]] = {}
        for group in (["spend"] if metric in self.L.get("metrics", {}) and metric in _SPEND else []) + [metric]:
            for mode, items in (claims.get(group) or {}).items():
                out.setdefault(mode, []).extend(items)
        return out

    def metrics_available(self) -> dict[str, float]:
        return {m: w for m, w in self.spec["weights"]["metric"].items() if self._templates(m).get("none")}

    def claim(self, company: str) -> tuple[list[str], _Amount | None, str | None, str]:
        """One claim paragraph's sentences, the amount a headline may repeat, its bare money text, metric."""
        rng, W, L = self.rng, self.spec["weights"], self.L
        metric = _weighted(rng, self.metrics_available())
        templates = self._templates(metric)
        modes = {m: w for m, w in W["mode"].items() if templates.get(m) and (m != "analysts" or L.get("analysts"))}
        mode = _weighted(rng, modes)
        template = rng.choice(templates[mode])
        spend = metric in _SPEND
        year_kind = _weighted(rng, W["year"])
        year_text, year_of_text, year = self.year_phrase(year_kind, spend)
        source = rng.choice(L["sources"]) if mode == "outlet" else None
        truth_source = {"outlet": source, "statement": "company statement", "pronoun": "company statement",
                        "analysts": "analysts"}.get(mode)
        lo, hi = self.spec["usd_range"][metric]
        usd = math.exp(rng.uniform(math.log(lo), math.log(hi)))
        home = [c for c in (self.spec["companies"][company] or {}).get("currency", []) if c in L["money"]]
        currency = rng.choice(home) if home and rng.random() < W["home_currency"] else \
            _weighted(rng, L["currencies"])
        qualifier = _weighted(rng, W["qualifier"])

        def amount(value: Decimal, cur: str, q: str, quote: str) -> _Amount:
            a = _Amount(_number(value), cur, q, year, metric, company, truth_source, quotes=[quote])
            self.amounts.append(a)
            return a

        headline: _Amount | None = None
        money_text: str | None = None
        if spend and currency == "USD" and L.get("range") and rng.random() < W["range"]:
            phrase = self._range(usd, amount)
        else:
            money_text, value = self._fresh(currency, usd)
            conv = L.get("conversion")
            partner_cur = "USD" if currency != "USD" else (conv or {}).get("local")
            use_conv = conv and partner_cur and rng.random() < W["conversion"]
            forms = L["qualifiers"].get(qualifier, {}) if qualifier != "exact" else {}
            after = forms.get("after") if not use_conv else None
            if qualifier == "exact" or not (forms.get("before") or after):
                qualifier, phrase = "exact", money_text
            elif after and (not forms.get("before") or rng.random() < 0.5):
                phrase = money_text + rng.choice(after)
            else:
                phrase = rng.choice(forms["before"]) + money_text
            headline = amount(value, currency, qualifier, money_text)
            if use_conv:
                assert conv is not None and partner_cur is not None
                inner, inner_q = rng.choice(list(conv["inner"].items()))
                side = rng.randrange(len(conv["open"]))
                target = float(value) / self.rate(currency) * self.rate(partner_cur)
                p_text, p_value = self._fresh(partner_cur, target / self.rate(partner_cur), sig=3,
                                                 words=False)
                phrase += conv["open"][side] + inner + p_text + conv["close"][side]
                partner = amount(p_value, partner_cur, inner_q, p_text)
                if partner_cur == "USD":
                    headline.usd_stated = partner.value
                else:
                    partner.usd_stated = headline.value
        fill = {"company": self.alias("companies", company), "source": self.alias("sources", source) if source
                else "", "amount": phrase, "metric": rng.choice(L["metrics"][metric]) if metric in
                L.get("metrics", {}) else "", "year": year_text, "year_of": year_of_text}
        if L.get("particles") == "hangul":
            fill |= {"company_t": _particle(fill["company"], "은", "는"),
                     "company_s": _particle(fill["company"], "이", "가"),
                     "source_s": _particle(fill["source"], "이", "가") if source else "",
                     "obj": _particle(phrase, "을", "를")[len(phrase):]}
        else:
            fill |= {"company_t": fill["company"], "company_s": fill["company"], "source_s": fill["source"],
                     "obj": ""}
        sentences = [template.format_map(fill)]
        sentences += self.trailers(rng.choice((0, 1, 2, 2)))
        return sentences, headline, money_text, metric

    def _range(self, usd: float, amount: Any) -> str:
        """'$60 billion to $65 billion', '$60 to $65bn', '600억∼650억 달러' (low end min, high end max)."""
        rng, spec_ = self.rng, self.L["range"]
        for attempt in range(40):
            high = usd * (1 + 0.1 * attempt)
            ratio = rng.choice((0.8, 0.85, 0.9))
            if self.cjk:
                b_text, b_value = self.money("USD", high, sig=2, words=False)
                a_text, a_value = self._cjk(float(b_value) * ratio, 2)
            else:
                bands = self.L["scales"]
                band = max((b for b in bands if high >= b["min"]), key=lambda b: b["min"], default=bands[-1])
                mult = Decimal(int(band["mult"]))
                b_mant = _round_sig(high / band["mult"], 2)
                a_mant = _round_sig(float(b_mant) * ratio, 2)
                scale = rng.choice(band["words"])
                b_text, b_value = f"${self._fmt(b_mant)}{scale}", b_mant * mult
                a_value = a_mant * mult
                a_text = f"${self._fmt(a_mant)}" + ("" if rng.random() < spec_.get("short_first", 0) else scale)
            if a_value < b_value and not _clashes(float(a_value), "USD", self.taken) \
                    and not _clashes(float(b_value), "USD", [*self.taken, (float(a_value), "USD")]):
                self.taken += [(float(a_value), "USD"), (float(b_value), "USD")]
                amount(a_value, "USD", "min", a_text)
                amount(b_value, "USD", "max", b_text)
                return a_text + rng.choice(spec_["connectors"]) + b_text
        raise RuntimeError("no distinct range found")  # pragma: no cover

    # ---- the article -------------------------------------------------------------------------------

    def build(self) -> tuple[str, dict[str, Any]]:
        rng, W, L = self.rng, self.spec["weights"], self.L
        main = rng.choice(L["companies"])
        n_claims = _weighted(rng, {int(k): v for k, v in W["claims_per_article"].items()})
        paragraphs: list[str] = []
        first: tuple[_Amount | None, str | None, str, str] | None = None
        for _ in range(n_claims):
            company = main if rng.random() < W["main_company"] else rng.choice(L["companies"])
            sentences, headline, money_text, metric = self.claim(company)
            if first is None:
                first = (headline, money_text, metric, company)
            paragraphs.append(self.join(sentences))
        for _ in range(rng.choice((2, 3, 3, 4))):  # standalone background paragraphs
            background = self.trailers(rng.choice((1, 2, 3)))
            if background:
                paragraphs.insert(rng.randrange(len(paragraphs) + 1), self.join(background))
        title = None
        if first and first[0] is not None and first[1] and rng.random() < W["title_amount"]:
            headline, money_text, metric, company = first
            titles = (L.get("titles") or {}).get(metric) or \
                ((L.get("titles") or {}).get("spend") if metric in L.get("metrics", {}) and metric in _SPEND
                 else None)
            if titles:
                title = rng.choice(titles).format(company=self.alias("companies", company), money=money_text,
                                                  metric=rng.choice(L["metrics"][metric])
                                                  if metric in L.get("metrics", {}) else "")
                headline.quotes.insert(0, money_text)
        if title is None:
            title = rng.choice(L["plain_titles"]).format(company=self.alias("companies", main))
        lang_tag = '"no"' if self.lang == "no" else self.lang  # unquoted `no` is YAML's false
        text = f"---\nlang: {lang_tag}\ndate: {self.published.isoformat()}\n---\n{title}\n" + "\n".join(paragraphs) \
            + "\n"
        record = {"doc": self.doc, "lang": self.lang, "published": self.published.isoformat(), "url": None,
                  "amounts": [a.record() for a in self.amounts]}
        return text, record


def _ko_small(n: int) -> str:
    """Korean digits with 천 for thousands: 1800 -> '1천800', 7000 -> '7천', 650 -> '650'."""
    thousands, rest = divmod(n, 1000)
    return (f"{thousands}천" if thousands else "") + (str(rest) if rest else "")


def _particle(word: str, after_consonant: str, after_vowel: str) -> str:
    """`word` with the Korean particle its last syllable takes (은/는, 이/가, 을/를)."""
    hangul = _HANGUL.findall(word)
    if not hangul:
        return word + after_vowel
    return word + (after_consonant if (ord(hangul[-1]) - 0xAC00) % 28 else after_vowel)


def article(index: int, seed: int = 0) -> tuple[str, str, dict[str, Any]]:
    """(file name, text, truth record) of article `index` of the corpus `seed`."""
    built = _Article(index, seed)
    text, record = built.build()
    return built.doc, text, record


def generate(folder: Path | str, n_articles: int, seed: int = 0) -> Path:
    """Write `n_articles` articles and their truth (`folder/truth.jsonl`, returned) into `folder`; files a
    previous generation left there are removed first."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if _DOC.match(old.name):
            old.unlink()
    truth = folder / TRUTH_FILE
    with truth.open("w", encoding="utf-8") as out:
        for i in bar(range(n_articles), desc="capex bench: generating", unit="article"):
            out.write(_write(folder, i, seed)[1])
    return truth


def add_article(folder: Path | str, index: int, seed: int = 0) -> Path:
    """Write article `index` of the corpus `seed` into `folder` and append its truth line (a new arrival)."""
    folder = Path(folder)
    path, line = _write(folder, index, seed)
    with (folder / TRUTH_FILE).open("a", encoding="utf-8") as out:
        out.write(line)
    return path


def _write(folder: Path, index: int, seed: int) -> tuple[Path, str]:
    name, text, record = article(index, seed)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path, json.dumps(record, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m capex_app.bench.corpus_gen", description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("-n", "--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(generate(args.folder, args.articles, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
