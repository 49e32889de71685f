-- A step's work from the changes its upstream steps logged since it last published (tables.step_todo): only
-- those articles' keys are computed and compared. _cand: the articles changed upstream; _cur: their current
-- (doc, key); _todo: those whose key the step's state does not hold; _keep: every article in the step's state
-- except those and the candidates that are no longer in its input (deleted). Statements run one at a time,
-- each with the parameters it names; the caller fills in the query of the step's input.
CREATE OR REPLACE TEMP TABLE _cand AS
SELECT DISTINCT doc FROM staging.changes
WHERE doc IS NOT NULL AND list_contains($upstreams, step) AND seq > $since[list_position($upstreams, step)];
CREATE OR REPLACE TEMP TABLE _cur AS
SELECT c.doc, c.key || '|' || $suffix AS key FROM ({current}) c WHERE c.doc IN (SELECT doc FROM _cand);
CREATE OR REPLACE TEMP TABLE _todo AS
SELECT c.doc, c.key FROM _cur c
WHERE NOT EXISTS (SELECT 1 FROM staging.step_state s WHERE s.step = $step AND s.doc = c.doc AND s.key = c.key);
CREATE OR REPLACE TEMP TABLE _keep AS
SELECT doc FROM staging.step_state
WHERE step = $step AND doc NOT IN (SELECT doc FROM _todo)
  AND (doc NOT IN (SELECT doc FROM _cand) OR doc IN (SELECT doc FROM _cur));
