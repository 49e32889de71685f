-- What each article's marts.fct_claims rows are made from (the mart's step state key): the USD step's key for
-- its USD claims and the article fields the mart carries. Articles no longer in raw.articles drop out.
-- tables.step_todo narrows it to all articles, or to those changed upstream, by their doc.
SELECT s.doc,
       s.key || '|' || md5(to_json(struct_pack(s := a.sha256, p := a.published, b := a.date_basis, o := a.outlet,
                                                 u := a.url))) AS key
FROM staging.step_state s JOIN raw.articles a USING (doc)
WHERE s.step = 'usd_claims' AND s.doc {scope}
