-- A mart with rows per company, year and metric computed from the figures of the group (`update: group`),
-- brought up to date for the groups in _changed(company, year, metric) within the caller's transaction
-- (marts.refresh). A figure's company, metric and year are each one of its rows' (or NULL when all are), so
-- every figure of such a group has a row of its company, a row of its metric and a row of its year: the mart's
-- SQL over the figures with such rows (_scope: their doc and amount_id, each with all its rows) gives those
-- groups whole. The figures, not their whole articles: a big company's articles quote other companies too, and
-- their rows were a third of the update's peak memory at 100k articles (figures(), marts.refresh).
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
DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM _changed g WHERE g.company = t.company
    AND g.year IS NOT DISTINCT FROM t.year AND g.metric IS NOT DISTINCT FROM t.metric);
INSERT INTO {table} SELECT * FROM ({sql}) t WHERE EXISTS (SELECT 1 FROM _changed g WHERE g.company = t.company
    AND g.year IS NOT DISTINCT FROM t.year AND g.metric IS NOT DISTINCT FROM t.metric);
DROP TABLE _scope;
