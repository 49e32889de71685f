-- A step's work (tables.step_todo), in this connection's temporary tables so that the 100k keys of a large
-- corpus never come into Python: the query the caller fills in selects (doc, key) of what the step's input
-- holds now, to which $suffix (code, rates, SQL digest) is appended; `keep`: the step's table holds the
-- article for the same key (sql/step_keep.sql splits _todo into _keep and the rest).
CREATE OR REPLACE TEMP TABLE _todo AS
SELECT c.doc, c.key || '|' || $suffix AS key, s.doc IS NOT NULL AND NOT $refresh AS keep
FROM ({current}) c LEFT JOIN (SELECT doc, key FROM staging.step_state WHERE step = $step) s
  ON s.doc = c.doc AND s.key = c.key || '|' || $suffix
