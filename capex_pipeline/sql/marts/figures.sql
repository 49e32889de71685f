-- figures(): one row per figure, i.e. the quotes of one amount in one article (quoted by its primary mention),
-- without the non-USD twin of a stated conversion ("150 billion yuan ($20.9 billion)" is one figure). A temporary macro, so the marts that
-- count figures share one definition and the warehouse file holds no helper object. Its claims: marts.fct_claims,
-- or only its rows of the articles in _scope when a mart is updated for a few companies (marts.refresh).
CREATE OR REPLACE TEMP MACRO figures() AS TABLE
    SELECT doc, amount_id, min(company) AS company, min(metric) AS metric, min(year) AS year,
           min(qualifier) AS qualifier, max(value) AS value, min(currency) AS currency,
           max(usd_value) AS usd_value, min(source) AS source, min(published) AS published,
           coalesce(any_value(quote) FILTER (WHERE primary_mention), min(quote)) AS quote, count(*) AS quotes
    FROM {claims}
    WHERE NOT (currency <> 'USD' AND usd_stated IS NOT NULL)
    GROUP BY doc, amount_id;
