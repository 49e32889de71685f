"""`capex run | extract | query | export | evaluate | bench`: the command line, above the domain library and the
Dagster layer. Dagster is imported only by `run` (and `bench`'s end-to-end child), so `capex extract` stays a
light, fast path."""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from capex_pipeline import render, warehouse
from capex_pipeline.extract.registry import LexiconError


class UserError(Exception):
    """A mistake the user can fix; printed as one line, never as a traceback."""


def _existing_dir(raw: str) -> Path:
    path = Path(raw)
    if not path.is_dir():
        raise UserError(f"articles folder not found: {raw}")
    return path


def _row_encoder() -> Callable[[Any], str]:
    """json.dumps(row, ensure_ascii=False) for rows of plain values (no cycles): the C encoder json.dumps ends in,
    made once. `JSONEncoder.encode` makes a new one, and its float formatter, for every row (a fifth of writing
    the rows); the public encoder where the C one is missing or takes other arguments."""
    from json import encoder

    plain = json.JSONEncoder(ensure_ascii=False, check_circular=False)
    if encoder.c_make_encoder is None:
        return plain.encode
    try:  # a private constructor: another Python's may take other arguments
        make = encoder.c_make_encoder(None, plain.default, encoder.encode_basestring, None, plain.key_separator,
                                      plain.item_separator, plain.sort_keys, plain.skipkeys, plain.allow_nan)
    except TypeError:
        return plain.encode
    return lambda row: "".join(make(row, 0))


def cmd_extract(args: argparse.Namespace) -> int:
    from capex_pipeline.articles import Article, Rejected, read_paths
    from capex_pipeline.extract import extract_stream

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise UserError(f"no such file or folder: {', '.join(missing)}")
    from capex_pipeline.progress import bar, count_files, visible

    # Young collections 14x rarer than the default (700, 10, 10), full ones 10x: each article leaves thousands of
    # short-lived containers (matches, mentions, rows) beside a long-lived heap (every language's grammar) that a
    # full collection walks whole, every few hundred articles by default (~7% of a run's CPU). The process reads
    # and prints; its few cycles wait a little longer.
    gc.set_threshold(10_000, 10, 100)

    def readable(item: Article | Rejected) -> bool:
        if isinstance(item, Rejected):
            print(f"capex: skipped {item.path}: {item.reason}: {item.detail}", file=sys.stderr)
        return isinstance(item, Article)

    out = sys.stdout
    encode = _row_encoder()
    total = count_files(args.paths) if visible() else None  # a second pass over the folders, for the bar alone
    items = bar(read_paths(args.paths), desc="capex extract", unit="file", total=total)
    for _, mentions in extract_stream(item for item in items if readable(item)):
        if not mentions:
            continue
        if args.jsonl:
            out.write("".join([encode(m.to_json()) + "\n" for m in mentions]))  # one write per article
        else:
            out.write("".join([f"{m.doc}\t{m.start}-{m.end}\t{m.quote}\t{m.value:.6g} {m.currency}\t{m.qualifier}\t"
                               f"{m.year}\t{m.metric}\t{m.company}\t{m.source}\n" for m in mentions]))
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb

    width = args.width or shutil.get_terminal_size((160, 24)).columns
    try:
        with warehouse.analyst_connection(args.db) as con:
            relation = con.sql(args.sql)
            render.write(args.format, relation.columns, relation.iter_rows(), sys.stdout, width=width,
                         max_rows=args.max_rows)
    except (warehouse.RefusedSQL, warehouse.WarehouseUnavailable, duckdb.Error) as exc:
        raise UserError(warehouse.describe_error(exc)) from exc
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from assets.runner import run_pipeline  # the Dagster layer, imported only here
    from capex_pipeline import fx, progress

    articles = _existing_dir(args.articles) if args.articles else None
    db = warehouse.db_path(args.db)
    if args.fx_rates:
        os.environ[fx.RATES_ENV] = os.pathsep.join(str(Path(p).resolve()) for p in args.fx_rates)
    try:
        fx.other_rates()  # a rates file that cannot be read stops here, in one line, before any step runs
    except fx.RatesFileError as exc:
        raise UserError(str(exc)) from exc
    scheduler = _check_cluster(args.dask_scheduler)
    progress.keep_terminal()
    try:
        outcome = run_pipeline(db=db, articles=articles, full_refresh=args.full_refresh, dask_scheduler=scheduler)
    except warehouse.WarehouseUnavailable as exc:
        raise UserError(str(exc)) from exc
    print(outcome.summary)
    return 0 if outcome.success else 1


