-- What the USD step's rows of each article depend on: its claims (the claims step's key) and its date's basis.
-- tables.step_todo narrows it to all articles, or to those changed upstream, by their doc.
SELECT s.doc, s.key || '|' || coalesce(a.date_basis, '') AS key
FROM staging.step_state s JOIN raw.articles a USING (doc)
WHERE s.step = 'claims' AND s.doc {scope}
