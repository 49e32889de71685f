"""The benchmark's options, apart from its work, so that building the `capex` parser imports no benchmark code."""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_OUT = Path("/tmp/capex_bench")
QUICK_SIZES = (200, 1000)
DEFAULT_SIZES = (10_000, 100_000)
REAL_MB = 20.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                        help="corpus sizes in articles, comma-separated (default: 10000,100000)")
    parser.add_argument("--quick", action="store_true", help=f"small sizes for a smoke run {QUICK_SIZES}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="work folder for corpora and databases")
    parser.add_argument("--json", help="write the JSON summary here (default: OUT/bench_summary.json)")
    parser.add_argument("--no-e2e", action="store_true", help="skip the end-to-end Dagster runs")
    parser.add_argument("--no-peer", action="store_true", help="skip the Recognizers-Text comparison")
    parser.add_argument("--check-generated", action="store_true",
                        help="also score the extractor on the generated corpus's own truth: a check that the "
                             "generator and the extractor agree, not accuracy (`capex evaluate` measures that)")
    parser.add_argument("--peer-articles", type=int, default=300,
                        help="generated articles the (slow) peer is run on (default 300)")
    parser.add_argument("--article-sizes", metavar="SIZES",
                        help="also time extraction of one article of each size (e.g. 10k,100k,1m,5m): seconds per "
                             "MB should stay flat")
    parser.add_argument("--only-article-sizes", action="store_true", help="run only the --article-sizes part")
    parser.add_argument("--dask-workers", metavar="COUNTS",
                        help="only time the claims step's extraction of the first --sizes corpus on the local path "
                             "and on a loopback Dask cluster of each number of workers (e.g. 1,2,4)")
    parser.add_argument("--real-mb", type=float, default=None, metavar="MB",
                        help="time the whole `capex extract` on about MB megabytes of real articles (the evaluation "
                             "corpus, copied; reading and language detection included) on one core; 0 skips it "
                             f"(default: {REAL_MB}, or 1 with --quick)")
    parser.add_argument("--ui", action="store_true",
                        help="also time a run of the seed corpus launched as the Dagster UI launches one (dagster dev, "
                             "the project's queue and pool, GraphQL launchRun of every asset) against `capex run`")
    parser.add_argument("--e2e-timeout", type=float, default=None, metavar="SECONDS",
                        help="stop an end-to-end run after this long and report it as timed out")
