SELECT doc, sha256, lang, lang_basis, published, date_basis, outlet, url, title, encoding, n_chars,
       metadata_note, also_named, path
FROM raw.articles ORDER BY doc
