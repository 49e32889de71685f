-- The (doc, company) pairs an incremental publish of marts.fct_claims replaces or adds (tables.publish_delta):
-- the rows of articles outside _keep, and the new rows in _frame.
SELECT doc, company FROM marts.fct_claims WHERE doc NOT IN (SELECT doc FROM _keep)
UNION SELECT doc, company FROM _frame
