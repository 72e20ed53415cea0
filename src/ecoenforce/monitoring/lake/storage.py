"""Where the lake lives: a local folder (default) or S3-compatible object storage, through pyarrow.fs.

A location is a path (`var/lake`, `/srv/lake`) or a URI pyarrow understands, e.g.
`s3://bucket/lake?endpoint_override=minio.internal:9000&scheme=http` (credentials from the usual
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment, or `access_key=`/`secret_key=` in the query).
Local writes are tmp + fsync + rename + fsync(dir); on object storage one PUT is atomic (an object appears whole
or not at all, a killed upload leaves nothing), so files are written in place.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq


def is_uri(location: str | Path) -> bool:
    """True for `scheme://...` locations other than file://."""
    text = str(location)
    return "://" in text and not text.startswith("file://")


class Lake:
    """The lake's filesystem and root; every path argument is relative to the root, '/'-separated."""

    def __init__(self, location: str | Path) -> None:
        self.location = str(location)
        if is_uri(location):
            self.fs, root = pafs.FileSystem.from_uri(self.location)
            self.root = root.rstrip("/")
            self.local = False
        else:
            text = self.location.removeprefix("file://")
            self.fs = pafs.LocalFileSystem()
            self.root = str(Path(text).resolve())
            self.local = True

    def __repr__(self) -> str:
        return f"Lake({self.location!r})"

    def path(self, rel: str = "") -> str:
        """Absolute path of `rel` in the filesystem."""
        return f"{self.root}/{rel}" if rel else self.root

    def makedirs(self, rel: str = "") -> None:
        """Create a directory (a no-op on object storage, where directories are implicit)."""
        if self.local:
            os.makedirs(self.path(rel), exist_ok=True)

    def exists(self, rel: str) -> bool:
        """True when the file exists."""
        return self.fs.get_file_info(self.path(rel)).type == pafs.FileType.File

    def mtime(self, rel: str) -> float | None:
        """Modification time (epoch seconds) of a file, None when absent."""
        info = self.fs.get_file_info(self.path(rel))
        if info.type != pafs.FileType.File or info.mtime is None:
            return None
        return info.mtime.timestamp()

    def list(self, rel: str, prefix: str = "", suffix: str = "") -> list[str]:
        """Base names of the files directly in directory `rel` (empty when it does not exist)."""
        infos = self.fs.get_file_info(pafs.FileSelector(self.path(rel), allow_not_found=True))
        names = [i.base_name for i in infos if i.type == pafs.FileType.File]
        return sorted(n for n in names if n.startswith(prefix) and n.endswith(suffix))

    def dirs(self, rel: str = "") -> list[str]:
        """Base names of the directories directly in `rel`."""
        infos = self.fs.get_file_info(pafs.FileSelector(self.path(rel), allow_not_found=True))
        return sorted(i.base_name for i in infos if i.type == pafs.FileType.Directory)

    def read_table(self, rel: str, columns: list[str] | None = None) -> pa.Table:
        """One Parquet file."""
        return pq.read_table(self.path(rel), columns=columns, filesystem=self.fs)

    def write_table(self, rel_dir: str, name: str, table: pa.Table) -> None:
        """Write `rel_dir/name` so that readers see the whole file or none of it."""
        if not self.local:
            pq.write_table(table, self.path(f"{rel_dir}/{name}"), filesystem=self.fs)
            return
        directory = self.path(rel_dir)
        os.makedirs(directory, exist_ok=True)
        tmp = f"{directory}/.tmp-{name}"
        pq.write_table(table, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, f"{directory}/{name}")
        fsync_dir(directory)

    def delete(self, rel: str) -> None:
        """Remove a file if present."""
        with contextlib.suppress(FileNotFoundError):
            self.fs.delete_file(self.path(rel))

    def read_text(self, rel: str) -> str | None:
        """A small text file, None when absent."""
        try:
            with self.fs.open_input_stream(self.path(rel)) as fh:
                return fh.read().decode("utf-8")
        except FileNotFoundError:
            return None

    def write_text(self, rel: str, text: str) -> None:
        """Replace a small text file atomically."""
        if not self.local:
            with self.fs.open_output_stream(self.path(rel)) as fh:
                fh.write(text.encode("utf-8"))
            return
        target = Path(self.path(rel))
        tmp = target.with_name("." + target.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)

    def files(self, pattern: str = "kind=*/date=*/part-*.parquet") -> list[str]:
        """Paths (absolute in the filesystem) of the lake's data files matching `kind=K/date=D/part-*.parquet`."""
        kind_glob, date_glob, _ = pattern.split("/")
        out = []
        for kind_dir in self.dirs():
            if not _match(kind_dir, kind_glob):
                continue
            for date_dir in self.dirs(kind_dir):
                if _match(date_dir, date_glob):
                    out += [self.path(f"{kind_dir}/{date_dir}/{n}") for n in self.list(f"{kind_dir}/{date_dir}",
                                                                                      "part-", ".parquet")]  # fmt: skip
        return out

    def dataset(self, files: list[str], schema: pa.Schema, partitioning: ds.Partitioning) -> ds.Dataset:
        """A Hive-partitioned dataset over `files` (DuckDB and ibis read it as an Arrow dataset)."""
        return ds.dataset(files, format="parquet", filesystem=self.fs, schema=schema, partitioning=partitioning,
                          partition_base_dir=self.root)  # fmt: skip

    @contextlib.contextmanager
    def write_lock(self):
        """Serialise the check-then-write of loaders sharing a local lake (object storage has no lock: see
        docs/deploy.md for what that leaves open)."""
        if not self.local:
            yield
            return
        os.makedirs(self.root, exist_ok=True)
        fd = os.open(self.path(".write.lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def _match(name: str, glob: str) -> bool:
    """`kind=*`-style match of one path component."""
    import fnmatch

    return fnmatch.fnmatchcase(name, glob)


def fsync_dir(path: str | Path) -> None:
    """Make a rename in `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def as_lake(location) -> Lake:
    """A Lake from a Lake, a path or a URI."""
    return location if isinstance(location, Lake) else Lake(location)
