"""Versioned schema changes: finance/store/migrations/NNNN_name.sql, applied once each, in order.

A migration is one file of SQL that both DuckDB and PostgreSQL run as written; where they differ, a
file named ``NNNN_name.duckdb.sql`` or ``NNNN_name.postgres.sql`` takes the portable file's place on
that backend. The table ``schema_migrations`` records each version applied and when. Migrating
runs inside the caller's transaction, so a migration that fails leaves the store as it was; on
PostgreSQL an advisory lock makes two servers that start together take turns. Files are never
edited once released: a change to the schema is a new file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from finance.errors import StoreError
from finance.store.backend import Db

MIGRATIONS_FOLDER = Path(__file__).resolve().parent / "migrations"
ADVISORY_LOCK = 740_114  # any fixed number: the key PostgreSQL servers of this app queue on while migrating
_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+?)(?:\.(duckdb|postgres))?\.sql$")


@dataclass(frozen=True)
class Migration:
    """One numbered schema change as it runs on one backend."""

    version: int
    name: str
    statements: tuple[str, ...]


@cache
def migrations(kind: str) -> tuple[Migration, ...]:
    """Every migration for ``kind`` ('duckdb' or 'postgres'), oldest first."""
    chosen: dict[int, tuple[str, Path, bool]] = {}
    for path in sorted(MIGRATIONS_FOLDER.glob("*.sql")):
        match = _FILE.match(path.name)
        if match is None:
            raise StoreError(f"{path.name} in {MIGRATIONS_FOLDER} is not named NNNN_name.sql (or NNNN_name.duckdb.sql, .postgres.sql).")
        version, name, only_for = int(match[1]), match[2], match[3]
        if only_for not in (None, kind):
            continue
        if version in chosen and chosen[version][2] == bool(only_for):
            raise StoreError(f"Two migrations are numbered {version:04d}: {chosen[version][1].name} and {path.name}.")
        if version not in chosen or only_for:  # a backend's own file wins over the portable one
            chosen[version] = (name, path, bool(only_for))
    versions = sorted(chosen)
    if versions != list(range(1, len(versions) + 1)):
        raise StoreError(f"The migrations in {MIGRATIONS_FOLDER} are not numbered 1, 2, 3...: {versions}")
    return tuple(Migration(v, chosen[v][0], _statements(chosen[v][1].read_text(encoding="utf-8"))) for v in versions)


def latest_version(kind: str) -> int:
    return len(migrations(kind))


def schema_version(db: Db) -> int:
    """The last migration applied to this store (0 for a new one)."""
    exists = db.row(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
    )
    if not exists or not exists[0]:
        return 0
    found = db.row("SELECT max(version) FROM schema_migrations")
    return int(found[0]) if found and found[0] is not None else 0


def migrate(db: Db) -> int:
    """Apply every migration this store lacks, in the caller's transaction; returns the version now."""
    if db.kind == "postgres":
        db.run(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})")
    current = schema_version(db)
    wanted = migrations(db.kind)
    if current == len(wanted):
        return current
    if current > len(wanted):
        raise StoreError(
            f"The store was last changed by a newer version of this app (schema {current}, this one knows {len(wanted)}): update the app."
        )
    if current == 0:
        db.run(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
    for migration in wanted[current:]:
        for statement in migration.statements:
            db.run(statement)
        db.run(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, CAST(CURRENT_TIMESTAMP AS TIMESTAMP))",
            [migration.version, migration.name],
        )
    return len(wanted)


def _statements(sql: str) -> tuple[str, ...]:
    """The file's statements: split at a semicolon that ends a line (the files hold no such text in a string)."""
    without_comments = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return tuple(part.strip() for part in re.split(r";\s*$", without_comments, flags=re.MULTILINE) if part.strip())
