-- raw_articles, incrementally, in one transaction (tables.publish_articles). The connection's temporary
-- _held(doc, path) (sql/held_files.sql; empty on a full read): files not opened this run, whose rows,
-- quarantine notes and index entries stay. Registered by the caller: _kept(doc): articles read this run that
-- passed the gate; _index: file-index rows of the files read this run; _q: this run's quarantine rows for the
-- step. Everything else the step wrote before is replaced.
CREATE TABLE IF NOT EXISTS raw.articles AS SELECT * FROM _fresh WHERE false;
DELETE FROM raw.articles WHERE doc NOT IN (SELECT doc FROM _held);
INSERT INTO raw.articles BY NAME SELECT * FROM _fresh WHERE doc IN (SELECT doc FROM _kept);
DELETE FROM raw.file_index WHERE doc NOT IN (SELECT doc FROM _held);
INSERT INTO raw.file_index BY NAME
SELECT * FROM _index WHERE sha256 IN (SELECT sha256 FROM _fresh WHERE doc IN (SELECT doc FROM _kept));
DELETE FROM quality.quarantine WHERE step = 'raw_articles' AND NOT EXISTS (
    SELECT 1 FROM _held u
    WHERE u.doc = quality.quarantine.doc AND u.path = json_extract_string(quality.quarantine.record, '$.path'));
INSERT INTO quality.quarantine (step, doc, rule, reason, record, run_id)
SELECT step, doc, rule, reason, record, run_id FROM _q;
DROP TABLE raw.articles_incoming;
