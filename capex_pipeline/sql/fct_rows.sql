-- marts.fct_claims' new rows, as tables.publish_delta writes them: the mart's rows (the caller fills in
-- sql/marts/fct_claims.sql) whose claims the gate kept (_kept.claim_id), in the mart's order.
SELECT m.* FROM ({mart}) m
WHERE m.claim_id IN (SELECT claim_id FROM _kept)
ORDER BY m.doc, m.start_offset
