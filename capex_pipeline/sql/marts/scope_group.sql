-- What a mart with rows per company, year and metric computed from the figures of the group (`update: group`)
-- is brought up to date from, for the groups in _changed(company, year, metric): _figures, the figures of the
-- changed groups (and a few others). Built once per connection for the same changes (marts.refresh): the group
-- marts updated from them read it, and fct_claims is scanned once, not once per mart (two of its scans held
-- their hash tables and buffers at once at 100k articles: the run's peak).
-- A figure's company, metric and year are each one of its rows' (or NULL when all are), so every figure of such
-- a group has a row of its company, a row of its metric and a row of its year: the figures with such rows
-- (_scope: their doc and amount_id, each with all its rows) include those groups whole. The figures, not their
-- whole articles: a big company's articles quote other companies too, and their rows were a third of the
-- update's peak memory at 100k articles (figures(), marts.refresh).
-- The articles with a row of a changed company first, then only their rows grouped: an INTERSECT of three scans
-- hashed most of the mart's docs (some 60 MB and 0.09 s at 100k articles, twice per run). A NULL matches as '' or
-- 0 (a wider scope is still right).
CREATE OR REPLACE TEMP TABLE _scope AS
SELECT doc, amount_id FROM marts.fct_claims
WHERE doc IN (SELECT doc FROM marts.fct_claims WHERE company IN (SELECT company FROM _changed))
GROUP BY doc, amount_id
HAVING bool_or(company IN (SELECT company FROM _changed))
   AND bool_or(coalesce(metric, '') IN (SELECT coalesce(metric, '') FROM _changed))
   AND bool_or(coalesce(year, 0) IN (SELECT coalesce(year, 0) FROM _changed));
{figures}
CREATE OR REPLACE TEMP TABLE _figures AS FROM figures();
DROP TABLE _scope;
