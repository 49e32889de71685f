-- The articles an incremental publish of a step's table replaces, adds or removes (tables.publish_delta): those
-- in the step's state outside _keep, and those of its new state (_state). The step's name is filled in.
SELECT doc, NULL AS company, NULL AS metric, NULL AS year
FROM staging.step_state WHERE step = '{step}' AND doc NOT IN (SELECT doc FROM _keep)
UNION SELECT doc, NULL, NULL, NULL FROM _state
