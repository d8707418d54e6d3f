"""Saved builds: a configuration kept under a short id, listed, reopened and shared.

A build is a :class:`~evtwin.configurator.build_request.BuildFields` (what the API's
``/evaluate`` takes). Its id is the first :data:`ID_LENGTH` hex digits of the SHA-256 of
its canonical JSON, so the same build always gets the same id (and the same ``/b/<id>``
link); a name (at most :data:`NAME_MAX` characters) is metadata that a later save may
change. Options keep their order: the figures do not depend on it, the messages do.

:class:`BuildStore` keeps builds in one SQLite file (``$EVTWIN_DATA_DIR/builds.sqlite``,
else in the user's data folder, :func:`user_data_dir`). Each call opens its own
connection, in WAL mode with a busy timeout, and each save is one transaction, so many
threads and processes may save at once and none loses another's build. The file is
marked as evtwin's (SQLite's ``application_id``): a file that is not SQLite, or is
another program's database, is refused with its path and left as it is. Every row is
checked when read back (valid fields, canonical text, id matching its content).

:func:`share_query` and :func:`build_from_query` carry a build in a URL's query string
instead, with no database.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import time
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .build_request import BUILD_FIELDS, BuildFields, build_from_query, share_query

#: Hex digits of a build's id (48 bits: a clash is checked for, and refused).
ID_LENGTH = 12
#: Longest name of a build [characters].
NAME_MAX = 80
#: How long a save waits for another writer before giving up [s].
BUSY_TIMEOUT_S = 30.0

_APP_ID = 0x45565457  # "EVTW": SQLite's application_id of an evtwin build store
_SCHEMA_VERSION = 1
_COLUMNS = "id, name, build, created, updated"
_STATE_SQL = (
    "SELECT a.application_id, v.user_version, (SELECT count(*) FROM sqlite_master) "
    "FROM pragma_application_id() AS a, pragma_user_version() AS v"
)
_SCHEMA = (
    "CREATE TABLE builds (id TEXT PRIMARY KEY, name TEXT, build TEXT NOT NULL, "
    "created TEXT NOT NULL, updated TEXT NOT NULL, seq INTEGER NOT NULL)",
    # seq orders the list: clocks of several processes need not agree, a counter does.
    "CREATE INDEX builds_seq ON builds (seq)",
)
_UPSERT = (
    f"INSERT INTO builds ({_COLUMNS}, seq) "
    "VALUES (?, ?, ?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM builds)) "
    "ON CONFLICT (id) DO UPDATE SET name = coalesce(excluded.name, builds.name), "
    "updated = excluded.updated, seq = excluded.seq WHERE builds.build = excluded.build"
)


class BuildStoreError(Exception):
    """The store's file cannot be used; it has been left as it is."""

    def __init__(self, path: Path, msg: str) -> None:
        self.path = path
        super().__init__(f"build store {path}: {msg}")


class CorruptBuildError(BuildStoreError):
    """A saved build that does not read back (changed outside evtwin, or no longer valid)."""

    def __init__(self, path: Path, build_id: str, msg: str) -> None:
        self.build_id = build_id
        super().__init__(path, f"saved build {build_id!r} cannot be read back: {msg}")


class BuildNotFoundError(KeyError):
    """No saved build has this id."""

    def __init__(self, build_id: str) -> None:
        self.build_id = build_id
        super().__init__(build_id)

    def __str__(self) -> str:  # KeyError's own would quote the whole message
        return f"no saved build with id {self.build_id!r}"


@dataclass(frozen=True)
class SavedBuild:
    """A build as saved: its id, name, when it was first and last saved (UTC, ISO 8601)."""

    id: str
    name: str | None
    created: str
    updated: str
    build: BuildFields

    def to_dict(self) -> dict[str, Any]:
        """The id, name and times, then the build's fields."""
        meta = {"id": self.id, "name": self.name, "created": self.created}
        return {**meta, "updated": self.updated, **self.build.model_dump(mode="json")}


def user_data_dir() -> Path:
    """evtwin's folder in the user's data: XDG on Linux, the platform's place elsewhere."""
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / "evtwin"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "evtwin"
    xdg = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec says a relative path is invalid and is to be ignored.
    base = Path(xdg) if os.path.isabs(xdg) else home / ".local" / "share"
    return base / "evtwin"


def default_store_path() -> Path:
    """``$EVTWIN_DATA_DIR/builds.sqlite``, else ``builds.sqlite`` in :func:`user_data_dir`."""
    env = os.environ.get("EVTWIN_DATA_DIR")
    return (Path(env) if env else user_data_dir()) / "builds.sqlite"


