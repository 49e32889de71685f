-- What the claims of each article depend on besides the extractor (whose fingerprint the caller appends): its
-- content, language and publication date, joined as steps.article_keys joins them.
-- tables.step_todo narrows it to all articles, or to those changed upstream, by their doc.
SELECT doc, concat_ws('|', sha256, coalesce(lang, ''), coalesce(CAST(published AS VARCHAR), '')) AS key
FROM raw.articles
WHERE doc {scope}
