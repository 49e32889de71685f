-- What `capex run`'s summary points out about the claims it published: those with no USD rate at all, and
-- those whose article has no publication date.
SELECT count(*) FILTER (WHERE fx_basis = 'no_rate') AS unrated,
       count(DISTINCT (doc, amount_id)) FILTER (WHERE fx_basis = 'no_rate') AS unrated_figures,
       string_agg(DISTINCT currency, ', ' ORDER BY currency) FILTER (WHERE fx_basis = 'no_rate') AS currencies,
       count(*) FILTER (WHERE date_basis = 'unknown') AS undated,
       count(DISTINCT doc) FILTER (WHERE date_basis = 'unknown') AS undated_articles
FROM marts.fct_claims
