-- _changed(company, year, metric): every group a figure of the changed rows may be in, old or new, after the
-- mart's last build ($step, $since): a figure takes its company, metric and year each from one of its article's
-- rows, so each changed article's companies x metrics x years (NULLs included) covers its figures' groups.
CREATE OR REPLACE TEMP TABLE _changed AS
WITH c AS (SELECT doc, company, metric, year FROM staging.changes WHERE step = $step AND seq > $since
           AND doc IS NOT NULL)
SELECT DISTINCT a.company, y.year, m.metric
FROM c a JOIN c m USING (doc) JOIN c y USING (doc)
WHERE a.company IS NOT NULL
