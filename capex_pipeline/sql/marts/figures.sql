-- figures(): one row per figure, i.e. the quotes of one amount in one article (quoted by its primary mention),
-- without the non-USD twin of a stated conversion ("150 billion yuan ($20.9 billion)" is one figure). A temporary
-- macro, so the marts that count figures share one definition and the warehouse file holds no helper object. Its
-- claims: marts.fct_claims, or only the rows of the changed groups' figures when a mart is updated for a few
-- groups (scope_group.sql). Only the columns the marts read: a group update gathers the figures into a table, and
-- an unread column (the amount in its own currency) loaded all of fct_claims' blocks of it at 100k articles.
CREATE OR REPLACE TEMP MACRO figures() AS TABLE
    SELECT doc, amount_id, min(company) AS company, min(metric) AS metric, min(year) AS year,
           min(qualifier) AS qualifier, max(usd_value) AS usd_value, min(source) AS source,
           min(published) AS published, coalesce(any_value(quote) FILTER (WHERE primary_mention), min(quote)) AS quote
    FROM {claims}
    WHERE NOT (currency <> 'USD' AND usd_stated IS NOT NULL)
    GROUP BY doc, amount_id;
