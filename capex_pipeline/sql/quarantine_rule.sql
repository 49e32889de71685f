-- A quality.quarantine from before the rule column: its reason held the rule and its detail the sentence.
ALTER TABLE quality.quarantine ADD COLUMN IF NOT EXISTS rule VARCHAR;
UPDATE quality.quarantine SET rule = reason, reason = coalesce(detail, reason) WHERE rule IS NULL;
ALTER TABLE quality.quarantine DROP COLUMN detail;
