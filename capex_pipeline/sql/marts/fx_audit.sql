-- 0.05: an article's implied rate within 5% of the ECB rate agrees with it (see the .yaml).
SELECT claim_id, doc, quote, value, currency, usd_stated, implied_rate, fx_rate AS ecb_rate, fx_date,
       fx_basis, implied_deviation, abs(implied_deviation) <= 0.05 AS agrees
FROM marts.fct_claims WHERE implied_rate IS NOT NULL
ORDER BY abs(implied_deviation) DESC
