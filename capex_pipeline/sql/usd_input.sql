-- The claims of the articles the USD step converts again (_docs), with their publication dates.
SELECT c.*, a.published, a.date_basis
FROM staging.claims c JOIN _docs d USING (doc) LEFT JOIN raw.articles a USING (doc)
ORDER BY c.doc, c.start_offset
