"""The results store of a study: a folder of Parquet parts under a manifest.

Layout::

    DIR/manifest.json              what the study is (hashes, version, seed, sizes, schema)
    DIR/parts/chunk-000000.parquet one part per finished chunk, rows in sample order

A part is written to a temporary file in ``parts/``, flushed to disk and renamed
into place, so after a crash at any instant a part either exists whole or not at
all; its name is its chunk, so a chunk stored twice replaces itself and no sample is
ever counted twice. Resuming runs exactly the chunks with no part. Each part also
carries the study's hash in its metadata and page checksums, so a part from another
study, a truncated or damaged part, and a manifest of a different study, vehicle or
evtwin version are each reported (:class:`StoreError`) instead of mixed in.

Queries go through DuckDB over the parts; the view ``samples`` holds every row.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from .. import __version__
from .definition import StudyPlan

MANIFEST = "manifest.json"
LOCK = ".lock"
#: How often a run waiting for another run's write lock tries it again [s].
_LOCK_POLL_S = 0.2
PARTS = "parts"
#: Version of this layout; a store of another format is refused.
FORMAT = 1
_PART = re.compile(r"^chunk-(\d{6,})\.parquet$")
_META_KEY = b"evtwin.study"


class StoreError(ValueError):
    """A store that cannot be used as asked: mismatched, corrupt, or not a store."""


def part_name(chunk: int) -> str:
    return f"chunk-{chunk:06d}.parquet"


def schema_for(plan: StudyPlan) -> pa.Schema:
    """The columns of every part: sample id, the variables, the outputs, an error note."""
    fields = [pa.field("sample_id", pa.int64(), nullable=False)]
    fields += [pa.field(g.column, pa.string(), nullable=False) for g in plan.option_groups]
    fields += [pa.field(v.column, pa.float64(), nullable=False) for v in plan.variables]
    fields += [pa.field(o, pa.float64()) for o in plan.study.outputs]
    fields.append(pa.field("error", pa.string()))
    return pa.schema(fields)


#: Files of the package whose content makes the results: code and shipped data.
_CODE_SUFFIXES = (".py", ".yaml", ".yml", ".csv", ".json", ".toml")


@functools.cache
def code_hash() -> str:
    """SHA-256 of evtwin's own code and shipped data (paths and contents).

    A store records it, so that results of a changed model, under the same version
    number (a working copy, a development install), are never resumed into or mixed
    with those of another.
    """
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for f in sorted(root.rglob("*")):
        if f.suffix in _CODE_SUFFIXES and "__pycache__" not in f.parts and f.is_file():
            h.update(f.relative_to(root).as_posix().encode() + b"\0")
            h.update(f.read_bytes())
    return h.hexdigest()


def manifest_for(plan: StudyPlan) -> dict[str, Any]:
    """What identifies a study's results: anything that changes them is here."""
    schema = schema_for(plan)
    return {
        "format": FORMAT,
        "study_name": plan.study.name,
        "study_hash": plan.study_hash,
        "vehicle_id": plan.spec.id,
        "vehicle_hash": plan.vehicle_hash,
        "evtwin_version": __version__,
        "code_hash": code_hash(),
        "seed": plan.study.seed,
        "sampler": plan.study.sampler,
        "n_samples": plan.n_samples,
        "chunk_size": plan.study.chunk_size,
        "n_chunks": plan.n_chunks,
        "schema": [{"name": f.name, "type": str(f.type)} for f in schema],
        "variables": {
            v.path: {
                "column": v.column,
                "distribution": v.distribution,
                "low": v.low,
                "high": v.high,
                "mode": v.mode,
                "grid": list(v.grid),
            }
            for v in plan.variables
        },
        "options": {g.name: list(g.alternatives) for g in plan.option_groups},
        "study": plan.study.model_dump(mode="json"),
    }


