-- What `capex run`'s summary points out about the claims it published: those with no USD rate at all, and
-- those whose article has no publication date. Only the rows of either kind are read (the WHERE): the counts
-- of all 336k rows of a 100k corpus cost the run's end 0.14 s and 50 MB, its peak, for the few there are.
SELECT count(*) FILTER (WHERE fx_basis = 'no_rate') AS unrated,
       count(DISTINCT (doc, amount_id)) FILTER (WHERE fx_basis = 'no_rate') AS unrated_figures,
       string_agg(DISTINCT currency, ', ' ORDER BY currency) FILTER (WHERE fx_basis = 'no_rate') AS currencies,
       count(*) FILTER (WHERE date_basis = 'unknown') AS undated,
       count(DISTINCT doc) FILTER (WHERE date_basis = 'unknown') AS undated_articles
FROM marts.fct_claims
WHERE fx_basis = 'no_rate' OR date_basis = 'unknown'