def _check_cluster(explicit: str | None) -> str | None:
    """The scheduler address in force, after checking it answers: an unreachable or empty cluster stops the
    command here, in one line, before any step runs."""
    from capex_pipeline import cluster

    if scheduler := cluster.scheduler_address(explicit):
        try:
            cluster.check(scheduler)
        except cluster.ClusterUnavailable as exc:
            raise UserError(str(exc)) from exc
    return scheduler


def cmd_backfill(args: argparse.Namespace) -> int:
    from assets.backfill import BadRange, months, run_backfill  # the Dagster layer, imported only here

    try:
        months(args.first, args.last)
    except BadRange as exc:
        raise UserError(str(exc)) from exc
    articles = _existing_dir(args.articles) if args.articles else None
    scheduler = _check_cluster(args.dask_scheduler)
    try:
        outcome = run_backfill(db=warehouse.db_path(args.db), first=args.first, last=args.last, articles=articles,
                               lake_root=args.lake, dask_scheduler=scheduler)
    except warehouse.WarehouseUnavailable as exc:
        raise UserError(str(exc)) from exc
    print(outcome.report())
    return 0 if outcome.success else 1


def cmd_export(args: argparse.Namespace) -> int:
    import duckdb
    import pyarrow.parquet as pq

    from capex_pipeline.marts import ALL

    out = Path(args.out)  # only ever a filesystem path here, never part of SQL
    try:
        with warehouse.analyst_connection(args.db) as con:
            present = {t for (t,) in con.sql("SELECT table_schema || '.' || table_name FROM "
                                             "information_schema.tables").fetchall()}
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise UserError(f"cannot create {out}: {exc.strerror}") from exc
            for mart in ALL:
                if mart.table not in present:
                    continue
                relation = con.sql(f"FROM {mart.table}")  # a name from marts.ALL, not user input
                target = out / f"{mart.name}.{args.format}"
                if args.format == "parquet":
                    pq.write_table(relation.to_arrow_table(), target)
                else:
                    with target.open("w", encoding="utf-8", newline="") as f:
                        render.write("csv", relation.columns, relation.iter_rows(), f)
                print(f"{mart.table} -> {target}")
    except (warehouse.RefusedSQL, warehouse.WarehouseUnavailable, duckdb.Error) as exc:
        raise UserError(warehouse.describe_error(exc)) from exc
    except OSError as exc:
        raise UserError(f"cannot write {exc.filename or out}: {exc.strerror or exc}") from exc
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from capex_pipeline.evaluate import DEFAULT_GOLDS, EVALUATION, FIELDS, STRICT_SOURCE, evaluate_many, locate_articles

    if not args.gold and not EVALUATION.is_dir():
        raise UserError("no evaluation corpus here: evaluation/ ships with the source repository, not the "
                        "package; give --gold FILE --articles DIR")
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
    if (strict := total.accuracy(STRICT_SOURCE)) is not None:
        print(f"source {total.accuracy('source'):.2f} counts 'company statement' as the spender's name; "
              f"as written: {strict:.2f}")
    if total.unread:
        print(f"capex: warning: {len(total.unread)} gold documents have no readable file, their amounts count as "
              f"missed ({', '.join(total.unread[:3])}{', ...' if len(total.unread) > 3 else ''}); give --articles DIR",
              file=sys.stderr)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench.run import run

    return run(args)


# The same sentence is in README.md and docs/analyst-queries.md (tests/test_query_safety.py keeps them equal).
WHICH_FILE = ("Analysts open the published snapshot `data/capex.published.duckdb`, because the working file "
              "`data/capex.duckdb` has one writer and a reader holding it blocks the pipeline.")
SNAPSHOT_DB_HELP = ("the warehouse whose published snapshot is read, or a snapshot file itself (default: $CAPEX_DB "
                    "or data/capex.duckdb, read as data/capex.published.duckdb)")


