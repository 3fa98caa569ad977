"""Versioned migrations on both backends: a new store, a store from before workspaces, a failed or newer migration."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

import finance.store.migrate as migrate_module
from finance.errors import StoreError
from finance.model.scenario import Scenario
from finance.store.backend import PostgresBackend
from finance.store.migrate import latest_version, migrations, schema_version
from finance.store.scenarios import ScenarioStore

# The store's one table before migrations were versioned, exactly as the app of that time made it.
BEFORE_WORKSPACES = """
CREATE TABLE saved_scenarios (
    name_key VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, description VARCHAR NOT NULL, scenario_json VARCHAR NOT NULL,
    file_names VARCHAR[] NOT NULL, fingerprint VARCHAR, saved_at TIMESTAMP NOT NULL
)
"""


def raw(backend, sql, params=()):
    """Run SQL on the store's database as it is, without migrating it first: as another process (or program)
    would, so on DuckDB once this process has let go of the file."""
    if backend.kind == "duckdb":
        import duckdb

        backend.close()
        backend.path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(backend.path))
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()
    import psycopg

    with psycopg.connect(backend.url, autocommit=True) as con:
        cursor = con.execute(sql.replace("?", "%s"), list(params) or None)
        return cursor.fetchall() if cursor.description else []


def tables(backend) -> set[str]:
    return {row[0] for row in raw(backend, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}


def test_a_new_store_gets_every_migration_once_in_order(backend):
    assert ScenarioStore(backend=backend).list() == []
    ScenarioStore(backend=backend).list()
    rows = raw(backend, "SELECT version, name FROM schema_migrations ORDER BY version")
    assert rows == [(1, "saved_scenarios"), (2, "workspaces"), (3, "data_sets_and_sessions"), (4, "session_files")]
    assert latest_version(backend.kind) == 4
    assert backend.transaction(schema_version) == 4
    assert tables(backend) == {
        "schema_migrations",
        "workspaces",
        "members",
        "saved_options",
        "audit_log",
        "data_sets",
        "data_set_files",
        "saved_sessions",
    }


def test_a_store_from_before_workspaces_keeps_its_options_in_the_local_workspace(backend):
    raw(backend, BEFORE_WORKSPACES)
    raw(
        backend,
        "INSERT INTO saved_scenarios VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            "option a",
            "Option A",
            "six",
            Scenario(management_fee_pct=6).to_json(),
            ["a.csv", "b.xlsx"],
            "f" * 64,
            datetime(2025, 3, 3, 9, 30),
        ],
    )
    [saved] = ScenarioStore(backend=backend).list()
    assert (saved.name, saved.description, saved.scenario, saved.file_names, saved.fingerprint) == (
        "Option A",
        "six",
        Scenario(management_fee_pct=6),
        ("a.csv", "b.xlsx"),
        "f" * 64,
    )
    assert saved.saved_at == datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
    assert saved.saved_by == "before workspaces"
    assert "saved_scenarios" not in tables(backend)


def test_a_store_from_a_newer_app_is_left_alone(backend):
    ScenarioStore(backend=backend).list()
    raw(backend, "INSERT INTO schema_migrations VALUES (99, 'from_the_future', TIMESTAMP '2030-01-01 00:00:00')")
    if isinstance(backend, PostgresBackend):
        backend = PostgresBackend(backend.url)  # a server starting after the newer app migrated
    with pytest.raises(StoreError, match=r"last changed by a newer version of this app \(schema 99, this one knows 4\): update the app"):
        ScenarioStore(backend=backend).list()


def test_a_migration_that_fails_changes_nothing(backend, tmp_path, monkeypatch):
    ScenarioStore(backend=backend).save("Kept", Scenario())
    folder = tmp_path / "migrations"
    folder.mkdir()
    for path in migrate_module.MIGRATIONS_FOLDER.glob("*.sql"):
        (folder / path.name).write_text(path.read_text())
    (folder / "0005_broken.sql").write_text("CREATE TABLE half_done (x INTEGER);\nSELECT no_such_column FROM saved_options;\n")
    monkeypatch.setattr(migrate_module, "MIGRATIONS_FOLDER", folder)
    migrations.cache_clear()
    try:
        if isinstance(backend, PostgresBackend):
            fresh = PostgresBackend(backend.url)  # a server of the new version starting
        else:
            backend.close()  # the new version runs in a new process: this one, the old version, has let go of the file
            fresh = backend
        with pytest.raises(StoreError, match="no_such_column"):
            ScenarioStore(backend=fresh).list()
    finally:
        monkeypatch.undo()
        migrations.cache_clear()
    assert "half_done" not in tables(backend)
    assert raw(backend, "SELECT max(version) FROM schema_migrations") == [(4,)]
    assert ScenarioStore(backend=backend).names() == ["Kept"]


def test_a_backends_own_file_takes_the_portable_ones_place(tmp_path, monkeypatch):
    for name, sql in [
        ("0001_first.sql", "SELECT 1;"),
        ("0002_second.sql", "SELECT 'portable';\nSELECT 2;"),
        ("0002_second.postgres.sql", "SELECT 'postgres';"),
    ]:
        (tmp_path / name).write_text(sql)
    monkeypatch.setattr(migrate_module, "MIGRATIONS_FOLDER", tmp_path)
    migrations.cache_clear()
    try:
        assert [m.statements for m in migrations("duckdb")] == [("SELECT 1",), ("SELECT 'portable'", "SELECT 2")]
        assert [m.statements for m in migrations("postgres")] == [("SELECT 1",), ("SELECT 'postgres'",)]
        (tmp_path / "0004_gap.sql").write_text("SELECT 4;")
        migrations.cache_clear()
        with pytest.raises(StoreError, match=r"not numbered 1, 2, 3...: \[1, 2, 4\]"):
            migrations("duckdb")
        (tmp_path / "0004_gap.sql").unlink()
        (tmp_path / "0002_again.sql").write_text("SELECT 2;")
        migrations.cache_clear()
        with pytest.raises(StoreError, match="Two migrations are numbered 0002"):
            migrations("duckdb")
        (tmp_path / "0002_again.sql").unlink()
        (tmp_path / "3_bad name.sql").write_text("SELECT 3;")
        migrations.cache_clear()
        with pytest.raises(StoreError, match=r"is not named NNNN_name\.sql"):
            migrations("duckdb")
    finally:
        monkeypatch.undo()
        migrations.cache_clear()


def test_servers_starting_together_migrate_once(postgres):
    url = postgres.new_database()
    errors: list[BaseException] = []

    def start_server() -> None:
        try:
            ScenarioStore(backend=PostgresBackend(url)).list()  # each its own backend, as in its own process
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start_server) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert raw(PostgresBackend(url), "SELECT version FROM schema_migrations ORDER BY version") == [(1,), (2,), (3,), (4,)]
