"""Backups of the whole database and their restore, for `backup_data` and `restore_data`.

SQLite is copied with SQLite's online backup API (`sqlite3.Connection.backup`): a
consistent copy while the site keeps running, which a copy of the file is not (in WAL
mode the newest commits may sit in `db.sqlite3-wal`). PostgreSQL is dumped with `pg_dump
-Fc` and restored with `pg_restore`. Both work on what the `default` connection really is,
so in the tests they back up the test database (an in-memory SQLite one, or `test_…`).

A file is checked before a restore touches the database: that it is a whole backup of
the kind this site uses and of this site's tables."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils.timezone import localtime

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"
# Tables every backup of this site has: the migrations record and its core tables.
REQUIRED_TABLES = ("django_migrations", "directory_municipality", "directory_change")
SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
KIND_NAME = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class Backup:
    """A checked backup file, ready to restore."""

    path: Path
    kind: str  # "sqlite" or "postgresql"
    size: int
    tables: int


def vendor(alias: str = "default") -> str:
    """ "sqlite" or "postgresql"; other databases have no backup command."""
    kind = connections[alias].vendor
    if kind not in SUFFIX:
        raise CommandError(f"Backups work on SQLite and PostgreSQL, not on {kind}.")
    return kind


def describe_database(alias: str = "default") -> str:
    """The database as an operator knows it: the SQLite file, or name@host:port."""
    db = connections[alias].settings_dict
    if connections[alias].vendor == "sqlite":
        return f"the SQLite database {db['NAME']}"
    where = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"the PostgreSQL database {db['NAME']} on {where}"


def default_path(alias: str = "default") -> Path:
    """var/backups/atlas-<date>-<time>.<suffix>, in local time."""
    stamp = localtime().strftime("%Y%m%d-%H%M%S")
    return settings.BACKUP_ROOT / f"atlas-{stamp}{SUFFIX[vendor(alias)]}"


def backup(path: Path, alias: str = "default") -> int:
    """Write a backup of the database to `path` (which must not exist); returns its size.
    The file appears only when it is complete."""
    kind = vendor(alias)
    if path.exists():
        raise CommandError(f"{path} exists already: choose another file.")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if kind == "sqlite":
            _backup_sqlite(partial, alias)
        else:
            _backup_postgresql(partial, alias)
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return path.stat().st_size


def check(path: Path, alias: str = "default") -> Backup:
    """The backup at `path` if it is a whole backup of this site for the database `alias`
    uses; CommandError saying what is wrong otherwise. Reads the file only."""
    kind = vendor(alias)
    if not path.is_file():
        raise CommandError(f"{path}: no such file.")
    with path.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    found = (
        "sqlite"
        if header == SQLITE_HEADER
        else "postgresql"
        if header.startswith(PG_CUSTOM_HEADER)
        else None
    )
    if found is None:
        raise CommandError(
            f"{path} is not a backup: it is neither an SQLite database nor a pg_dump -Fc file."
        )
    if found != kind:
        raise CommandError(
            f"{path} is a backup of a {KIND_NAME[found]} database, "
            f"but this site uses {KIND_NAME[kind]}."
        )
    tables = _check_sqlite(path) if kind == "sqlite" else _check_postgresql(path, alias)
    return Backup(path=path, kind=kind, size=path.stat().st_size, tables=tables)


def restore(backup: Backup, alias: str = "default") -> None:
    """Replace everything in the database with the checked `backup`."""
    if backup.kind == "sqlite":
        _restore_sqlite(backup.path, alias)
    else:
        _restore_postgresql(backup.path, alias)
    # The content types this process remembers may have other ids than the restored ones.
    ContentType.objects.clear_cache()


def made_at(path: Path) -> datetime:
    """When the file was written, in local time."""
    return localtime(datetime.fromtimestamp(path.stat().st_mtime, tz=UTC))


# --- SQLite ---------------------------------------------------------------------------------


def _live_sqlite(alias: str) -> sqlite3.Connection:
    connection = connections[alias]
    if connection.in_atomic_block:
        raise CommandError("A backup or restore cannot run inside a transaction.")
    connection.ensure_connection()
    return connection.connection


def _backup_sqlite(path: Path, alias: str) -> None:
    with contextlib.closing(sqlite3.connect(path)) as target:
        _live_sqlite(alias).backup(target)
        # One self-contained file, whatever journal mode the site uses.
        target.execute("PRAGMA journal_mode=DELETE")
        target.commit()


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _check_sqlite(path: Path) -> int:
    """The number of tables in the backup at `path`, after checking that it is whole."""
    with path.open("rb") as file:
        header = file.read(100)
    # The header names the page size and the number of pages: a shorter file was cut off.
    page_size = int.from_bytes(header[16:18], "big") if len(header) == 100 else 0
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big") if len(header) == 100 else 0
    if not page_size or path.stat().st_size < page_size * pages:
        raise CommandError(f"{path} is cut off: it is shorter than its header says.")
    try:
        with contextlib.closing(_open_read_only(path)) as backup:
            problems = [row[0] for row in backup.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise CommandError(f"{path} is damaged: {problems[0]}")
            tables = {
                row[0]
                for row in backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            _require_tables(path, tables)
            applied = set(backup.execute("SELECT app, name FROM django_migrations"))
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{path} is damaged: {error}") from error
    _require_known_migrations(path, applied)
    return len(tables)


def _require_tables(path: Path, tables: set[str]) -> None:
    missing = [table for table in REQUIRED_TABLES if table not in tables]
    if missing:
        raise CommandError(f"{path} is not a backup of this site: it has no table {missing[0]}.")


def _require_known_migrations(path: Path, applied: set[tuple[str, str]]) -> None:
    """A backup made by a newer version of the site would not fit this code."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(applied - known)
    local_apps = {key[0] for key in known}
    unknown = [(app, name) for app, name in unknown if app in local_apps]
    if unknown:
        raise CommandError(
            f"{path} was made by a newer version of the site (migration "
            f"{'.'.join(unknown[0])} is not in this code): update the code first."
        )


