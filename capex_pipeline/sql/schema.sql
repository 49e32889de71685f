-- The warehouse's layers and the quality tables every gated step writes (capex_pipeline/tables.py runs this
-- before each write; the step and mart tables themselves are created from their frames and SQL).
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS quality;

-- A refused file or row, or a note on a fault the run went past (rule 'note:...').
CREATE TABLE IF NOT EXISTS quality.quarantine (
    step VARCHAR NOT NULL,   -- the asset that refused it
    doc VARCHAR,             -- the article (or sources.csv) it belongs to
    rule VARCHAR,            -- what fired: a reader rule ('empty', 'note:bad_date') or GX expectation(column)
    reason VARCHAR NOT NULL, -- the sentence a person reads
    record VARCHAR,          -- the refused row as JSON
    run_id VARCHAR,
    recorded_at TIMESTAMP DEFAULT current_timestamp);

-- Every Great Expectations run of a step's suite, passed or not.
CREATE TABLE IF NOT EXISTS quality.validations (
    run_id VARCHAR, step VARCHAR, suite VARCHAR, success BOOLEAN, expectations INTEGER, failed INTEGER,
    rows_quarantined INTEGER, details JSON, validated_at TIMESTAMP DEFAULT current_timestamp);

-- The files raw.articles was read from, by their stat: a file whose size, mtime, inode and sources.csv row are
-- unchanged is not opened again (raw_articles). reader_key names what reading depends on (the folder, the size
-- limit, the reader and language code); an entry under another key, or one written within RACY_NS of its own
-- mtime (a file edited twice in one clock tick), is not trusted. Deleting the table makes the next run re-hash
-- every file, as `capex run --full-refresh` does.
CREATE TABLE IF NOT EXISTS raw.file_index (
    doc VARCHAR, size BIGINT, mtime_ns BIGINT, inode BIGINT, sidecar_key VARCHAR, reader_key VARCHAR,
    sha256 VARCHAR, indexed_ns BIGINT);

-- Which version (key) of each article a step's table holds, so a run redoes only the articles whose key
-- changed, and a step whose gate failed catches up on the next run.
CREATE TABLE IF NOT EXISTS staging.step_state (step VARCHAR, doc VARCHAR, key VARCHAR);

-- What a step's publish changed, for the steps and marts that read its table: the articles of the rows it
-- replaced or added (for marts.fct_claims with each row's company, metric and year), under the publish's
-- sequence number; a row with no doc says that everything may have changed (a full rebuild). Rows every
-- consumer has read are pruned.
CREATE TABLE IF NOT EXISTS staging.changes (step VARCHAR, seq BIGINT, doc VARCHAR, company VARCHAR, metric VARCHAR,
                                            year BIGINT);

-- The last change (seq) of each upstream step a consumer (a step or a derived mart) has taken in, and the digest
-- of what else its rows depend on (its code, SQL or rates): a consumer redoes only what changed since, and
-- compares every article (or rebuilds whole) when it has no state, the digest changed or the upstream was rebuilt.
CREATE TABLE IF NOT EXISTS staging.consumed (consumer VARCHAR, upstream VARCHAR, seq BIGINT, digest VARCHAR);
