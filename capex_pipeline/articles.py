"""Read article files: decode, front matter and `sources.csv` metadata, language, content hash.

Every file ends either as an `Article` or as a `Rejected` with a reason a person understands; a fault in a
file that is still taken in (a bad front-matter field, a mixed encoding) or in the sidecar is a `Note`. No
input can stop, hang or crash a read: only regular files are opened, YAML is size-, depth- and alias-capped
before it is built, and every metadata field is checked before it is used.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import re
import reprlib
import stat
import time
from array import array
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from .extract.language import detect_language, script_variant
from .extract.registry import UNDETERMINED, normalize_lang

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: front matter of 100k files adds up


class _FrontMatterLoader(_YAML_LOADER):  # type: ignore[misc, valid-type]
    """Safe loader whose timestamps stay text: `date: 2025-02-30` is then a field to check, not a crash."""


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)

SIDECAR = "sources.csv"
SIDECAR_COLUMNS = ("file", "lang", "published", "outlet", "url", "note")  # `note` is the editor's own remark
SIDECAR_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
FRONT_MATTER_MAX_CHARS = 64 * 1024
FRONT_MATTER_MAX_DEPTH = 16  # real front matter is flat; libyaml's composer recurses once per level
FIELD_MAX_CHARS = {"title": 1000, "outlet": 300, "url": 2048}
_LANG_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}")
NOTE = "note:"  # reason prefix of a Note, in quality.quarantine as in the API
# Single-byte Western codecs: a non-ASCII line in one of them that is valid UTF-8 is almost surely UTF-8.
_LATIN_CODECS = {"cp1252", "windows-1252", "latin_1", "iso8859_1", "iso8859_15", "cp1250", "iso8859_2",
                 "mac_roman"}
ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".text", ".html", ".htm", ""}
_HTML_START = re.compile(r"\A\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)
# A dateline near the top of the text ("입력 : 2025.01.25", "2025-11-14 09:35", "2025年12月31日"). The year is
# "(?<!\d)20\d\d" written with its lookbehind after the "2": the pattern then starts with a literal, which the
# regex engine finds with a fast scan instead of trying the lookbehind at every character (5x faster).
_DATELINE = re.compile(r"(2(?<!\d2)0\d\d)\s?[-./年년]\s?(1[0-2]|0?[1-9])\s?[-./月월]\s?(3[01]|[12]\d|0?[1-9])(?!\d)")
DATELINE_CHARS = 400
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


@dataclass(frozen=True, init=False)
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
    notes: tuple[Note, ...] = field(default=(), compare=False)
    stat: FileStat | None = field(default=None, compare=False)  # taken before the bytes were read

    # the generated one of a frozen dataclass sets each field through object.__setattr__: one call here (an
    # article's construction in half the time); the same parameters, in field order
    def __init__(self, doc: str, path: str, sha256: str, text: str, encoding: str, lang: str | None, lang_basis: str,
                 published: date | None, date_basis: str, outlet: str | None, url: str | None, title: str | None,
                 metadata_note: str | None = None, notes: tuple[Note, ...] = (), stat: FileStat | None = None) -> None:
        object.__setattr__(self, "__dict__", {
            "doc": doc, "path": path, "sha256": sha256, "text": text, "encoding": encoding, "lang": lang,
            "lang_basis": lang_basis, "published": published, "date_basis": date_basis, "outlet": outlet, "url": url,
            "title": title, "metadata_note": metadata_note, "notes": notes, "stat": stat})


@dataclass(frozen=True, init=False)
class FileStat:
    """What tells a file unchanged without opening it: size, modification time (ns) and inode."""
    size: int
    mtime_ns: int
    inode: int

    def __init__(self, size: int, mtime_ns: int, inode: int) -> None:  # one call, as Article's
        object.__setattr__(self, "__dict__", {"size": size, "mtime_ns": mtime_ns, "inode": inode})

    @classmethod
    def of(cls, info: os.stat_result) -> FileStat:
        return cls(info.st_size, info.st_mtime_ns, info.st_ino)


@dataclass(frozen=True)
class Rejected:
    doc: str
    path: str
    reason: str
    detail: str


@dataclass(frozen=True)
class Note:
    """A fault the run goes on past: in a file that is still taken in, or in `sources.csv` (reason `note:...`)."""
    doc: str
    path: str
    reason: str
    detail: str


def printable(name: str) -> str:
    """A file name as storable text: bytes that are not UTF-8 (os.fsdecode keeps them as surrogates, which
    DuckDB, Arrow and GX refuse) are written as `\\xNN`."""
    if name.isascii():  # most names, and never a surrogate
        return name
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate os.fsdecode never makes (a name built in code)
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_NOT_REGULAR = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _kind(mode: int) -> str:
    return next((name for test, name in _NOT_REGULAR if test(mode)), "not a regular file")


class _NotRegular(OSError):
    pass


class _TooLarge(OSError):
    pass


def _read_regular(path: Path | str, limit: int, *, follow: bool = True,
                  max_size: int | None = None) -> tuple[bytes, os.stat_result]:
    """At most `limit` bytes of a regular file. O_NONBLOCK and the fstat check cover a FIFO swapped in after
    the caller's stat (or listing): opening it must neither block nor read from it; `follow=False` refuses a
    symlink swapped in for a file listed as none. A file the fstat shows over `max_size` is not read (_TooLarge,
    its size the strerror). Reads are sized by the fstat (a buffered `read(limit)` allocates the whole limit,
    5 MB, per file), and go on to end of file should it have grown. Gives the bytes and the fstat."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegular(errno.EINVAL, _kind(info.st_mode))
        if max_size is not None and info.st_size > max_size:
            raise _TooLarge(errno.EFBIG, str(info.st_size))
        chunks, got = [], 0
        while got < limit:
            want = info.st_size + 1 - got  # one byte past the size: a short read, then an empty one, is the end
            chunk = os.read(fd, min(limit - got, want if want > 0 else 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    finally:
        os.close(fd)
    return (chunks[0] if len(chunks) == 1 else b"".join(chunks)), info


Fault = tuple[str, str]  # (reason, detail) of a Note, before it knows its file


def _os_error(exc: OSError) -> str:
    return exc.strerror or str(exc)


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60
_REPR.maxlist = _REPR.maxdict = 4


def _show(value: Any) -> str:
    """A metadata value in a note, kept short whatever its size."""
    return _REPR.repr(value) if isinstance(value, str) else f"a {type(value).__name__} ({_REPR.repr(value)})"


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


@dataclass
class Sidecar:
    """`sources.csv`: metadata rows by file name, the line each came from, and what was wrong with it."""
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)


def sidecar_path(folder: Path) -> Path:
    """The folder's `sources.csv`, or the one beside the folder (`corpus/sources.csv` for `corpus/articles/`)."""
    own = folder / SIDECAR
    return own if own.exists() or not (folder.parent / SIDECAR).is_file() else folder.parent / SIDECAR


def read_sidecar(folder: Path) -> Sidecar:
    """The rows of a folder's `sources.csv` keyed by file name (none when there is no sidecar). Whatever is
    wrong with it (encoding, header, a bad or repeated row) is a note, never an exception or a silent loss."""
    path = sidecar_path(folder)
    side = Sidecar()

    def note(kind: str, detail: str, doc: str = SIDECAR) -> Sidecar:
        side.notes.append(Note(doc, printable(str(path)), NOTE + kind, detail))
        return side

    unused = "no file gets metadata from it"
    try:
        info = path.stat()
    except FileNotFoundError:
        return side
    except OSError as exc:
        return note("sidecar_ignored", f"{SIDECAR} cannot be read ({_os_error(exc)}); {unused}")
    if not stat.S_ISREG(info.st_mode):
        return note("sidecar_ignored", f"{SIDECAR} is {_kind(info.st_mode)}, not a regular file; not opened, {unused}")
    if info.st_size > SIDECAR_MAX_BYTES:
        return note("sidecar_ignored", f"{SIDECAR} is {info.st_size} bytes, over the {SIDECAR_MAX_BYTES}-byte "
                                       f"limit; {unused}")
    try:
        text, encoding = decode(_read_regular(path, SIDECAR_MAX_BYTES)[0])
    except OSError as exc:
        return note("sidecar_ignored", f"{SIDECAR} cannot be read ({_os_error(exc)}); {unused}")
    except (ValueError, UnicodeDecodeError) as exc:
        return note("sidecar_ignored", f"{SIDECAR} is not text ({exc}); {unused}")
    if encoding not in ("utf-8", "utf-8-sig"):
        note("sidecar_encoding", f"{SIDECAR} is not UTF-8; it was read as {encoding}")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return note("sidecar_header", f"{SIDECAR} line 1 (the header) cannot be read ({exc}); {unused}")
    if not header:
        return side
    columns = [c.strip().lower() for c in header]
    if "file" not in columns:
        return note("sidecar_header", f"{SIDECAR} has no 'file' column (its header is {_show(','.join(header))}; "
                                      f"expected {','.join(SIDECAR_COLUMNS)}); none of its rows is used")
    unknown = [c for c in dict.fromkeys(columns) if c not in SIDECAR_COLUMNS]
    repeated = [c for c in dict.fromkeys(columns) if columns.count(c) > 1]
    if unknown or repeated:
        note("sidecar_header", f"{SIDECAR} header: " + "; ".join(
            ([f"unknown columns {', '.join(map(repr, unknown))} are ignored"] if unknown else []) +
            ([f"columns {', '.join(map(repr, repeated))} appear twice; the first is used"] if repeated else [])))
    index = {c: columns.index(c) for c in SIDECAR_COLUMNS if c in columns}
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            why = (f"a field is over the {csv.field_size_limit()}-character limit" if "field limit" in str(exc)
                   else str(exc))
            note("sidecar_bad_row", f"{SIDECAR} line {line}: {why}; the row is skipped")
            if reader.line_num < line:  # nothing consumed: stop rather than spin
                break
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns):
            note("sidecar_bad_row", f"{SIDECAR} line {line} has {len(cells)} fields for {len(columns)} columns; "
                                    "the extra fields are ignored")
        row = {c: cells[i].strip() for c, i in index.items() if i < len(cells)}
        name = row.get("file", "")
        if not name:
            note("sidecar_bad_row", f"{SIDECAR} line {line} names no file; the row is skipped")
            continue
        if name in side.rows:  # the later row wins, as an appended correction would, and the user is told
            note("sidecar_duplicate", f"{SIDECAR} lines {side.lines[name]} and {line} both describe {name!r}; "
                                      f"line {line} is used", doc=name)
        side.rows[name], side.lines[name] = row, line
    return side


