-- A step's table, incrementally, in one transaction (tables.publish_delta; {table} and {step} are filled in
-- from tables.py's names). Registered by the caller: _keep(doc): articles whose rows stay as they are;
-- _frame: the new rows of every other article; _q: their quarantine rows; _state(doc, key): what the new rows
-- were made from. Rows, quarantine rows and state of articles outside _keep are replaced, so a re-run adds no
-- duplicate and rows of deleted articles go.
CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM _frame WHERE false;
DELETE FROM {table} WHERE doc NOT IN (SELECT doc FROM _keep);
INSERT INTO {table} BY NAME SELECT * FROM _frame;
DELETE FROM quality.quarantine WHERE step = '{step}' AND (doc IS NULL OR doc NOT IN (SELECT doc FROM _keep));
INSERT INTO quality.quarantine (step, doc, rule, reason, record, run_id)
SELECT step, doc, rule, reason, record, run_id FROM _q;
DELETE FROM staging.step_state WHERE step = '{step}' AND doc NOT IN (SELECT doc FROM _keep);
INSERT INTO staging.step_state SELECT '{step}', doc, key FROM _state;
