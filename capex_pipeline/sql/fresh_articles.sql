-- The articles read this run, one row per content hash: the first file in name order holds the row and the
-- others are listed in also_named (what a full read does). A view: the texts stay in the warehouse file.
CREATE OR REPLACE TEMP VIEW _fresh AS
WITH named AS (SELECT sha256, list(doc ORDER BY doc) AS docs FROM raw.articles_incoming GROUP BY sha256)
SELECT i.* REPLACE (n.docs[2:] AS also_named)
FROM raw.articles_incoming i JOIN named n ON i.sha256 = n.sha256 AND i.doc = n.docs[1];
