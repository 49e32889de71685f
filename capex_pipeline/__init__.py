"""The domain library: articles -> claims -> USD claims -> marts, without Dagster."""

import os

# Polars' allocator keeps the pages a step frees for 10 s by default, so the next step starts from the last one's
# peak (a cold 100k-article run held 700 MB between steps, 500 MB with this). Return them at once. Read once,
# when Polars loads: this package is imported first by every entry point; a value already set wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
