-- The articles an incremental publish of raw.articles replaces or adds (tables.publish_articles).
SELECT doc, NULL AS company, NULL AS metric, NULL AS year FROM raw.articles WHERE doc NOT IN (SELECT doc FROM _held)
UNION SELECT doc, NULL, NULL, NULL FROM _kept
