-- A step's table, incrementally, in one transaction (tables.publish_delta; {table} and {step} are filled in
-- from tables.py's names). From tables.step_todo: _drop(doc): the articles whose rows, quarantine rows and state
-- go (every other article keeps them as they are). Registered by the caller: _frame: the new rows of the
-- articles redone; _q: their quarantine rows; _state(doc, key): what the new rows were made from. So a re-run
-- adds no duplicate and rows of deleted articles go.
CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM _frame WHERE false;
DELETE FROM {table} WHERE doc IN (SELECT doc FROM _drop);
INSERT INTO {table} BY NAME SELECT * FROM _frame;
DELETE FROM quality.quarantine WHERE step = '{step}' AND (doc IS NULL OR doc IN (SELECT doc FROM _drop));
INSERT INTO quality.quarantine (step, doc, rule, reason, record, run_id)
SELECT step, doc, rule, reason, record, run_id FROM _q;
DELETE FROM staging.step_state WHERE step = '{step}' AND doc IN (SELECT doc FROM _drop);
INSERT INTO staging.step_state SELECT '{step}', doc, key FROM _state;
