-- figures(): one row per figure, i.e. the quotes of one amount in one article, without the non-USD twin of a
-- stated conversion ("150 billion yuan ($20.9 billion)" is one figure). A temporary macro, so the marts that
-- count figures share one definition and the warehouse file holds no helper object.
CREATE OR REPLACE TEMP MACRO figures() AS TABLE
    SELECT doc, amount_id, min(company) AS company, min(metric) AS metric, min(year) AS year,
           min(qualifier) AS qualifier, max(value) AS value, min(currency) AS currency,
           max(usd_value) AS usd_value, min(source) AS source, min(published) AS published,
           min(quote) AS quote, count(*) AS quotes
    FROM marts.fct_claims
    WHERE NOT (currency <> 'USD' AND usd_stated IS NOT NULL)
    GROUP BY doc, amount_id;