# Every signature `filetype` 1.2.0 can match, as what its matchers require at the start of the file (those
# at an offset are in _may_have_magic): a necessary condition, no more; `filetype` still decides. Its ~80 Python
# matchers cost more than the rest of reading a text file, and text almost never begins with one of these.
# tests/test_bad_input.py holds the list of matchers this was checked against: review these when it changes.
_MAGIC_PREFIXES = (
    b"AC10", b"gimp xcf v", b"\xff\xd8\xff", b"\x00\x00\x00\x0c", b"\x89PNG", b"GIF", b"RIFF", b"II*\x00",
    b"MM\x00*", b"BM", b"II\xbc", b"8BPS", b"\x00\x00\x01\x00",  # images
    b"\xff\xf1", b"\xff\xf9", b"MThd", b"ID3", b"\xff\xf2", b"\xff\xf3", b"\xff\xfb", b"M4A ", b"OggS", b"fLaC",
    b"#!AMR\n", b"FORM",  # audio
    b"ftyp3gp", b"\x00\x00\x00\x1c", b"\x1aE\xdf\xa3", b"0&\xb2u", b"\x00\x00\x01", b"FLV\x01",  # video
    b"wOFF", b"wOF2", b"\x00\x01\x00\x00\x00", b"OTTO\x00",  # fonts
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03", b"PK\x05", b"PK\x07",  # Office, OpenDocument, zip, epub
    b"\xce\xb2\xcf\x81", b"\xed\xab\xee\xdb", b"Rar!\x1a\x07", b"\x1f\x8b\x08", b"BZh", b"7z\xbc\xaf'\x1c",
    b"%PDF", b"\xef\xbb\xbf%PDF", b"MZ", b"CWS", b"FWS", b"{\\rtf", b"NES\x1a", b"Cr24", b"MSCF", b"ISc(", b"%!",
    b"\xfd7zXZ\x00", b"SQLi", b"!<arch>", b"\x1f\xa0", b"\x1f\x9d", b"\x89LZO", b"LZIP", b"\x7fELF",
    b"\x04\x22\x4d\x18",  # archives and executables
    *(bytes((first, 0xB5, 0x2F, 0xFD)) for first in range(0x22, 0x29)),  # zstd frame
    *(bytes((first, 0x2A, 0x4D, 0x18)) for first in range(0x50, 0x60)),  # zstd skippable frame
    b"\x00asm",  # wasm
)