#: Manifest fields that must agree for a store to be resumed.
_IDENTITY = (
    "format",
    "study_hash",
    "vehicle_hash",
    "evtwin_version",
    "code_hash",
    "seed",
    "n_samples",
    "chunk_size",
    "schema",
)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, write: Any) -> None:
    """Write through ``write(tmp_path)``, flush to disk, then rename into place."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_dir(path.parent)


@dataclass(frozen=True)
class Store:
    """An open results store (create or resume it with :func:`open_store`)."""

    path: Path
    manifest: dict[str, Any]

    @property
    def parts_dir(self) -> Path:
        return self.path / PARTS

    @property
    def schema(self) -> pa.Schema:
        types = {"int64": pa.int64(), "double": pa.float64(), "string": pa.string()}
        return pa.schema(
            [
                pa.field(c["name"], types[c["type"]], nullable=c["name"] not in _NOT_NULL)
                for c in self.manifest["schema"]
            ]
        )

    def expected_rows(self, chunk: int) -> int:
        n, cs = self.manifest["n_samples"], self.manifest["chunk_size"]
        return int(min(cs, n - chunk * cs))

    def write_part(self, chunk: int, columns: dict[str, NDArray[np.generic]]) -> None:
        """Store a finished chunk, whole or not at all."""
        schema = self.schema
        table = pa.table({f.name: columns[f.name] for f in schema}, schema=schema)
        if table.num_rows != self.expected_rows(chunk):
            raise StoreError(
                f"chunk {chunk} has {table.num_rows} rows, not {self.expected_rows(chunk)}"
            )
        meta = {
            _META_KEY: json.dumps(
                {"study_hash": self.manifest["study_hash"], "chunk": chunk}
            ).encode()
        }
        table = table.replace_schema_metadata(meta)
        _write_atomic(
            self.parts_dir / part_name(chunk),
            lambda tmp: pq.write_table(table, tmp, write_page_checksum=True),
        )

    def done_chunks(self, *, verify: bool = True) -> set[int]:
        """Chunks with a part; with ``verify``, every part is read back and checked.

        Raises
        ------
        StoreError
            Naming a part that is unreadable, of another study or chunk, or of the wrong
            rows or columns.
        """
        done = set()
        for p in sorted(self.parts_dir.iterdir()):
            if p.name.startswith("."):
                continue  # an unfinished write: a crash left it, and it never counted
            m = _PART.match(p.name)
            if m is None:
                raise StoreError(f"{p}: not a part of this store; move it out of {self.parts_dir}")
            chunk = int(m.group(1))
            if not 0 <= chunk < self.manifest["n_chunks"]:
                raise StoreError(
                    f"{p}: chunk {chunk} is outside this study's {self.manifest['n_chunks']} chunks"
                )
            if verify:
                self._check_part(p, chunk)
            done.add(chunk)
        return done

    def _check_part(self, p: Path, chunk: int) -> None:
        hint = "delete it to have the chunk run again"
        try:
            table = pq.ParquetFile(p, page_checksum_verification=True).read()
        except (OSError, pa.ArrowException) as exc:
            raise StoreError(f"{p}: corrupt part ({exc}); {hint}") from None
        meta = (table.schema.metadata or {}).get(_META_KEY)
        info = json.loads(meta) if meta else {}
        if info.get("study_hash") != self.manifest["study_hash"] or info.get("chunk") != chunk:
            raise StoreError(f"{p}: the part belongs to another study or chunk ({info}); {hint}")
        if not table.schema.remove_metadata().equals(self.schema):
            raise StoreError(f"{p}: the part's columns differ from the manifest's; {hint}")
        expected = self.expected_rows(chunk)
        ids = table.column("sample_id").to_numpy()
        start = chunk * self.manifest["chunk_size"]
        if table.num_rows != expected or not np.array_equal(
            ids, np.arange(start, start + expected)
        ):
            raise StoreError(f"{p}: wrong rows for chunk {chunk}; {hint}")

    @contextlib.contextmanager
    def writing(self, wait_s: float = 0.0) -> Iterator[None]:
        """Hold the store's write lock: one run writes a store at a time.

        The lock is the operating system's (``flock``), so it is released when its
        holder dies, however it dies, and a resumed run never finds it stale. Another
        run holding it is an error at once, or after ``wait_s`` seconds of waiting for
        it (a shared cached store, where the other run is doing the same work).
        """
        with _write_lock(self.path, wait_s) as fd:
            if not _same_file(fd, self.path / LOCK):
                # Discarded (--fresh) and perhaps made again while this run waited: the
                # file it holds is no longer the store's lock.
                raise StoreError(
                    f"{self.path}: the store was discarded by another run while this "
                    "one waited for it; nothing written, run again"
                )
            yield

    def clean_temporary(self) -> None:
        """Remove what unfinished writes left (safe only when no run is writing)."""
        for p in self.parts_dir.glob(".*.tmp-*"):
            p.unlink()

    @property
    def parts_glob(self) -> str:
        return str(self.parts_dir / "chunk-*.parquet")


_NOT_NULL = {"sample_id"}


def _is_store(path: Path) -> bool:
    return (path / MANIFEST).is_file()


def open_store(path: str | Path, plan: StudyPlan, *, fresh: bool = False) -> Store:
    """Create a store for a study, or reopen one of the same study to resume it.

    Parameters
    ----------
    path
        The store's folder: new, empty, or a store of this study.
    plan
        The study.
    fresh
        Start again: an existing store at ``path`` is deleted first (only a store;
        any other folder is refused; and not while another run writes it).

    Raises
    ------
    StoreError
        If the folder holds something other than a store, or a store whose manifest
        differs from this study's (naming the fields that differ), or with ``fresh``
        a store another run is writing.
    """
    root = Path(path)
    manifest = manifest_for(plan)
    if root.exists() and any(root.iterdir()):
        if not _is_store(root):
            raise StoreError(f"{root} is not empty and holds no {MANIFEST}: not a study store")
        if fresh:
            _discard(root)
    if _is_store(root):
        store = read_store(root)
        diff = [k for k in _IDENTITY if store.manifest.get(k) != manifest[k]]
        if diff:
            details = "; ".join(
                f"{k}: stored {_short(store.manifest.get(k))}, this run {_short(manifest[k])}"
                for k in diff
            )
            raise StoreError(
                f"{root} holds results of a different study ({details}); "
                "use another folder, or --fresh to discard them"
            )
        store.parts_dir.mkdir(exist_ok=True)
        return store
    (root / PARTS).mkdir(parents=True, exist_ok=True)
    _write_atomic(root / MANIFEST, lambda tmp: tmp.write_text(json.dumps(manifest, indent=2)))
    return Store(root, manifest)


def _discard(root: Path) -> None:
    """Delete a store under its write lock: never one another run is writing. A run
    waiting for the lock meanwhile finds its lock file gone (see ``Store.writing``)."""
    try:
        with _write_lock(root):
            shutil.rmtree(root)
    except StoreError as exc:
        raise StoreError(f"{exc}; not discarded") from None


@contextlib.contextmanager
def _write_lock(root: Path, wait_s: float = 0.0) -> Iterator[int]:
    """Hold the write lock of the store at ``root`` (``flock`` on its lock file, whose
    descriptor this yields); another holder is a StoreError at once, or after
    ``wait_s`` seconds of waiting."""
    with open(root / LOCK, "a") as f:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    waited = f" (waited {wait_s:g} s)" if wait_s > 0 else ""
                    raise StoreError(f"{root}: another run is writing this store{waited}") from None
                time.sleep(min(_LOCK_POLL_S, max(deadline - time.monotonic(), 0.0)))
        try:
            yield f.fileno()
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _same_file(fd: int, path: Path) -> bool:
    """Whether the open file ``fd`` is the file at ``path`` (not one deleted since)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _short(x: object) -> str:
    s = json.dumps(x)
    return s if len(s) <= 40 else s[:37] + "..."


