-- _keep(doc): the articles whose rows a step keeps after a full comparison, from which sql/step_drop.sql takes
-- the rest; _todo keeps the articles it (re)does (tables.step_todo).
CREATE OR REPLACE TEMP TABLE _keep AS SELECT doc FROM _todo WHERE keep;
DELETE FROM _todo WHERE keep;