def _may_have_magic(data: bytes) -> bool:
    return (data.startswith(_MAGIC_PREFIXES) or data.startswith(b"ftyp", 4)  # ISO media (mp4, mov, heic, ...)
            or data.startswith(b"LP", 34) or data.startswith(b"DIC", 128) or data.startswith(b"ustar", 257))


def binary_kind(data: bytes) -> str | None:
    """What a binary file is (by its magic number, via `filetype`), or None for text."""
    return (magic_kind(data) if _may_have_magic(data) else None) or nul_kind(data)


def magic_kind(data: bytes) -> str | None:
    """What `filetype` makes of the file's head, asked whatever the head holds."""
    import filetype

    kind = filetype.guess(data[:8192])
    return f"{kind.mime} (.{kind.extension})" if kind is not None else None


def nul_kind(data: bytes) -> str | None:
    """Binary data no signature names: NUL bytes outside UTF-16."""
    if data.find(b"\x00", 0, 8192) >= 0 and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary data (NUL bytes)"
    return None


def html_to_text(html: str) -> str | None:
    """The article text of an HTML page (trafilatura), or None when it holds none."""
    import trafilatura

    return trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)


def _utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _by_line(data: bytes, legacy: str) -> str:
    """Each line as UTF-8 when it is, else in the legacy single-byte codec (latin-1 covers cp1252's gaps)."""
    out = []
    for line in data.splitlines(keepends=True):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                out.append(line.decode(legacy))
            except UnicodeDecodeError:
                out.append(line.decode("latin-1"))
    return "".join(out)


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name; UTF-8 first, then a well-kept detector. A file that mixes UTF-8 lines with
    single-byte Western ones (a paste from an old system) is decoded line by line ('mixed utf-8/cp1252'):
    decoding it whole in any one codec garbles one of the two. Raises ValueError when undecodable."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:  # plain "utf-8" is the C fast path; "utf-8-sig" only to drop a BOM
        if data.startswith(b"\xef\xbb\xbf"):
            return data.decode("utf-8-sig"), "utf-8-sig"
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    body = data.removeprefix(b"\xef\xbb\xbf")
    foreign = [line for line in body.splitlines() if not line.isascii()]
    utf8 = sum(map(_utf8, foreign))
    if utf8 and 2 * utf8 >= len(foreign):  # mostly UTF-8: the other lines are the paste
        return _by_line(body, "cp1252"), "mixed utf-8/cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and utf8 and best.encoding in _LATIN_CODECS:
        # in a single-byte Western text a non-ASCII line that is valid UTF-8 is UTF-8 (not so in CJK codecs)
        return _by_line(body, best.encoding), f"mixed utf-8/{best.encoding}"
    if best is None:
        raise ValueError("no text encoding fits these bytes")
    return str(best), best.encoding


