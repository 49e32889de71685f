"""docs/analyst-queries.md is executable documentation: every query gives the output printed under it."""

from __future__ import annotations

import re

import duckdb
import pytest

from capex_pipeline import warehouse
from capex_pipeline.render import markdown_table

from .conftest import REPO

DOC = REPO / "docs" / "analyst-queries.md"
BLOCK = re.compile(r"```sql\n(?P<sql>.*?)```\n\n(?P<table>(?:\|[^\n]*\|\n?)+)", re.DOTALL)
EXAMPLES = [(m["sql"].strip(), m["table"].strip()) for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))]


def test_the_page_has_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize(("sql", "expected"), EXAMPLES, ids=[f"query{i}" for i in range(len(EXAMPLES))])
def test_query_output_matches_the_docs(seed_run, sql: str, expected: str) -> None:
    _, db = seed_run
    with warehouse.analyst_connection(db) as con:  # what analysts get: the published snapshot, sealed
        relation = con.sql(sql)
        assert markdown_table(relation.columns, relation.fetchall()) == expected


def test_every_mart_table_and_column_is_commented(seed_run) -> None:
    _, db = seed_run
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute("SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()
        columns = con.execute("SELECT table_name, column_name, comment FROM duckdb_columns() "
                              "WHERE schema_name = 'marts'").fetchall()
    assert {t for t, _ in tables} == {"fct_claims", "dim_articles", "capex_consensus", "source_disagreements",
                                      "fx_audit"}
    assert all(comment for _, comment in tables)
    assert [(t, c) for t, c, comment in columns if not comment] == []
