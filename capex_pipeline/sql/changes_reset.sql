-- A rebuild supersedes the changes a step logged before it; the last stays, as the sequence's anchor.
DELETE FROM staging.changes WHERE step = $step AND seq < (SELECT max(seq) FROM staging.changes WHERE step = $step)
