"""Engine results the UI tests compare the screen with, computed once per test run."""

from __future__ import annotations

import pytest

from finance.ingest.dataset import Dataset
from finance.ingest.load import load_files, load_uploads
from finance.model.engine import Model
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
def session_folder(tmp_path, monkeypatch):
    """Every UI test keeps its sessions (ui/session_keeper.py) in its own folder, never in data/sessions."""
    folder = tmp_path / "sessions"
    monkeypatch.setenv("FINANCE_SESSION_DIR", str(folder))
    return folder
