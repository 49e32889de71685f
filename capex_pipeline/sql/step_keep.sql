-- _keep(doc): the articles whose rows a step keeps, read by the step's SQL (publish_delta.sql, collisions.sql);
-- _todo keeps the rest, the articles it (re)does (tables.step_todo).
CREATE OR REPLACE TEMP TABLE _keep AS SELECT doc FROM _todo WHERE keep;
DELETE FROM _todo WHERE keep;