def _restore_sqlite(path: Path, alias: str) -> None:
    live = _live_sqlite(alias)
    with contextlib.closing(_open_read_only(path)) as backup:
        backup.backup(live)
    connections[alias].close()


# --- PostgreSQL -----------------------------------------------------------------------------


def postgres_program(name: str) -> str:
    """`pg_dump` or `pg_restore` on PATH, else in the newest /usr/lib/postgresql/*/bin
    (where Debian keeps them)."""
    if found := shutil.which(name):
        return found

    def version(folder: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name))

    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    for folder in folders:
        if (folder / name).is_file():
            return str(folder / name)
    raise CommandError(
        f"{name} not found: install the PostgreSQL client "
        "(Debian: apt-get install postgresql-client)."
    )


def _postgres_environment(alias: str) -> dict[str, str]:
    """The connection settings as libpq's variables: the password never shows on a command
    line, where other users of the machine could read it."""
    db = connections[alias].settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", db["HOST"]),
        ("PGPORT", db["PORT"]),
        ("PGUSER", db["USER"]),
        ("PGPASSWORD", db["PASSWORD"]),
        ("PGDATABASE", db["NAME"]),
        ("PGSSLMODE", db.get("OPTIONS", {}).get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _run(command: list[str], alias: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, env=_postgres_environment(alias), capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise CommandError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")
    return result


def _backup_postgresql(path: Path, alias: str) -> None:
    _run([postgres_program("pg_dump"), "--format=custom", f"--file={path}"], alias)


def _check_postgresql(path: Path, alias: str) -> int:
    """The number of tables in the dump at `path`, after reading it whole (a dump cut off
    fails here, not half-way through a restore)."""
    program = postgres_program("pg_restore")
    listing = _run([program, "--list", str(path)], alias).stdout
    tables = set(re.findall(r"^\d+; \d+ \d+ TABLE \S+ (\S+) ", listing, re.M))
    _require_tables(path, tables)
    _run([program, "--file=/dev/null", str(path)], alias)
    return len(tables)


def _restore_postgresql(path: Path, alias: str) -> None:
    # Django's own connection holds no lock that would keep pg_restore from dropping tables.
    connections[alias].close()
    # One transaction: a restore that fails half-way changes nothing.
    _run(
        [
            postgres_program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connections[alias].settings_dict['NAME']}",
            str(path),
        ],
        alias,
    )
