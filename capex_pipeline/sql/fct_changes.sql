-- The rows an incremental publish of marts.fct_claims replaces or adds (tables.publish_delta), by article,
-- company, metric and year: the rows of articles in _drop, and the new rows in _frame.
SELECT doc, company, metric, year FROM marts.fct_claims WHERE doc IN (SELECT doc FROM _drop)
UNION SELECT doc, company, metric, year FROM _frame
