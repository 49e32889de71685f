-- A consumer's old place in the logs, replaced by its new one within its publish (tables.take).
DELETE FROM staging.consumed WHERE consumer = $consumer
