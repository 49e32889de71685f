-- A mart with rows per company, year and metric computed from the figures of the group (`update: group`),
-- brought up to date for the groups in _changed(company, year, metric) within the caller's transaction
-- (marts.refresh): its SQL over _figures (scope_group.sql), which holds every figure of those groups, gives
-- them whole; their rows are replaced.
CREATE OR REPLACE TEMP MACRO figures() AS TABLE FROM _figures;
DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM _changed g WHERE g.company = t.company
    AND g.year IS NOT DISTINCT FROM t.year AND g.metric IS NOT DISTINCT FROM t.metric);
INSERT INTO {table} SELECT * FROM ({sql}) t WHERE EXISTS (SELECT 1 FROM _changed g WHERE g.company = t.company
    AND g.year IS NOT DISTINCT FROM t.year AND g.metric IS NOT DISTINCT FROM t.metric);
