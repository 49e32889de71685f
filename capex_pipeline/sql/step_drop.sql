-- _drop(doc) after a full comparison (tables.step_todo, sql/step_keep.sql): every article that the step's
-- table ({table_docs}), its quarantine rows or its state hold and whose rows it does not keep, so that rows
-- written without a state (a lake load, tables.load_lake) go too.
CREATE OR REPLACE TEMP TABLE _drop AS
SELECT doc FROM ({table_docs}
                 UNION SELECT doc FROM quality.quarantine WHERE step = $step
                 UNION SELECT doc FROM staging.step_state WHERE step = $step) d
WHERE doc IS NOT NULL AND doc NOT IN (SELECT doc FROM _keep)
