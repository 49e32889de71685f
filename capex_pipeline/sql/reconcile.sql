-- Every extracted claim is in marts.fct_claims exactly once or was quarantined by the USD step.
SELECT (SELECT count(*) FROM staging.claims) AS claims,
       (SELECT count(*) FROM staging.usd_claims) AS usd_claims,
       (SELECT count(*) FROM quality.quarantine WHERE step = 'usd_claims') AS usd_quarantined