def build_parser() -> argparse.ArgumentParser:
    from capex_pipeline.extract.registry import OVERLAY_ENV, languages

    langs = languages()
    parser = argparse.ArgumentParser(
        prog="capex", description="AI-capex claims from news, in USD, in DuckDB",
        epilog=f"Reads {len(langs)} languages: {', '.join(langs)}; any other language with the rules that need "
               f"none (ISO codes, symbols, digits). Add words or languages in YAML overlays in the folder named "
               f"by --lexicons or ${OVERLAY_ENV}.")
    parser.add_argument("--lexicons", metavar="DIR",
                        help=f"a folder of YAML overlays: extra words for a language, or a new language "
                             f"(default: ${OVERLAY_ENV})")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="materialize the whole pipeline through Dagster and print a summary")
    run.add_argument("--fx-rates", metavar="CSV", action="append",
                     help="a rates file for currencies the ECB does not quote: CSV with date, currency and per_usd "
                          "(or per_eur); repeat for several (default: $CAPEX_FX_RATES)")
    run.add_argument("--articles", help="articles folder (default: $CAPEX_ARTICLES or the shipped seeds)")
    run.add_argument("--db", help="DuckDB file (default: $CAPEX_DB or data/capex.duckdb)")
    run.add_argument("--full-refresh", action="store_true",
                     help="re-extract every article instead of reusing the claims of unchanged ones")
    run.add_argument("--dask-scheduler", metavar="tcp://HOST:PORT",
                     help="extract on the workers of this Dask scheduler (default: $CAPEX_DASK_SCHEDULER; "
                          "without either, on this machine)")
    run.set_defaults(func=cmd_run)

    fill = sub.add_parser("backfill", help="materialize a range of months into the Parquet lake (one Dagster run "
                                           "per month), then rebuild the lake marts from every published month",
                          description="Articles are partitioned by ingestion month: the sub-folders YYYY-MM/ of the "
                                      "articles folder. Each month is read, extracted, converted and gated on its "
                                      "own and published as Parquet under the lake; the marts go to the lake "
                                      "warehouse beside --db (data/capex.lake.duckdb; analysts: capex query --db "
                                      "data/capex.lake.duckdb).")
    fill.add_argument("--from", dest="first", required=True, metavar="YYYY-MM", help="first month")
    fill.add_argument("--to", dest="last", required=True, metavar="YYYY-MM", help="last month (included)")
    fill.add_argument("--articles", help="articles folder with YYYY-MM/ sub-folders (default: $CAPEX_ARTICLES)")
    fill.add_argument("--lake", metavar="PATH_OR_URL", help="the lake (default: $CAPEX_LAKE or data/lake)")
    fill.add_argument("--db", help="the warehouse beside which the lake's marts go (default: $CAPEX_DB or "
                                   "data/capex.duckdb, so data/capex.lake.duckdb)")
    fill.add_argument("--dask-scheduler", metavar="tcp://HOST:PORT",
                      help="extract on the workers of this Dask scheduler (default: $CAPEX_DASK_SCHEDULER)")
    fill.set_defaults(func=cmd_backfill)

    ext = sub.add_parser("extract", help="print the monetary mentions of files or folders")
    ext.add_argument("paths", nargs="+")
    ext.add_argument("--jsonl", action="store_true", help="one JSON object per mention")
    ext.set_defaults(func=cmd_extract)

    query = sub.add_parser("query", help="run one read-only SQL statement on the published snapshot",
                           description=f"Run one read-only SQL statement (SELECT, FROM, WITH, DESCRIBE, SUMMARIZE, "
                                       f"EXPLAIN) and print its result. {WHICH_FILE} Other files, URLs, "
                                       f"extensions and settings are out of reach.")
    query.add_argument("sql", help="one SELECT-like statement")
    query.add_argument("--db", help=SNAPSHOT_DB_HELP)
    query.add_argument("--format", choices=render.FORMATS, default="table",
                       help="table (default; for reading: every column, long values wrapped, readable numbers), "
                            "markdown, or csv / json / jsonl (full precision, every row)")
    query.add_argument("--markdown", dest="format", action="store_const", const="markdown",
                       help="the same as --format markdown")
    query.add_argument("--max-rows", type=int, default=50, metavar="N",
                       help="rows the table format shows; the rest are counted (default 50; 0 shows all)")
    query.add_argument("--width", type=int, metavar="CHARS",
                       help="width the table format fits into, wrapping long values; when the columns cannot "
                            "fit, each row is shown as a vertical record (default: the terminal's width, else 160)")
    query.set_defaults(func=cmd_query)

    exp = sub.add_parser("export", help="write the marts of the published snapshot as Parquet or CSV files")
    exp.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    exp.add_argument("--out", required=True, help="folder to write <mart>.<format> files into")
    exp.add_argument("--db", help=SNAPSHOT_DB_HELP)
    exp.set_defaults(func=cmd_export)

    bench = sub.add_parser("bench", help="benchmark the extractor and the pipeline on generated corpora")
    from .bench.options import add_arguments  # argparse only: the benchmark's work is imported by `bench`

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
    argv = list(sys.argv[1:] if argv is None else argv)
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lexicons")
    known, _ = early.parse_known_args(argv)
    if known.lexicons:  # before the parser: the registry it lists must include the overlay
        from capex_pipeline.extract import reload_lexicons

        os.environ["CAPEX_LEXICONS"] = known.lexicons
        reload_lexicons()
    try:
        args = build_parser().parse_args(argv)  # the registry it lists reads the overlays: they may be wrong
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows up here rather than at exit
        return code
    except BrokenPipeError:
        # The reader (`| head`) has what it wanted. As the Python docs advise, point stdout at devnull so
        # the interpreter's final flush stays quiet too.
        with suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (UserError, LexiconError) as exc:
        print(f"capex: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("capex: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
