-- The marts.fct_claims rows of the articles in _docs (tables.read_docs_in_chunks), in the mart's order; the
-- caller fills in the mart's SELECT (sql/marts/fct_claims.sql). The range lets both tables' scans skip the
-- blocks outside the chunk, so each chunk joins its own rows only.
SELECT * FROM ({mart}) m
WHERE m.doc BETWEEN $first AND $last AND m.doc IN (SELECT doc FROM _docs)
ORDER BY m.doc, m.start_offset
