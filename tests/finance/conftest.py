"""Models shared by the engine tests: the worked example of MODEL.md and the sample federation.

Running a scenario never changes a Model's tables, so one Model of each serves every test.
"""

from __future__ import annotations

import pytest

from finance.ingest.load import load_files
from finance.model.engine import Model
from tests.conftest import WORKED_EXAMPLE, sample_files


@pytest.fixture(scope="session")
def worked() -> Model:
    model = Model(load_files(sorted(WORKED_EXAMPLE.glob("*.csv"))).dataset)
    yield model
    model.close()


@pytest.fixture(scope="session")
def sample() -> Model:
    model = Model(load_files(sample_files()).dataset)
    yield model
    model.close()
