"""The store's tests run on both backends: a DuckDB file, and a database on a private PostgreSQL cluster.

The cluster (tests/postgres.py) starts once per test session, the first time a test asks for it.
Where PostgreSQL is not installed the PostgreSQL cases skip, saying so, except in CI (CI=true),
where they fail: .ci/run installs it, so a missing server there is a broken set-up, not a pass.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from finance.store.backend import Backend, DuckDBBackend, PostgresBackend
from finance.store.scenarios import ScenarioStore
from tests.postgres import PostgresCluster, postgres_bin

BACKENDS = ("duckdb", "postgres")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    bin_dir = postgres_bin()
    if bin_dir is None:
        message = "PostgreSQL is not installed (Debian: apt-get install postgresql; .ci/run does this)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cluster = PostgresCluster(bin_dir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path) -> Backend:
    """A new, empty store on each backend in turn."""
    if request.param == "duckdb":
        return DuckDBBackend(tmp_path / "folder" / "scenarios.duckdb")
    return PostgresBackend(request.getfixturevalue("postgres").new_database())


@pytest.fixture
def store(backend) -> ScenarioStore:
    return ScenarioStore(backend=backend)


def location(backend: Backend) -> dict[str, str]:
    """What another process needs to open the same store: ``path=`` or ``database_url=``."""
    if isinstance(backend, DuckDBBackend):
        return {"path": str(backend.path)}
    assert isinstance(backend, PostgresBackend)
    return {"database_url": backend.url}
