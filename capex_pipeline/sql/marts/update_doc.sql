-- A mart with rows per article (`update: doc`), brought up to date for the articles in _changed(doc) within
-- the caller's transaction (marts.refresh, which fills in the mart's table and query): their rows are replaced.
DELETE FROM {table} WHERE doc IN (SELECT doc FROM _changed);
INSERT INTO {table} SELECT * FROM ({sql}) WHERE doc IN (SELECT doc FROM _changed);
