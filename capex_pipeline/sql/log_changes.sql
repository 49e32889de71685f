-- What a publish replaces or adds, logged for the derived marts within the publish's transaction and before
-- its own statements (tables.log_changes, which fills in the query of the (doc, company, metric, year) rows:
-- those of the old rows it replaces and of the new ones; a NULL doc says everything). One sequence number per
-- publish and step.
INSERT INTO staging.changes
SELECT $step, (SELECT coalesce(max(seq), 0) + 1 FROM staging.changes WHERE step = $step), doc, company, metric, year
FROM ({rows});