def as_build(build: BuildFields | Mapping[str, Any]) -> BuildFields:
    """``build`` as exactly a :class:`BuildFields` (a subclass's extra fields dropped)."""
    if type(build) is BuildFields:
        return build
    if isinstance(build, BuildFields):
        return BuildFields.model_validate({f: getattr(build, f) for f in BUILD_FIELDS})
    return BuildFields.model_validate(dict(build))


def canonical_json(build: BuildFields) -> str:
    """The build's text for hashing and storing: sorted keys, floats by ``repr``, ASCII."""
    data = as_build(build).model_dump(mode="json")
    for key, value in data.items():
        if isinstance(value, float) and value == 0.0:
            data[key] = 0.0  # -0.0 would give the same car a second id
    return json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)


def build_id(build: BuildFields) -> str:
    """The build's id: the start of the SHA-256 of its canonical JSON."""
    return _hash(canonical_json(build))


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:ID_LENGTH]


def clean_name(name: str | None) -> str | None:
    """A build's name with runs of white space made one space; None if blank.

    Raises ValueError for a name over :data:`NAME_MAX` characters or with control
    characters (it is shown in lists and page titles).
    """
    if name is None:
        return None
    text = " ".join(name.split())
    if len(text) > NAME_MAX:
        raise ValueError(f"name: at most {NAME_MAX} characters, got {len(text)}")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        raise ValueError("name: must not contain control characters")
    return text or None


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite may have rolled back already (a full disk, an I/O error).
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class BuildStore:
    """Saved builds in one SQLite file, safe to use from many threads and processes.

    Nothing touches the file until the first call; the first save creates its folder.
    Every method raises :class:`BuildStoreError` (naming the file) when it cannot be used.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()

    def save(self, build: BuildFields | Mapping[str, Any], name: str | None = None) -> SavedBuild:
        """Save ``build`` (named ``name``) and return it as saved.

        Saving a build already saved keeps its id and first time, and takes the new
        name if one is given. Raises ValueError (or pydantic's ValidationError) for a
        bad build or name, before the file is touched.
        """
        text = canonical_json(as_build(build))
        bid, label, now = _hash(text), clean_name(name), _now()
        with self._connection(create=True) as conn:
            assert conn is not None
            conn.execute("BEGIN IMMEDIATE")
            try:
                cur = conn.execute(_UPSERT, (bid, label, text, now, now))
                row = conn.execute(f"SELECT {_COLUMNS} FROM builds WHERE id = ?", (bid,))
                saved = self._saved(row.fetchone())  # a changed row raises here
                if cur.rowcount != 1:
                    msg = f"id {bid!r} is already another build's (a hash clash): not saved"
                    raise BuildStoreError(self.path, msg)
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
        return saved

    def get(self, build_id: str) -> SavedBuild:
        """The build saved as ``build_id``; :class:`BuildNotFoundError` if there is none."""
        with self._connection(create=False) as conn:
            row = None
            if conn is not None:
                sql = f"SELECT {_COLUMNS} FROM builds WHERE id = ?"
                row = conn.execute(sql, (build_id,)).fetchone()
        if row is None:
            raise BuildNotFoundError(build_id)
        return self._saved(row)

    def list(self, limit: int = 100) -> list[SavedBuild]:
        """Up to ``limit`` builds, the most recently saved first."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        with self._connection(create=False) as conn:
            if conn is None:
                return []
            sql = f"SELECT {_COLUMNS} FROM builds ORDER BY seq DESC LIMIT ?"
            rows = conn.execute(sql, (limit,)).fetchall()
        return [self._saved(r) for r in rows]

    def delete(self, build_id: str) -> None:
        """Forget the build saved as ``build_id``; :class:`BuildNotFoundError` if none."""
        with self._connection(create=False) as conn:
            deleted = conn is not None and (
                conn.execute("DELETE FROM builds WHERE id = ?", (build_id,)).rowcount > 0
            )
        if not deleted:
            raise BuildNotFoundError(build_id)

    def _saved(self, row: tuple[Any, ...]) -> SavedBuild:
        """A row checked: valid fields, canonical text whose hash is the id, a sane name."""
        bid, name, text, created, updated = row
        try:
            build = BuildFields.model_validate_json(text)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'build'}: {e['msg']}" for e in exc.errors()
            )
            raise CorruptBuildError(self.path, str(bid), problems) from None
        if canonical_json(build) != text or _hash(text) != bid:
            raise CorruptBuildError(self.path, str(bid), "its content does not match its id")
        try:
            if name is not None and clean_name(name) != name:
                raise ValueError(f"name {name!r} is not a clean name")
            for t in (created, updated):
                datetime.fromisoformat(t)
        except (TypeError, ValueError) as exc:
            raise CorruptBuildError(self.path, str(bid), str(exc)) from None
        return SavedBuild(bid, name, created, updated, build)

    @contextmanager
    def _connection(self, *, create: bool) -> Iterator[sqlite3.Connection | None]:
        """A connection of its own (None: no store yet and ``create`` is false); SQLite's
        errors become :class:`BuildStoreError` naming the file."""
        try:
            conn = self._open(create)
        except sqlite3.DatabaseError as exc:
            raise self._refused(exc) from None
        except sqlite3.Error as exc:
            raise BuildStoreError(self.path, f"{exc}") from None
        try:
            yield conn
        except sqlite3.Error as exc:
            raise BuildStoreError(self.path, str(exc)) from None
        finally:
            if conn is not None:
                conn.close()

    def _refused(self, exc: sqlite3.DatabaseError) -> BuildStoreError:
        if isinstance(exc, sqlite3.OperationalError):
            return BuildStoreError(self.path, str(exc))
        msg = f"is not an SQLite database, or is damaged ({exc}); left as it is"
        return BuildStoreError(self.path, msg)

    def _open(self, create: bool) -> sqlite3.Connection | None:
        if self.path.exists() and not self.path.is_file():
            raise BuildStoreError(self.path, "is not a file")
        if not create and not self.path.exists():
            return None
        if create:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise BuildStoreError(self.path, f"cannot create its folder: {exc}") from None
        # isolation_level=None: transactions are the explicit BEGIN IMMEDIATE of a save.
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA synchronous = FULL")  # a save returned is a save on disk
            if not self._check(conn, create):
                conn.close()
                return None
        except BaseException:
            conn.close()
            raise
        return conn

    def _check(self, conn: sqlite3.Connection, create: bool) -> bool:
        """Whether the file holds a build store, making it one if it is new and ``create``.

        Checked on every connection (a header read): the file may have been replaced.
        """
        state = self._state(conn)
        if state == "new" and create:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if self._state(conn) == "new":  # another process may have been first
                    for sql in _SCHEMA:
                        conn.execute(sql)
                    conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
                    conn.execute(f"PRAGMA application_id = {_APP_ID}")
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
            state = "ours"
        if state != "ours":
            return False
        _to_wal(conn)
        return True

    def _state(self, conn: sqlite3.Connection) -> str:
        """ "ours", or "new" (an empty file); raises for a file that is something else."""
        # One statement, so one read of the file: read one by one, the id could be read
        # before another process's creating transaction and the tables after it (a new
        # store then looks like someone else's database).
        app_id, version, tables = conn.execute(_STATE_SQL).fetchone()
        if app_id == _APP_ID:
            if version > _SCHEMA_VERSION:
                msg = f"was written by a newer evtwin (schema {version}); left as it is"
                raise BuildStoreError(self.path, msg)
            return "ours"
        if app_id != 0 or tables:
            msg = "is an SQLite database but not an evtwin build store; left as it is"
            raise BuildStoreError(self.path, msg)
        return "new"


def _to_wal(conn: sqlite3.Connection) -> None:
    """Put the file in WAL mode (readers read while one writer writes; it stays set in
    the file), as soon as no other connection is in the way.

    The switch needs the file to itself. Asked for while another connection commits a
    write (a new store, still in its first journal mode, saved into by another process),
    SQLite refuses it at once rather than wait, since each would wait on the other; so
    it is asked again until :data:`BUSY_TIMEOUT_S`. A file system without WAL leaves
    the mode as it was, which still works.
    """
    if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() >= deadline:
                raise
            time.sleep(_WAL_RETRY_S)


#: Pause between two asks for WAL mode [s].
_WAL_RETRY_S = 0.01


__all__ = [
    "BUSY_TIMEOUT_S",
    "ID_LENGTH",
    "NAME_MAX",
    "BuildNotFoundError",
    "BuildStore",
    "BuildStoreError",
    "CorruptBuildError",
    "SavedBuild",
    "as_build",
    "build_from_query",
    "build_id",
    "canonical_json",
    "clean_name",
    "default_store_path",
    "share_query",
    "user_data_dir",
]
