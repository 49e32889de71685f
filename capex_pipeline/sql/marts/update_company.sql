-- A mart with rows per company, year and metric computed from the figures of the group (`update: company`),
-- brought up to date for the companies in _changed(company) within the caller's transaction (marts.refresh):
-- every figure of such a group is in an article with a row of that company (a figure's company is one of its
-- rows'), so the mart's SQL over those articles' figures (_scope) gives those groups whole.
CREATE OR REPLACE TEMP TABLE _scope AS
SELECT DISTINCT doc FROM marts.fct_claims WHERE company IN (SELECT company FROM _changed);
{figures}
DELETE FROM {table} WHERE company IN (SELECT company FROM _changed);
INSERT INTO {table} SELECT * FROM ({sql}) WHERE company IN (SELECT company FROM _changed);
DROP TABLE _scope;
