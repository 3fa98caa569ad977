from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.postgres import postgres  # noqa: F401  (the private PostgreSQL cluster, for any test that asks)

# The tests never touch a real database: a developer's FINANCE_DATABASE_URL would send every store the
# tests open (and the app servers they start) to it. Tests of PostgreSQL use the private cluster above.
os.environ.pop("FINANCE_DATABASE_URL", None)

ROOT = Path(__file__).resolve().parent.parent
WORKED_EXAMPLE = ROOT / "tests" / "data" / "worked_example"
SAMPLE_DATA = ROOT / "sample_data"


@pytest.fixture
def worked_example_files() -> list[Path]:
    return sorted(WORKED_EXAMPLE.glob("*.csv"))


def sample_files() -> list[Path]:
    """The sample federation the app opens on: every .csv/.xlsx directly in sample_data/."""
    return sorted(p for p in SAMPLE_DATA.iterdir() if p.suffix in (".csv", ".xlsx"))
