-- A step's work (tables.step_todo): _current(doc, key) is what the step's input holds now; `keep` the articles
-- whose rows the step's table holds for the same key; `todo` every other current article.
SELECT c.doc, c.key, s.doc IS NOT NULL AS keep
FROM _current c LEFT JOIN (SELECT doc, key FROM staging.step_state WHERE step = ?) s USING (doc, key)
