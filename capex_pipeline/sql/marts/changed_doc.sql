-- _changed(doc): the articles whose rows a step's publishes changed after the mart's last build ($step, $since).
CREATE OR REPLACE TEMP TABLE _changed AS
SELECT DISTINCT doc FROM staging.changes WHERE step = $step AND seq > $since AND doc IS NOT NULL
