"""The store's tests run on both backends: a DuckDB file, and a database on a private PostgreSQL cluster.

The cluster is tests/postgres.py's ``postgres`` fixture (registered in tests/conftest.py).
"""

from __future__ import annotations

import pytest

from finance.store.backend import Backend, DuckDBBackend, PostgresBackend
from finance.store.scenarios import ScenarioStore

BACKENDS = ("duckdb", "postgres")


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