def read_store(path: str | Path) -> Store:
    """Open an existing store for reading (its manifest checked for form)."""
    root = Path(path)
    mf = root / MANIFEST
    if not mf.is_file():
        raise StoreError(f"{root}: no {MANIFEST}; not a study store")
    try:
        manifest = json.loads(mf.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StoreError(f"{mf}: corrupt manifest ({exc})") from None
    missing = [k for k in (*_IDENTITY, "n_chunks") if k not in manifest]
    if not isinstance(manifest, dict) or missing:
        raise StoreError(f"{mf}: not a study manifest (missing {', '.join(missing)})")
    if manifest["format"] != FORMAT:
        raise StoreError(f"{mf}: store format {manifest['format']}, this evtwin reads {FORMAT}")
    return Store(root, manifest)


def query(
    path: str | Path, sql: str, *, verify: bool = True
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run DuckDB SQL over a store; the table ``samples`` holds every stored row.

    Returns the column names and the rows.
    """
    import duckdb

    store = read_store(path)
    if verify:
        store.done_chunks(verify=True)
    with duckdb.connect() as con:
        _samples_view(con, store)
        rel = con.sql(sql)
        if rel is None:
            return [], []
        return list(rel.columns), rel.fetchall()


def columns(path: str | Path, sql: str | None = None) -> dict[str, NDArray[Any]]:
    """The store's rows (or a query's) as one array per column, in sample order."""
    import duckdb

    store = read_store(path)
    store.done_chunks(verify=True)
    with duckdb.connect() as con:
        _samples_view(con, store)
        rel = con.sql(sql or "SELECT * FROM samples ORDER BY sample_id")
        return {k: np.asarray(v) for k, v in rel.fetchnumpy().items()}


def export(path: str | Path, target: str | Path, sql: str | None = None) -> int:
    """Write the store's rows (or a query's) to CSV or Parquet, by the target's suffix.

    Returns the number of rows written.
    """
    import duckdb

    store = read_store(path)
    store.done_chunks(verify=True)
    out = Path(target)
    fmt = {".csv": "FORMAT CSV, HEADER", ".parquet": "FORMAT PARQUET"}.get(out.suffix.lower())
    if fmt is None:
        raise ValueError(f"export to .csv or .parquet, not {out.suffix or 'no suffix'}")
    with duckdb.connect() as con:
        _samples_view(con, store)
        inner = sql or "SELECT * FROM samples ORDER BY sample_id"
        con.execute(f"COPY ({inner}) TO '{_quote(out)}' ({fmt})")
        count = con.execute(f"SELECT count(*) FROM ({inner})").fetchall()
    return int(count[0][0])


def _quote(p: Path | str) -> str:
    return str(p).replace("'", "''")


def _samples_view(con: Any, store: Store) -> None:
    if any(store.parts_dir.glob("chunk-*.parquet")):
        con.execute(
            f"CREATE VIEW samples AS SELECT * FROM read_parquet('{_quote(store.parts_glob)}')"
        )
    else:
        sql_types = {"int64": "BIGINT", "double": "DOUBLE", "string": "VARCHAR"}
        cols = ", ".join(
            f'CAST(NULL AS {sql_types[str(f.type)]}) AS "{f.name}"' for f in store.schema
        )
        con.execute(f"CREATE VIEW samples AS SELECT {cols} WHERE false")


__all__ = [
    "FORMAT",
    "LOCK",
    "MANIFEST",
    "PARTS",
    "Store",
    "StoreError",
    "code_hash",
    "columns",
    "export",
    "manifest_for",
    "open_store",
    "part_name",
    "query",
    "read_store",
    "schema_for",
]
