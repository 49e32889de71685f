-- A step's work from the changes its upstream steps logged since it last published (tables.step_todo): only
-- those articles' keys are computed and compared. _cand: the articles changed upstream; _cur: their current
-- (doc, key); _todo: those whose key the step's state does not hold; _drop: the candidates whose rows go (redone,
-- or no longer in its input), every other article keeping its rows. Every article with rows, quarantine rows or
-- state of the step has a state: each publish records one for each article it writes, and a writer that does
-- not (the lake load, tables.load_lake) logs a rebuild, after which the step compares everything
-- (sql/step_drop.sql). Statements run one at a time, each with the parameters it names; the caller fills in the
-- query of the step's input.
CREATE OR REPLACE TEMP TABLE _cand AS
SELECT DISTINCT doc FROM staging.changes
WHERE doc IS NOT NULL AND list_contains($upstreams, step) AND seq > $since[list_position($upstreams, step)];
CREATE OR REPLACE TEMP TABLE _cur AS
SELECT c.doc, c.key || '|' || $suffix AS key FROM ({current}) c WHERE c.doc IN (SELECT doc FROM _cand);
-- the state of the candidates only: the step's whole state is never hashed for one article
CREATE OR REPLACE TEMP TABLE _todo AS
SELECT c.doc, c.key FROM _cur c
WHERE NOT EXISTS (SELECT 1 FROM (SELECT doc, key FROM staging.step_state
                                 WHERE step = $step AND doc IN (SELECT doc FROM _cand)) s
                  WHERE s.doc = c.doc AND s.key = c.key);
CREATE OR REPLACE TEMP TABLE _drop AS
SELECT doc FROM _cand WHERE doc NOT IN (SELECT doc FROM _cur WHERE doc NOT IN (SELECT doc FROM _todo));
