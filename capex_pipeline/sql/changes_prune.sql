-- The changes of `upstream` that every consumer has taken in; its latest stays, as the sequence's anchor.
DELETE FROM staging.changes WHERE step = $upstream AND seq < (SELECT min(seq) FROM staging.consumed WHERE upstream = $upstream)
