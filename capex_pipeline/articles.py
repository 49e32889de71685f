"""Read article files: decode, front matter and `sources.csv` metadata, language, content hash.

Every file ends either as an `Article` or as a `Rejected` with a reason a person understands.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from .extract.language import detect_language, script_variant
from .extract.registry import UNDETERMINED, normalize_lang

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: front matter of 100k files adds up
SIDECAR = "sources.csv"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".text", ".html", ".htm", ""}
_HTML_START = re.compile(r"\A\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)
# A dateline near the top of the text ("입력 : 2025.01.25", "2025-11-14 09:35", "2025年12月31日").
_DATELINE = re.compile(r"(?<!\d)(20\d\d)\s?[-./年년]\s?(1[0-2]|0?[1-9])\s?[-./月월]\s?(3[01]|[12]\d|0?[1-9])(?!\d)")
DATELINE_CHARS = 400
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Article:
    doc: str
    path: str
    sha256: str
    text: str
    encoding: str
    lang: str | None
    lang_basis: str
    published: date | None
    date_basis: str
    outlet: str | None
    url: str | None
    title: str | None
    metadata_note: str | None = None


@dataclass(frozen=True)
class Rejected:
    doc: str
    path: str
    reason: str
    detail: str


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def read_sidecar(folder: Path) -> dict[str, dict[str, str]]:
    """Metadata rows of `sources.csv` keyed by file name (empty when there is no sidecar). The sidecar sits in
    the articles folder or beside it, in its parent (`corpus/sources.csv` for `corpus/articles/`)."""
    path = folder / SIDECAR
    if not path.is_file():
        path = folder.parent / SIDECAR
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh) if row.get("file")}


def binary_kind(data: bytes) -> str | None:
    """What a binary file is (by its magic number, via `filetype`), or None for text."""
    import filetype

    kind = filetype.guess(data[:8192])
    if kind is not None:
        return f"{kind.mime} (.{kind.extension})"
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary data (NUL bytes)"
    return None


def html_to_text(html: str) -> str | None:
    """The article text of an HTML page (trafilatura), or None when it holds none."""
    import trafilatura

    return trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name; UTF-8 first, then a well-kept detector. Raises ValueError when undecodable."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ValueError("no text encoding fits these bytes")
    return str(best), best.encoding


def _front_matter(text: str) -> tuple[dict[str, Any], str | None]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, None
    try:
        data = yaml.load(match.group(1), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        return {}, f"front matter is not valid YAML ({str(exc).splitlines()[0]}); ignored"
    if not isinstance(data, dict):
        return {}, "front matter is not a mapping; ignored"
    return data, None


def _dateline(text: str) -> date | None:
    """The first plausible date written near the top of the article body."""
    body = _FRONT_MATTER.sub("", text, count=1)[:DATELINE_CHARS]
    for match in _DATELINE.finditer(body):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None


def _metadata(text: str, side: dict[str, str]) -> dict[str, Any]:
    front, note = _front_matter(text)
    notes = [note] if note else []
    lang, lang_basis = None, "unknown"
    for basis, raw in ((SIDECAR, side.get("lang")), ("front_matter", front.get("lang") or front.get("language"))):
        if raw:
            lang = normalize_lang(str(raw))
            if lang:
                lang_basis = basis
                break
            notes.append(f"{basis} names unsupported language {raw!r}")
            # the user says which language it is: not one we read, so no other language's words apply
            lang = UNDETERMINED
            lang_basis = f"{basis} names {str(raw)[:20]!r}, not registered: language-independent rules"
            break
    if lang is None:
        lang, lang_basis = detect_language(text), "detected"
    lang = script_variant(lang, text)
    if lang is None:  # never dropped: read with the rules that need no language (ISO codes, symbols, digits)
        lang, lang_basis = UNDETERMINED, "undetermined: language-independent rules"
    published, date_basis = None, "unknown"
    for basis, raw in ((SIDECAR, side.get("published")), ("front_matter", front.get("date"))):
        parsed = _parse_date(raw)
        if parsed:
            published, date_basis = parsed, basis
            break
        if raw:
            notes.append(f"{basis} date {raw!r} is not a date")
    if published is None and (found := _dateline(text)):
        published, date_basis = found, "dateline"
    return {
        "lang": lang, "lang_basis": lang_basis, "published": published, "date_basis": date_basis,
        "outlet": side.get("outlet") or front.get("outlet") or None,
        "url": side.get("url") or front.get("url") or None,
        "title": str(front["title"]) if front.get("title") else None,
        "metadata_note": "; ".join(notes) or None,
    }


def read_article(path: Path, side: dict[str, str] | None = None, *,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> Article | Rejected:
    """One file as an Article, or Rejected with the reason."""
    doc = path.name

    def reject(reason: str, detail: str) -> Rejected:
        return Rejected(doc=doc, path=str(path), reason=reason, detail=detail)

    try:
        size = path.stat().st_size
        if size > max_bytes:
            return reject("too_large", f"{size} bytes is over the {max_bytes}-byte limit; not read")
        data = path.read_bytes()
    except OSError as exc:
        return reject("unreadable", f"cannot read the file: {exc.strerror or exc}")
    if not data.strip():
        return reject("empty", "the file has no text")
    if kind := binary_kind(data):
        return reject("binary", f"the file is {kind}, not text")
    try:
        text, encoding = decode(data)
    except (ValueError, UnicodeDecodeError) as exc:
        return reject("undecodable", str(exc))
    if _HTML_START.match(text) or path.suffix.lower() in (".html", ".htm"):
        extracted = html_to_text(text)
        if not extracted:
            return reject("html_without_article", "an HTML page with no article text in it")
        text, encoding = extracted, f"{encoding}+html"  # offsets refer to the extracted article text
    if not text.strip():
        return reject("empty", "the file decodes to blank text")
    return Article(doc=doc, path=str(path), sha256=hashlib.sha256(data).hexdigest(), text=text,
                   encoding=encoding, **_metadata(text, side or {}))


def article_paths(folder: Path) -> list[Path]:
    """Article files of a folder, in name order (the sidecar and hidden files are not articles)."""
    return sorted(p for p in folder.iterdir()
                  if not p.name.startswith(".") and p.name != SIDECAR and not p.is_dir()
                  and p.suffix.lower() in ARTICLE_SUFFIXES)


def read_corpus(folder: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                fallback: dict[str, dict[str, str]] | None = None) -> Iterator[Article | Rejected]:
    """Stream a folder's articles in name order, with their `sources.csv` metadata (or `fallback` rows)."""
    folder = Path(folder)
    side = (fallback or {}) | read_sidecar(folder)
    root = folder.resolve()
    for path in article_paths(folder):
        if path.is_symlink() and root not in path.resolve().parents:
            yield Rejected(path.name, str(path), "outside_folder", "symlink points outside the articles folder")
            continue
        yield read_article(path, side.get(path.name), max_bytes=max_bytes)


def read_paths(paths: list[str]) -> Iterator[Article | Rejected]:
    """Files and folders given on a command line, each folder read in name order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from read_corpus(path)
        else:
            yield read_article(path, read_sidecar(path.parent).get(path.name))

