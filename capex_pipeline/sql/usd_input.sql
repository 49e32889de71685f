-- The claims of the articles the USD step converts again (_docs, from $first to $last in doc order: a chunk of
-- them, tables.read_docs_in_chunks), with their publication dates.
SELECT c.*, a.published, a.date_basis
FROM staging.claims c JOIN _docs d USING (doc) LEFT JOIN raw.articles a USING (doc)
WHERE c.doc BETWEEN $first AND $last
ORDER BY c.doc, c.start_offset
