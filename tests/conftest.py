from __future__ import annotations

from pathlib import Path

import pytest

from tests.postgres import postgres  # noqa: F401  (the private PostgreSQL cluster, for any test that asks)

ROOT = Path(__file__).resolve().parent.parent
WORKED_EXAMPLE = ROOT / "tests" / "data" / "worked_example"
SAMPLE_DATA = ROOT / "sample_data"


@pytest.fixture
def worked_example_files() -> list[Path]:
    return sorted(WORKED_EXAMPLE.glob("*.csv"))


def sample_files() -> list[Path]:
    """The sample federation the app opens on: every .csv/.xlsx directly in sample_data/."""
    return sorted(p for p in SAMPLE_DATA.iterdir() if p.suffix in (".csv", ".xlsx"))
