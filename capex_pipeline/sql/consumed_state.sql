-- Where a consumer (a step or a derived mart) stands in its upstreams' change logs (tables.since).
SELECT upstream, seq, digest FROM staging.consumed WHERE consumer = $consumer
