-- One row per claim: the USD step's claims with their article's provenance.
SELECT c.claim_id, c.doc, c.company, c.metric, c.year, c.value, c.currency, c.qualifier,
       c.usd_value, c.fx_rate, c.fx_date, c.fx_basis, c.usd_stated, c.implied_rate, c.implied_deviation,
       c.source, c.quote, c.start_offset, c.end_offset, c.amount_id, c.primary_mention, c.lang, c.currency_basis,
       c.note,
       a.published, a.date_basis, a.outlet, a.url, a.sha256 AS article_sha256
FROM staging.usd_claims c JOIN raw.articles a USING (doc)
ORDER BY c.doc, c.start_offset
