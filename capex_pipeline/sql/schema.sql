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
