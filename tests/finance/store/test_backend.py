"""Which backend the store picks, and what it says when PostgreSQL cannot be reached (never the password)."""

from __future__ import annotations

import pytest

from finance.errors import StoreError
from finance.model.scenario import Scenario
from finance.store.backend import DuckDBBackend, PostgresBackend, open_backend
from finance.store.scenarios import ScenarioStore
from tests.postgres import free_port


def test_postgres_when_the_url_is_set_else_the_duckdb_file(postgres, monkeypatch, tmp_path):
    monkeypatch.setenv("FINANCE_SCENARIO_STORE", str(tmp_path / "file.duckdb"))
    monkeypatch.delenv("FINANCE_DATABASE_URL", raising=False)
    assert ScenarioStore().path == tmp_path / "file.duckdb"
    url = postgres.new_database()
    monkeypatch.setenv("FINANCE_DATABASE_URL", url)
    store = ScenarioStore()
    assert store.path is None and isinstance(store.backend, PostgresBackend)
    store.save("On the server", Scenario())
    assert ScenarioStore(database_url=url).names() == ["On the server"]
    assert open_backend() is store.backend  # one backend a URL and process: the schema is checked once
    assert not (tmp_path / "file.duckdb").exists()
    assert isinstance(ScenarioStore(tmp_path / "given.duckdb").backend, DuckDBBackend)  # a path given wins


def test_a_server_that_cannot_be_reached_is_named_without_its_password():
    url = f"postgresql://finance:s3cret-Pa55@127.0.0.1:{free_port()}/federation"
    with pytest.raises(StoreError) as caught:
        ScenarioStore(backend=PostgresBackend(url)).list()
    assert str(caught.value).startswith(f"The store cannot reach the database at 127.0.0.1:{url.split(':')[3].split('/')[0]}/federation: ")
    assert "s3cret" not in str(caught.value) and "s3cret" not in repr(PostgresBackend(url))


def test_a_wrong_password_is_refused_plainly(postgres):
    url = postgres.new_database().replace(postgres.password, "wrong-password")
    with pytest.raises(StoreError, match="password authentication failed") as caught:
        ScenarioStore(backend=PostgresBackend(url)).list()
    assert "wrong-password" not in str(caught.value)


def test_a_url_that_is_not_one():
    with pytest.raises(StoreError, match="FINANCE_DATABASE_URL is not a PostgreSQL address"):
        PostgresBackend("mysql://finance:pw@db.example/federation")


def test_connections_are_kept_and_a_dropped_one_is_replaced(postgres):
    import psycopg

    url = postgres.new_database()
    backend = PostgresBackend(url)
    store = ScenarioStore(backend=backend)
    store.save("Before", Scenario())
    pids = {backend.transaction(lambda db: db.row("SELECT pg_backend_pid()")[0]) for _ in range(3)}
    assert len(pids) == 1  # one connection, kept between transactions
    with psycopg.connect(url, autocommit=True) as admin:  # as a server restart would: every connection dropped
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    assert store.names() == ["Before"]  # a new connection, transparently
    assert backend.transaction(lambda db: db.row("SELECT pg_backend_pid()")[0]) not in pids
    with pytest.raises(StoreError, match="already saved"):
        store.save("Before", Scenario())
    assert store.names() == ["Before"]  # the refused save rolled back; its connection is still good
    backend.close()


def test_the_duckdb_file_is_kept_open_and_a_file_moved_aside_is_left_alone(tmp_path):
    path = tmp_path / "scenarios.duckdb"
    backend = DuckDBBackend(path)
    store = ScenarioStore(backend=backend)
    store.save("Before", Scenario())
    first, *later = [backend.transaction(lambda db: db.connection) for _ in range(3)]
    assert all(connection is first for connection in later)  # one connection, kept between transactions
    assert ScenarioStore(path).names() == ["Before"]  # another store object on the file shares it
    path.rename(tmp_path / "aside.duckdb")  # moved aside while this process holds it open
    store.save("After", Scenario())
    assert store.names() == ["After"]  # a new file at the path
    backend.close()
    assert ScenarioStore(tmp_path / "aside.duckdb").names() == ["Before"]
