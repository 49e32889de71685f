-- The USD step's new rows, as tables.publish_delta writes them: the claims its gate kept (_kept: their claim_id
-- and the columns fx.convert added, in its order) with their publication dates, in doc and text order. The
-- same columns as sql/usd_input.sql and the conversion, without holding the claims' quotes in Python.
SELECT c.*, a.published, a.date_basis, k.* EXCLUDE (claim_id)
FROM staging.claims c JOIN _kept k USING (claim_id) LEFT JOIN raw.articles a USING (doc)
ORDER BY c.doc, c.start_offset
