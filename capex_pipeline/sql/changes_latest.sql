-- An upstream's latest change, and its latest full rebuild (a NULL doc), 0 where it logged none (tables.since).
SELECT coalesce(max(seq), 0), coalesce(max(seq) FILTER (WHERE doc IS NULL), 0) FROM staging.changes WHERE step = $step
