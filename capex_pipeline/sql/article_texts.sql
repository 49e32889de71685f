-- The articles the claims step reads again (_docs: doc, key), with their texts, streamed in batches.
SELECT a.doc, a.path, a.sha256, a.text, a.encoding, a.lang, a.lang_basis, a.published, a.date_basis, a.outlet,
       a.url, a.title, a.metadata_note, d.key AS article_key
FROM raw.articles a JOIN _docs d USING (doc)
ORDER BY a.doc
