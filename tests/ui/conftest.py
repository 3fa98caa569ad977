"""Engine results the UI tests compare the screen with, computed once per test run."""

from __future__ import annotations

import pytest

from finance.ingest.dataset import Dataset
from finance.ingest.load import load_files, load_uploads
from finance.model.engine import Model
from finance.store.sessions import SessionStore
from tests.conftest import sample_files
from tests.ui.apptest import valid_uploads


@pytest.fixture(scope="session")
def sample_dataset() -> Dataset:
    result = load_files(sample_files())
    assert result.ok, result.errors
    return result.dataset


@pytest.fixture(scope="session")
def sample_model(sample_dataset):
    model = Model(sample_dataset)
    yield model
    model.close()


@pytest.fixture(scope="session")
def valid_dataset() -> Dataset:
    """tests/helpers.py's small valid set, read from the same workbook the UI tests upload."""
    result = load_uploads(valid_uploads())
    assert result.ok, result.errors
    return result.dataset


@pytest.fixture(scope="session")
def valid_model(valid_dataset):
    model = Model(valid_dataset)
    yield model
    model.close()


@pytest.fixture(autouse=True)
def kept_sessions(tmp_path, monkeypatch) -> SessionStore:
    """Every UI test keeps its sessions (ui/session_keeper.py) in its own store, never in data/scenarios.duckdb
    (a test module's own store fixture may set the same path again, with its workspaces in it)."""
    path = tmp_path / "scenarios.duckdb"
    monkeypatch.setenv("FINANCE_SCENARIO_STORE", str(path))
    return SessionStore(path)
