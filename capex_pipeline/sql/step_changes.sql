-- The articles an incremental publish of a step's table replaces, adds or removes (tables.publish_delta): those
-- of its state in _drop, and those of its new state (_state). The step's name is filled in.
SELECT doc, NULL AS company, NULL AS metric, NULL AS year
FROM staging.step_state WHERE step = '{step}' AND doc IN (SELECT doc FROM _drop)
UNION SELECT doc, NULL, NULL, NULL FROM _state