def _yaml_refusal(source: str) -> str | None:
    """Why front matter must not be built: anchors and aliases (a few lines of them expand into gigabytes
    when the value is used) or deep nesting (building recurses once per level; 100k levels crash libyaml).
    libyaml's event stream is flat, so reading it is safe at any depth."""
    depth = 0
    for event in yaml.parse(source, Loader=_YAML_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return "uses YAML anchors or aliases, which are not accepted"
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > FRONT_MATTER_MAX_DEPTH:
                return f"nests deeper than {FRONT_MATTER_MAX_DEPTH} levels"
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _front_matter(text: str) -> tuple[dict[str, Any], list[Fault]]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, []

    def ignored(why: str) -> tuple[dict[str, Any], list[Fault]]:
        return {}, [(NOTE + "front_matter_ignored", f"front matter {why}; ignored")]

    source = match.group(1)
    if len(source) > FRONT_MATTER_MAX_CHARS:
        return ignored(f"is {len(source)} characters, over the {FRONT_MATTER_MAX_CHARS}-character limit")
    try:
        if why := _yaml_refusal(source):
            return ignored(why)
        data = yaml.load(source, Loader=_FrontMatterLoader)
    except yaml.YAMLError as exc:
        return ignored(f"is not valid YAML ({str(exc).splitlines()[0][:200]})")
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # e.g. a !!binary or !!int it cannot build
        return ignored(f"cannot be read ({type(exc).__name__}: {str(exc)[:200]})")
    if not isinstance(data, dict):
        return ignored("is not a mapping")
    return data, []


def _dateline(text: str) -> date | None:
    """The first plausible date written near the top of the article body."""
    head = _FRONT_MATTER.match(text)  # not `sub`, which tries the anchored pattern at every character (6 us)
    start = head.end() if head else 0
    body = text[start:start + DATELINE_CHARS]
    for match in _DATELINE.finditer(body):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None


def _lang(raw: Any, basis: str, faults: list[Fault]) -> str | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not _LANG_TAG.fullmatch(raw.strip()):
        faults.append((NOTE + "bad_field", f"{basis} lang {_show(raw)} is not a language tag; ignored"))
        return None
    lang = normalize_lang(raw)
    if lang is None:
        faults.append((NOTE + "unsupported_lang", f"{basis} names unsupported language {raw!r}"))
    return lang


def _text(name: str, raw: Any, basis: str, faults: list[Fault]) -> str | None:
    """A text field, or None with a note when it is not text (a list, a mapping), too long or not storable."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        faults.append((NOTE + "bad_field", f"{basis} {name} is {_show(raw)}, not text; ignored"))
        return None
    value, limit = str(raw).strip(), FIELD_MAX_CHARS[name]
    if len(value) > limit:
        faults.append((NOTE + "bad_field", f"{basis} {name} is {len(value)} characters, over the {limit}-character "
                                           "limit; ignored"))
        return None
    if not _storable(value):
        faults.append((NOTE + "bad_field", f"{basis} {name} is not valid Unicode text; ignored"))
        return None
    return value


def _metadata(text: str, side: dict[str, str], faults: list[Fault]) -> dict[str, Any]:
    """Language, date, outlet, URL and title, each checked; a bad field is a fault and the next source (or
    detection) is used."""
    front, front_faults = _front_matter(text)
    faults.extend(front_faults)
    lang, lang_basis = None, "unknown"
    for basis, raw in ((SIDECAR, side.get("lang")), ("front_matter", front.get("lang") or front.get("language"))):
        lang = _lang(raw, basis, faults)
        if lang:
            lang_basis = basis
            break
        if lang is None and faults and faults[-1][0] == NOTE + "unsupported_lang":
            # the user says which language it is: not one we read, so no other language's words apply
            lang = UNDETERMINED
            lang_basis = f"{basis} names {str(raw)[:20]!r}, not registered: language-independent rules"
            break
    if lang is None:
        lang, lang_basis = detect_language(text), "detected"
    if lang_basis != "detected" or text.startswith("---"):
        # detection already read the variant from the same opening, unless front matter came before the body
        lang = script_variant(lang, text)
    if lang is None:  # never dropped: read with the rules that need no language (ISO codes, symbols, digits)
        lang, lang_basis = UNDETERMINED, "undetermined: language-independent rules"
    published, date_basis = None, "unknown"
    for basis, raw in ((SIDECAR, side.get("published")), ("front_matter", front.get("date"))):
        parsed = _parse_date(raw)
        if parsed:
            published, date_basis = parsed, basis
            break
        if raw is not None and raw != "":
            faults.append((NOTE + "bad_date", f"{basis} date {_show(raw)} is not a date; ignored"))
    if published is None and (found := _dateline(text)):
        published, date_basis = found, "dateline"
    fields = {name: [_text(name, side.get(name), SIDECAR, faults), _text(name, front.get(name), "front_matter", faults)]
              for name in ("outlet", "url")}
    return {
        "lang": lang, "lang_basis": lang_basis, "published": published, "date_basis": date_basis,
        "outlet": fields["outlet"][0] or fields["outlet"][1], "url": fields["url"][0] or fields["url"][1],
        "title": _text("title", front.get("title"), "front_matter", faults),
        "metadata_note": "; ".join(detail for _, detail in faults) or None,
    }


def read_article(path: Path | str, side: dict[str, str] | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 follow: bool = True, name: str | None = None, regular: bool = False) -> Article | Rejected:
    """One file as an Article (with notes on what was wrong but got past), or Rejected with the reason.
    `follow=False`: the caller listed the file as no symlink, and one swapped in since is not read. A folder's
    reader gives the path as a string and the file's `name`: no Path object per file. `regular`: the caller's
    listing saw a regular file, no symlink (the directory's type data), so no stat comes before the open: the
    fstat after it checks the type and size again before a byte is read."""
    if name is None:
        path = Path(path)
        name = path.name
    location = os.fspath(path)
    doc, where = printable(name), printable(location)
    faults: list[Fault] = []
    if doc != name:
        faults.append((NOTE + "file_name_not_utf8", f"the file name has bytes that are not UTF-8; stored as {doc!r}"))

    def reject(reason: str, detail: str) -> Rejected:
        return Rejected(doc=doc, path=where, reason=reason, detail=detail)

    if not regular:
        try:
            info = os.stat(location)  # follows symlinks: a link to a FIFO is refused like the FIFO
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return reject("symlink_loop", "a symlink loop (or a chain of links too long to follow); not read")
            return reject("unreadable", f"cannot read the file: {_os_error(exc)}")
        if not stat.S_ISREG(info.st_mode):  # opening a FIFO waits for a writer forever; a device never ends
            return reject("not_regular_file", f"the file is {_kind(info.st_mode)}, not a regular file; not opened")
        if info.st_size > max_bytes:
            return reject("too_large", f"{info.st_size} bytes is over the {max_bytes}-byte limit; not read")
    try:
        data, info = _read_regular(location, max_bytes + 1, follow=follow, max_size=max_bytes)
    except _TooLarge as exc:
        return reject("too_large", f"{exc.strerror} bytes is over the {max_bytes}-byte limit; not read")
    except _NotRegular as exc:
        return reject("not_regular_file", f"the file is {exc.strerror}, not a regular file; not read")
    except OSError as exc:
        return reject("unreadable", f"cannot read the file: {_os_error(exc)}")
    if len(data) > max_bytes:
        return reject("too_large", f"the file grew past the {max_bytes}-byte limit while being read; not read")
    if not data or data.isspace():  # blank, without a stripped copy of the file
        return reject("empty", "the file has no text")
    if kind := binary_kind(data):
        return reject("binary", f"the file is {kind}, not text")
    try:
        text, encoding = decode(data)
    except (ValueError, UnicodeDecodeError) as exc:
        return reject("undecodable", str(exc))
    if encoding.startswith("mixed"):
        faults.append((NOTE + "mixed_encoding", f"the file mixes UTF-8 lines with {encoding.split('/')[1]} lines; "
                                                "each line was decoded on its own"))
    if _HTML_START.match(text) or _suffix(name).lower() in (".html", ".htm"):
        extracted = html_to_text(text)
        if not extracted:
            return reject("html_without_article", "an HTML page with no article text in it")
        text, encoding = extracted, f"{encoding}+html"  # offsets refer to the extracted article text
    if not text or text.isspace():
        return reject("empty", "the file decodes to blank text")
    metadata = _metadata(text, side or {}, faults)
    return Article(doc=doc, path=where, sha256=hashlib.sha256(data).hexdigest(), text=text, encoding=encoding,
                   stat=FileStat.of(info),
                   notes=tuple([Note(doc, where, reason, detail) for reason, detail in faults]), **metadata)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # the directory's own type data; a stat only for a symlink
    except OSError:
        return False  # cannot be told: read_article gives the reason


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _suffix(name: str) -> str:
    """`PurePath(name).suffix` without building a path (100k names per run)."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


@dataclass
class Listing:
    """A folder's article files in name order, each stat'ed once (following symlinks): the sensor's fingerprint
    and the stat-based skip share these stats, so a run costs one directory scan and one stat per file. Stats
    are kept as C arrays of ints (-1 where the stat failed), not as 100k stat objects or int objects."""
    folder: Path
    taken_ns: int  # before the scan: an index entry written from these stats is dated no later than them
    names: list[str] = field(default_factory=list)
    links: list[bool] = field(default_factory=list)
    regular: list[bool] = field(default_factory=list)
    sizes: array[int] = field(default_factory=lambda: array("q"))
    mtimes: array[int] = field(default_factory=lambda: array("q"))
    inodes: array[int] = field(default_factory=lambda: array("q"))
    others: set[str] = field(default_factory=set)  # every other entry: hidden files, folders, other suffixes
    sidecar: tuple[int, int] | None = None  # (size, mtime_ns) of the folder's own sources.csv

    def paths(self) -> list[Path]:
        return [self.folder / name for name in self.names]

    @cached_property
    def _ascii(self) -> bool:
        """Whether every name is ASCII (most folders), told from all of them at once: each prints as itself."""
        return "".join(self.names).isascii()

    @cached_property
    def docs(self) -> list[str]:
        """The names as stored (`printable`), in the same order."""
        return list(self.names) if self._ascii else [printable(name) for name in self.names]

    @cached_property
    def plain(self) -> bool:
        """Whether every name prints as itself: then no two of them print alike."""
        return self._ascii or all(doc == name for doc, name in zip(self.docs, self.names, strict=True))

    def state(self) -> dict[str, list[int]]:
        """File name -> [size, mtime in ns] of every article file and of the folder's `sources.csv`: it differs
        when a file is added, edited, renamed or deleted, or the sidecar is edited."""
        state = {name: [size, mtime] for name, size, mtime in zip(self.names, self.sizes, self.mtimes, strict=True)}
        if self.sidecar is not None:
            state[SIDECAR] = list(self.sidecar)
        return state

    def fingerprint(self) -> str:
        """A short digest of the names, sizes and mtimes (the sidecar's too), small enough for materialization
        metadata at any corpus size; hashed from the columns as they are (the names joined, the stats' arrays as
        bytes), no string per file. A name holds neither NUL nor '/', and the arrays are fixed-width, so the
        parts cannot be forged into one another."""
        digest = hashlib.sha256("\0".join(self.names).encode("utf-8", "surrogateescape"))
        digest.update(b"/" + self.sizes.tobytes() + b"/" + self.mtimes.tobytes())
        if self.sidecar is not None:
            digest.update(f"//{SIDECAR}\0{self.sidecar[0]}\0{self.sidecar[1]}".encode())
        return digest.hexdigest()[:32]


def list_folder(folder: Path | str, *, stats: bool = True) -> Listing:
    """The folder's article files with one stat each, in name order. The directory's own type data tells a plain
    regular file from the rest (a link, a folder, a special file: the few told apart entry by entry), so the
    names are sorted before any stat and each file is stat'ed once, relative to the open folder (no path walk),
    straight into its column: no entry object, stat object or reordering kept per file. A stat that fails leaves
    -1s: read_article says why when the file is read. Without `stats` (a reader that skips no file, and stats
    each one it opens), no stat but a symlink's: sizes, times and inodes are -1, and `regular` is the entry's
    own type."""
    folder = Path(folder)
    listing = Listing(folder, time.time_ns())
    plain: list[str] = []  # regular files by the directory's type data, not links
    odd: dict[str, tuple[bool, bool]] = {}  # any other article entry: name -> (is a link, its own type is a file)
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        with os.scandir(fd) as entries:
            for entry in entries:
                name = entry.name
                if _is_plain_file(entry):
                    plain.append(name)
                elif _is_article_name(name) and not _is_dir(entry):
                    odd[name] = (entry.is_symlink(), not stats and _is_file(entry))
                else:
                    listing.others.add(name)
        names = []
        for name in plain:
            if _is_article_name(name):
                names.append(name)
            else:
                listing.others.add(name)
        if SIDECAR in listing.others:
            try:
                info = os.stat(SIDECAR, dir_fd=fd)  # following a link, as the sidecar is read
                listing.sidecar = (info.st_size, info.st_mtime_ns)
            except OSError:
                listing.sidecar = (-1, -1)
        names.extend(odd)
        names.sort()
        listing.names = names
        kinds = [odd.get(name, (False, True)) for name in names] if odd else None
        listing.links = [link for link, _ in kinds] if kinds else [False] * len(names)
        if stats:
            _stat_into(listing, fd)
        else:
            listing.regular = [own for _, own in kinds] if kinds else [True] * len(names)
            listing.sizes, listing.mtimes, listing.inodes = (array("q", [-1]) * len(names) for _ in range(3))
    finally:
        os.close(fd)
    return listing


def _is_plain_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file(follow_symlinks=False)  # the directory's own type data: no stat on most systems
    except OSError:
        return False  # told entry by entry, as any other


def _is_article_name(name: str) -> bool:
    """Not hidden, not the sidecar, and with an article suffix (or none)."""
    return not name.startswith(".") and name != SIDECAR and _suffix(name).lower() in ARTICLE_SUFFIXES


def _stat_into(listing: Listing, fd: int) -> None:
    """Each listed file's stat (following links) relative to the folder `fd`, appended to the listing's columns."""
    regular, sizes, mtimes, inodes = listing.regular, listing.sizes, listing.mtimes, listing.inodes
    stat_at = os.stat
    for name in listing.names:
        try:
            info = stat_at(name, dir_fd=fd)
        except OSError:
            regular.append(False)
            sizes.append(-1)
            mtimes.append(-1)
            inodes.append(-1)
            continue
        regular.append(stat.S_ISREG(info.st_mode))
        sizes.append(info.st_size)
        mtimes.append(info.st_mtime_ns)
        inodes.append(info.st_ino)


def _unmatched_rows(folder: Path, sidecar: Sidecar, listing: Listing) -> Iterator[Note]:
    """Sidecar rows naming no article: most often a renamed file, whose metadata must not be guessed."""
    articles = set(listing.names) if sidecar.rows else set()
    where = printable(str(sidecar_path(folder)))
    for name, line in sidecar.lines.items():
        if name in articles:
            continue
        if name in listing.others:
            yield Note(name, where, NOTE + "sidecar_not_an_article",
                       f"{SIDECAR} line {line} names {name!r}, which is not read as an article (a folder, a hidden "
                       "file or not a text file); its metadata is not used")
        else:
            yield Note(name, where, NOTE + "sidecar_missing_file",
                       f"sidecar row names a missing file: {SIDECAR} line {line} names {name!r}, which is not in "
                       "the folder (renamed or deleted?); its metadata is not used")


def read_corpus(folder: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                fallback: dict[str, dict[str, str]] | None = None, listing: Listing | None = None,
                sidecar: Sidecar | None = None,
                unchanged: Container[str] = ()) -> Iterator[Article | Rejected | Note]:
    """Stream a folder's articles in name order, with their `sources.csv` metadata (or `fallback` rows);
    notes on the sidecar come first. `listing` and `sidecar`, when the caller has them, are not taken again.
    A regular file (not a symlink) named in `unchanged` (the caller judged it by the listing's stat and holds
    it) is neither opened nor yielded."""
    folder = Path(folder)
    sidecar = sidecar or read_sidecar(folder)
    yield from sidecar.notes
    side = (fallback or {}) | sidecar.rows
    root = folder.resolve()
    listing = listing or list_folder(folder, stats=bool(unchanged))  # each file read is stat'ed when opened
    yield from _unmatched_rows(folder, sidecar, listing)
    docs: set[str] = set()
    prefix = str(folder / "_")[:-1]  # paths as strings: pathlib per file costs more than the skip itself
    entries = zip(listing.names, listing.docs, listing.links, listing.regular, strict=True)
    if listing.plain:  # no name prints like another: only the files to read are visited (not 100k skips)
        entries = (e for e in entries if e[2] or not e[3] or e[1] not in unchanged)
    for name, doc, link, regular in entries:
        if doc in docs:  # only a name with escaped bytes can print like another file's
            yield Rejected(doc, printable(prefix + name), "duplicate_name",
                           "another file's name prints the same; not read")
            continue
        docs.add(doc)
        if not link and regular and doc == name and doc in unchanged:
            continue
        if link:  # a symlink's target can change under an unchanged link: read every run
            path = folder / name
            try:
                target = path.resolve()
            except (OSError, RuntimeError):  # 3.11 raises RuntimeError on a loop
                yield Rejected(doc, printable(str(path)), "symlink_loop", "a symlink loop (or a chain of links "
                                                                          "too long to follow); not read")
                continue
            if root not in target.parents:
                yield Rejected(doc, printable(str(path)), "outside_folder", "symlink points outside the articles "
                                                                            "folder")
                continue
        yield read_article(prefix + name, side.get(name), max_bytes=max_bytes, follow=link, name=name,
                           regular=regular and not link)


def read_paths(paths: list[str]) -> Iterator[Article | Rejected]:
    """Files and folders given on a command line, each folder read in name order (notes are for the
    warehouse: `capex extract` prints mentions and skipped files)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from (item for item in read_corpus(path) if isinstance(item, Article | Rejected))
        else:
            yield read_article(path, read_sidecar(path.parent).rows.get(path.name))
