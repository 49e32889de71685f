"""The synthetic benchmark corpus and the benchmark functions, on a small corpus (no timing assertions)."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from capex_app.bench import corpus_gen
from capex_app.bench.extraction import accuracy_on_truth, extraction_throughput
from capex_app.bench.machine import machine
from capex_app.bench.peer import peer_comparison
from capex_pipeline.articles import Article, read_corpus
from capex_pipeline.extract import extract_article

N = 50


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("bench") / "corpus"
    return folder, corpus_gen.generate(folder, N, seed=7)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_corpus(corpus: tuple[Path, Path], tmp_path: Path) -> None:
    folder, _ = corpus
    again = tmp_path / "again"
    corpus_gen.generate(again, N, seed=7)
    assert _files(again) == _files(folder)
    other = tmp_path / "other"
    corpus_gen.generate(other, N, seed=8)
    assert _files(other) != _files(folder)


def test_regenerating_replaces_the_articles(tmp_path: Path) -> None:
    corpus_gen.generate(tmp_path, 20, seed=1)
    corpus_gen.generate(tmp_path, 5, seed=1)
    assert len(list(tmp_path.glob("*.txt"))) == 5
    assert len((tmp_path / corpus_gen.TRUTH_FILE).read_text(encoding="utf-8").splitlines()) == 5


def test_truth_parses_and_quotes_are_in_the_text(corpus: tuple[Path, Path]) -> None:
    folder, truth = corpus
    records = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines()]
    assert len(records) == N == len(list(folder.glob("*.txt")))
    assert {r["lang"] for r in records} >= {"en", "de"}
    assert sum(len(r["amounts"]) for r in records) > N
    for r in records:
        text = (folder / r["doc"]).read_text(encoding="utf-8")
        tag = '"no"' if r["lang"] == "no" else r["lang"]  # a bare `no` would be YAML's false
        assert text.startswith(f"---\nlang: {tag}\ndate: {r['published']}\n---\n")
        for a in r["amounts"]:
            assert set(a) == {"value", "currency", "qualifier", "year", "usd_stated", "metric", "company",
                              "source", "quotes"}
            assert a["value"] > 0 and len(a["currency"]) == 3
            assert a["qualifier"] in {"exact", "min", "max", "approx"}
            assert a["metric"] in {"capex", "ai_infrastructure", "ai_chips", "other"}
            assert all(q in text for q in a["quotes"]), (r["doc"], a)


def test_one_more_article_is_the_next_of_the_same_corpus(tmp_path: Path) -> None:
    corpus_gen.generate(tmp_path / "a", 3, seed=2)
    added = corpus_gen.add_article(tmp_path / "a", 3, seed=2)
    corpus_gen.generate(tmp_path / "b", 4, seed=2)
    assert added.read_bytes() == (tmp_path / "b" / added.name).read_bytes()
    truth = corpus_gen.TRUTH_FILE
    assert (tmp_path / "a" / truth).read_bytes() == (tmp_path / "b" / truth).read_bytes()


def test_extractor_scores_on_generated_truth(corpus: tuple[Path, Path]) -> None:
    folder, truth = corpus
    result = accuracy_on_truth(folder, truth)
    assert result["f1"] >= 0.9, result["miss_examples"]
    assert result["amounts"] > N


def test_extraction_throughput_counts_what_it_timed(corpus: tuple[Path, Path]) -> None:
    """The figures describe the corpus: every article and mention counted, rates derived from the same clock."""
    from capex_pipeline.articles import Article, read_corpus
    from capex_pipeline.extract import extract_article

    folder, _ = corpus
    articles = [a for a in read_corpus(folder) if isinstance(a, Article)]
    result = extraction_throughput(folder, warmup=5)
    assert result["articles"] == N == len(articles)
    assert result["mentions"] == sum(len(extract_article(a)) for a in articles)
    assert result["mb"] == round(sum(len(a.text.encode()) for a in articles) / 1e6, 3)
    rounding = 0.0005 / result["seconds"] + 0.0005 / result["mb"] + 0.001  # rounded to ms and kB
    assert result["mb_per_s"] == pytest.approx(result["mb"] / result["seconds"], rel=rounding)
    assert result["mentions_per_s"] == pytest.approx(result["mentions"] / result["seconds"], rel=rounding)
    assert result["dagster_free_import"] is True


def test_machine_and_peer_skip_message() -> None:
    described = machine()
    assert described["cores"] == os.cpu_count()
    assert described["memory_gib"] and described["memory_gib"] > 0.1 and described["python"].startswith("3.")
    assert isinstance(described["bytecode_cached"], bool)
    peer = peer_comparison(shared=False)
    if importlib.util.find_spec("recognizers_number_with_unit") is None:  # the optional `bench` extra
        assert peer == {"skipped": "peer not installed: pip install .[bench]"}
    else:  # installed, with no corpus and no shared gold asked for: nothing compared, the version named
        assert peer["results"] == [] and peer["version"].startswith("recognizers-text")


@pytest.mark.slow
def test_capex_bench_smoke(tmp_path: Path) -> None:
    """CI's small benchmark: the real `capex bench` on 200 generated articles, end to end through Dagster."""
    from capex_app.cli import main

    summary = tmp_path / "bench.json"
    assert main(["bench", "--sizes", "200", "--no-peer", "--check-generated", "--real-mb", "0.3", "--out",
                 str(tmp_path / "work"), "--json", str(summary)]) == 0
    result = json.loads(summary.read_text())
    run = result["runs"][0]
    assert run["throughput"]["mb_per_s"] > 0 and run["throughput"]["dagster_free_import"] is True
    assert run["generated_check"]["f1"] >= 0.95 and "accuracy" not in run
    # the whole command on real articles wrote every mention the extractor finds in them, in one process each
    real = result["real_text"]
    corpus = tmp_path / "work" / "real_0.3mb"
    expected = sum(len(extract_article(a)) for a in read_corpus(corpus) if isinstance(a, Article))
    assert real["runs"]["corpus"]["exit"] == 0 and real["runs"]["corpus"]["mentions"] == expected > 0
    assert real["articles"] == len(list(corpus.iterdir())) > real["sources"]
    assert run["end_to_end"]["cold"]["success"] and run["end_to_end"]["incremental"]["success"]
    # the GX import is timed where Dagster pays it, apart from the steps: reported, not hidden
    for kind in ("cold", "incremental"):
        e2e = run["end_to_end"][kind]
        assert e2e["resource_init_seconds"] > 0 and "gx" in e2e["resource_init"]
        assert e2e["run_seconds"] > e2e["step_seconds"] + e2e["resource_init_seconds"]
        # the run's processes together, shared pages once: at least the run's own process, well under the sum
        assert 0 < e2e["peak_tree_pss_mb_sampled"] < 4 * e2e["peak_rss_mb_sampled"]


def test_article_size_scaling_reads_every_mention_of_a_long_article() -> None:
    """The one-article benchmark: an article five times longer holds five times the mentions, all found."""
    from capex_app.bench.extraction import article_size_scaling

    small, large = article_size_scaling([10_000, 50_000])
    assert small["bytes"] >= 10_000 and large["bytes"] >= 50_000
    assert small["mentions"] > 0
    assert 0.8 < (large["mentions"] / small["mentions"]) / (large["bytes"] / small["bytes"]) < 1.2
    assert set(large) == {"bytes", "seconds", "mentions", "seconds_per_mb"}
