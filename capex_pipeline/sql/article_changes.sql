-- The articles an incremental publish of raw.articles replaces or adds (tables.publish_articles).
SELECT doc, NULL AS company FROM raw.articles WHERE doc NOT IN (SELECT doc FROM _unchanged)
UNION SELECT doc, NULL FROM _kept
