-- A quality.quarantine from before the rule column: its reason held the rule and its detail the sentence
-- (a gate's detail led each sentence with its expectation's name, which the rule column now holds).
ALTER TABLE quality.quarantine ADD COLUMN IF NOT EXISTS rule VARCHAR;
UPDATE quality.quarantine
SET rule = reason, reason = coalesce(regexp_replace(detail, '(^|; )expect_[a-z_]+: ', '\1', 'g'), reason)
WHERE rule IS NULL;
ALTER TABLE quality.quarantine DROP COLUMN detail;
