-- The marts.fct_claims rows of the articles in _docs (tables.read_docs), in the mart's order; the caller fills
-- in the mart's SELECT (sql/marts/fct_claims.sql).
SELECT * FROM ({mart}) m WHERE m.doc IN (SELECT doc FROM _docs) ORDER BY m.doc, m.start_offset
