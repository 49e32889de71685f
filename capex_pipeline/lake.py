"""The lake: each partition's step output as Parquet under `<root>/<table>/month=<key>/` (hive-style folders),
where `<root>` is a local folder or an object-store URL (fsspec). Many writers share it: a run writes only its
own partitions, into files named by its run id, so two writers never touch the same file.

Write-audit-publish: a step validates its frame before writing, then writes `part-<run id>.parquet` and
publishes it by replacing the partition's manifest (`_published`, one line: the file's name) in one rename
(an object store's PUT is atomic as well). Readers follow the manifests only, so a file of a run that died
mid-write, or of a partition whose gate failed, is never read: the partition keeps its last good files."""

from __future__ import annotations

import io
import os
import uuid
from pathlib import Path

import polars as pl
from fsspec import AbstractFileSystem
from fsspec.core import url_to_fs

MANIFEST = "_published"
PARTITION = "month"  # the hive column: <table>/month=2024-01/
LAKE_ENV = "CAPEX_LAKE"
DEFAULT_LAKE = Path("data/lake")


def lake_root(explicit: str | None = None) -> str:
    """--lake URL, else $CAPEX_LAKE, else data/lake."""
    return explicit or os.environ.get(LAKE_ENV) or str(DEFAULT_LAKE)


class Lake:
    def __init__(self, root: str) -> None:
        self.url = root
        self.fs: AbstractFileSystem
        self.fs, self.root = url_to_fs(root)

    def _dir(self, table: str, key: str) -> str:
        return f"{self.root}/{table}/{PARTITION}={key}"

    def publish(self, table: str, key: str, frame: pl.DataFrame, run_id: str) -> str:
        """Write `frame` as the partition's new file and publish it; older files of the partition go after."""
        folder = self._dir(table, key)
        self.fs.makedirs(folder, exist_ok=True)
        name = f"part-{run_id}.parquet"
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        with self.fs.open(f"{folder}/{name}", "wb") as out:
            out.write(buffer.getvalue())
        staged = f"{folder}/.{MANIFEST}.{uuid.uuid4().hex}"
        with self.fs.open(staged, "w") as out:
            out.write(name + "\n")
        self.fs.mv(staged, f"{folder}/{MANIFEST}")  # the publication: one rename
        for path in self.fs.ls(folder, detail=False):  # earlier files, and those of runs that died mid-write
            if Path(path).name not in (name, MANIFEST) and Path(path).name.startswith("part-"):
                self.fs.rm(path)
        return f"{folder}/{name}"

    def published(self, table: str, key: str) -> str | None:
        """The partition's published file, or None when it has none yet."""
        manifest = f"{self._dir(table, key)}/{MANIFEST}"
        if not self.fs.exists(manifest):
            return None
        with self.fs.open(manifest, "r") as f:
            return f"{self._dir(table, key)}/{f.read().strip()}"

    def read(self, table: str, key: str) -> pl.DataFrame | None:
        path = self.published(table, key)
        if path is None:
            return None
        with self.fs.open(path, "rb") as f:
            return pl.read_parquet(f)

    def partitions(self, table: str) -> list[str]:
        """Keys of the table's published partitions."""
        base = f"{self.root}/{table}"
        if not self.fs.isdir(base):
            return []
        keys = [Path(p).name.split("=", 1)[1] for p in self.fs.ls(base, detail=False)
                if Path(p).name.startswith(f"{PARTITION}=")]
        return sorted(k for k in keys if self.fs.exists(f"{self._dir(table, k)}/{MANIFEST}"))

    def files(self, table: str) -> list[str]:
        """Every published file of the table, as URLs DuckDB's read_parquet takes (hive folders and all)."""
        found = [self.published(table, key) for key in self.partitions(table)]
        return [self.fs.unstrip_protocol(p) if "://" in self.url else p for p in found if p]
