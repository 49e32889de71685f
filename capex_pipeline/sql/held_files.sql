-- The stat-based skip (tables.HeldFiles): the listed files raw.file_index holds as they are now, joined here
-- from the listing's columns (registered _files: doc, held_kind, size, mtime_ns, inode, side_key), so no row
-- per indexed file comes into Python. A file is held when it is plain, regular and not a symlink (held_kind),
-- and its size, mtime, inode and sources.csv row are those of its entry under this reader key, the entry
-- written more than $racy_ns after the mtime (a later edit in the same clock tick would keep the stat).
CREATE OR REPLACE TEMP TABLE _held AS
SELECT f.doc, i.sha256, $shown || f.doc AS path
FROM _files f JOIN raw.file_index i ON i.doc = f.doc AND i.reader_key = $reader_key
WHERE f.held_kind AND f.size = i.size AND f.mtime_ns = i.mtime_ns AND f.inode = i.inode
  AND f.side_key = i.sidecar_key AND i.indexed_ns - f.mtime_ns > $racy_ns
