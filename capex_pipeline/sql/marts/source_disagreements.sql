-- Each figure against its group's consensus figure (the one closest to the median): linear in the number of
-- figures, not quadratic. 0.10: figures further apart than 10% of the larger one disagree (see the .yaml).
WITH fig AS MATERIALIZED (SELECT * FROM figures()),  -- computed once, read three times
consensus AS (
    SELECT f.company, f.year, f.metric,
           arg_min(struct_pack(usd := f.usd_value, source := f.source, doc := f.doc, quote := f.quote),
                   struct_pack(gap := abs(f.usd_value - g.median_usd), doc := f.doc, quote := f.quote)) AS ref
    FROM fig f
    JOIN (SELECT company, year, metric, median(usd_value) AS median_usd FROM fig
          WHERE company IS NOT NULL GROUP BY ALL) g
      ON f.company = g.company AND f.metric = g.metric AND f.year IS NOT DISTINCT FROM g.year
    GROUP BY f.company, f.year, f.metric
)
SELECT f.company, f.year, f.metric, f.usd_value AS usd, f.qualifier, f.source, f.doc, f.quote,
       c.ref.usd AS consensus_usd, c.ref.source AS consensus_source, c.ref.doc AS consensus_doc,
       c.ref.quote AS consensus_quote,
       abs(f.usd_value - c.ref.usd) / greatest(f.usd_value, c.ref.usd) AS relative_gap
FROM fig f
JOIN consensus c ON f.company = c.company AND f.metric = c.metric AND f.year IS NOT DISTINCT FROM c.year
WHERE abs(f.usd_value - c.ref.usd) > 0.10 * greatest(f.usd_value, c.ref.usd)
  AND (f.doc <> c.ref.doc OR coalesce(f.source, '') <> coalesce(c.ref.source, ''))
ORDER BY f.company, f.year NULLS LAST, f.metric, relative_gap DESC, f.doc, f.quote
