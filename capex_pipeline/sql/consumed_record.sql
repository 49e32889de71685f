-- A consumer has taken in every change of `upstream` up to `seq`, under its SQL's digest (tables.take).
INSERT INTO staging.consumed VALUES ($consumer, $upstream, $seq, $digest)
