"""`capex run | extract | query | evaluate`: the command line. Dagster is imported only by `run`, so
`capex extract` stays a light, fast path."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import warehouse


class UserError(Exception):
    """A mistake the user can fix; printed as one line, never as a traceback."""


def _existing_dir(raw: str) -> Path:
    path = Path(raw)
    if not path.is_dir():
        raise UserError(f"articles folder not found: {raw}")
    return path


def cmd_extract(args: argparse.Namespace) -> int:
    from .articles import Rejected, read_paths
    from .extract import extract_article

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise UserError(f"no such file or folder: {', '.join(missing)}")
    out = sys.stdout
    for item in read_paths(args.paths):
        if isinstance(item, Rejected):
            print(f"capex: skipped {item.path}: {item.reason}: {item.detail}", file=sys.stderr)
            continue
        for m in extract_article(item):
            row = m.to_json()
            if args.jsonl:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                out.write(f"{m.doc}\t{m.start}-{m.end}\t{m.quote}\t{m.value:.6g} {m.currency}\t{m.qualifier}\t"
                          f"{m.year}\t{m.metric}\t{m.company}\t{m.source}\n")
    return 0


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A result as a GitHub markdown table (NULL for missing values)."""
    def cell(value: object) -> str:
        return "NULL" if value is None else str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb

    path = warehouse.readable_path(warehouse.db_path(args.db))
    try:
        with warehouse.connect(path, read_only=True, retries=20) as con:
            relation = con.sql(args.sql)
            if relation is None:
                print("ok")
            elif args.markdown:
                print(markdown_table(relation.columns, relation.fetchall()))
            else:
                relation.show(max_width=args.width, max_rows=args.max_rows)
    except duckdb.IOException as exc:
        if not path.exists():
            raise UserError(f"no database at {path}: run `capex run` first") from exc
        raise UserError(f"cannot open {path}: {str(exc).splitlines()[0]}") from exc
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        if "read-only" in message:
            message = f"capex query is read-only; write statements are refused ({message})"
        raise UserError(message) from exc
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from assets.runner import run_pipeline  # the Dagster layer, imported only here

    articles = _existing_dir(args.articles) if args.articles else None
    db = warehouse.db_path(args.db)
    try:
        outcome = run_pipeline(db=db, articles=articles, full_refresh=args.full_refresh)
    except warehouse.WarehouseUnavailable as exc:
        raise UserError(str(exc)) from exc
    print(outcome.summary)
    return 0 if outcome.success else 1


def cmd_export(args: argparse.Namespace) -> int:
    import duckdb

    from .marts import ALL

    path = warehouse.readable_path(warehouse.db_path(args.db))
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {out}: {exc.strerror}") from exc
    if not path.exists():
        raise UserError(f"no database at {path}: run `capex run` first")
    options = "FORMAT parquet" if args.format == "parquet" else "FORMAT csv, HEADER true"
    try:
        with warehouse.connect(path, read_only=True, retries=20) as con:
            for mart in ALL:
                if warehouse.table_exists(con, mart.table):
                    target = out / f"{mart.name}.{args.format}"
                    con.execute(f"COPY {mart.table} TO '{target}' ({options})")
                    print(f"{mart.table} -> {target}")
    except duckdb.Error as exc:
        raise UserError(str(exc).splitlines()[0]) from exc
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import DEFAULT_GOLDS, FIELDS, evaluate_many, locate_articles

    golds = [Path(g) for g in args.gold] if args.gold else list(DEFAULT_GOLDS)
    if missing := [str(g) for g in golds if not g.is_file()]:
        raise UserError(f"gold file not found: {', '.join(missing)}")
    folders = [_existing_dir(a) for a in args.articles or []]
    if len(folders) > len(golds):
        raise UserError("give at most one --articles per --gold")
    pairs = [(g, folders[i] if i < len(folders) else locate_articles(g)) for i, g in enumerate(golds)]
    total, by_lang = evaluate_many(pairs, gold_metadata=args.gold_metadata)
    if args.gold_metadata:
        print("(with the gold files' lang and published lent to articles that lack them: not what a user gets)")
    if args.verbose:
        print("\n".join(total.misses))
    header = f"{'':8}{'amounts':>8}{'P':>7}{'R':>7}{'F1':>7}" + "".join(f"{f:>11}" for f in FIELDS)
    print(header)
    for name, score in [*sorted(by_lang.items()), ("all", total)]:
        fields = "".join(f"{'-' if (a := score.accuracy(f)) is None else f'{a:.2f}':>11}" for f in FIELDS)
        print(f"{name:8}{score.tp + score.fn:>8}{score.precision:>7.3f}{score.recall:>7.3f}{score.f1:>7.3f}{fields}")
    print(f"precision {total.precision:.3f} recall {total.recall:.3f} f1 {total.f1:.3f} "
          f"({total.tp} matched, {total.fp} extra, {total.fn} missed)")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import run

    return run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="capex", description="AI-capex claims from news, in USD, in DuckDB")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="materialize the whole pipeline through Dagster and print a summary")
    run.add_argument("--articles", help="articles folder (default: $CAPEX_ARTICLES or the shipped seeds)")
    run.add_argument("--db", help="DuckDB file (default: $CAPEX_DB or data/capex.duckdb)")
    run.add_argument("--full-refresh", action="store_true",
                     help="re-extract every article instead of reusing the claims of unchanged ones")
    run.set_defaults(func=cmd_run)

    ext = sub.add_parser("extract", help="print the monetary mentions of files or folders")
    ext.add_argument("paths", nargs="+")
    ext.add_argument("--jsonl", action="store_true", help="one JSON object per mention")
    ext.set_defaults(func=cmd_extract)

    query = sub.add_parser("query", help="run read-only SQL against the warehouse and print a table")
    query.add_argument("sql")
    query.add_argument("--db", help="DuckDB file (default: $CAPEX_DB or data/capex.duckdb)")
    query.add_argument("--max-rows", type=int, default=50)
    query.add_argument("--width", type=int, default=160)
    query.add_argument("--markdown", action="store_true", help="print a markdown table (all rows)")
    query.set_defaults(func=cmd_query)

    exp = sub.add_parser("export", help="write the marts as Parquet or CSV files")
    exp.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    exp.add_argument("--out", required=True, help="folder to write <mart>.<format> files into")
    exp.add_argument("--db", help="DuckDB file (default: $CAPEX_DB or data/capex.duckdb)")
    exp.set_defaults(func=cmd_export)

    bench = sub.add_parser("bench", help="benchmark the extractor and the pipeline on generated corpora")
    from .bench import add_arguments  # argparse only: the benchmark's work is imported by `run`

    add_arguments(bench)
    bench.set_defaults(func=cmd_bench)

    ev = sub.add_parser("evaluate", help="score the extractor against a gold file")
    ev.add_argument("--gold", action="append",
                    help="gold JSONL file (repeat to score several; default: the project's evaluation corpus, "
                         "evaluation/seeds.jsonl, dev.jsonl and dev2/gold.jsonl)")
    ev.add_argument("--gold-metadata", action="store_true",
                    help="lend the gold file's lang and published to articles without their own (by default "
                         "articles are read as `capex run` reads them: files and sources.csv only)")
    ev.add_argument("--articles", action="append",
                    help="folder with the documents of the matching --gold (default: <dir>/<stem>/articles, "
                         "<dir>/../<stem>, or the gold file's folder)")
    ev.add_argument("-v", "--verbose", action="store_true", help="list each miss, extra and wrong field")
    ev.set_defaults(func=cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UserError as exc:
        print(f"capex: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("capex: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
