SELECT company, year, metric,
       count(*) AS figures,
       count(DISTINCT doc) AS articles,
       count(DISTINCT source) AS sources,
       min(usd_value) AS usd_low,
       median(usd_value) AS usd_median,
       max(usd_value) AS usd_high,
       max(usd_value) - min(usd_value) AS usd_spread,
       CASE WHEN min(usd_value) > 0 THEN max(usd_value) / min(usd_value) END AS high_low_ratio,
       max(published) AS latest_published,
       arg_max(usd_value, struct_pack(p := published, d := doc, q := quote)) AS latest_usd,
       arg_max(quote, struct_pack(p := published, d := doc, q := quote)) AS latest_quote,
       arg_max(doc, struct_pack(p := published, d := doc, q := quote)) AS latest_doc,
       string_agg(DISTINCT source, ', ' ORDER BY source) AS source_list
FROM figures()
WHERE company IS NOT NULL
GROUP BY company, year, metric
ORDER BY company, year NULLS LAST, metric
