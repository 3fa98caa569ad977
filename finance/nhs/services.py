"""The service catalogue an import tags its income by: the user's own, or the sample's added as a named file.

Income the NHS file pays for a service (payment_columns.csv, column ``service``) keeps its
service only when the catalogue has it (case and spaces forgiven, the catalogue's spelling
used); otherwise it becomes core income with one warning per service naming its money. With no
catalogue given the sample's is used and added to the set as its own file, named so that it is
listed with the loaded files and replaced when the user uploads a catalogue of their own.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from finance.errors import UploadError
from finance.ingest.locate import locate
from finance.ingest.parse import cell_text
from finance.ingest.read import Upload, read_upload
from finance.nhs.columns import column_rules
from finance.problems import Problem, warning

SAMPLE_CATALOGUE_PATH = Path(__file__).resolve().parents[2] / "sample_data" / "services.xlsx"
IMPORT_CATALOGUE_NAME = "services (sample catalogue, added by the NHS import).xlsx"
COVID_SERVICE = "Covid vaccination"
INCOME_COLUMNS = ["practice_code", "line", "service", "amount_gbp"]


@dataclass(frozen=True)
class Catalogue:
    """The services income may be tagged with, where they came from, and the file the import adds."""

    services: tuple[str, ...]
    source: str  # in words: "the sample catalogue" or the user's file name
    upload: Upload | None = None  # the sample catalogue as a file of the set (None for the user's own)


def sample_catalogue() -> Catalogue:
    """The sample federation's catalogue, as the file the import adds to the set."""
    content = SAMPLE_CATALOGUE_PATH.read_bytes()
    upload = Upload(IMPORT_CATALOGUE_NAME, content)
    return Catalogue(services_in(upload) or (), "the sample catalogue (sample_data/services.xlsx)", upload)


def read_catalogue(source: str | Path | Upload) -> Catalogue:
    """The user's own catalogue (any file holding a services table); one sentence when it has none."""
    upload = source if isinstance(source, Upload) else Upload.from_path(source)
    services = services_in(upload)
    if services is None:
        raise UploadError(f"{upload.name} holds no services table: name a sheet or the file 'services', with a 'service' column.")
    if not services:
        raise UploadError(f"{upload.name}: the services table lists no services.")
    return Catalogue(services, upload.name)


def services_in(upload: Upload) -> tuple[str, ...] | None:
    """The service names of every services table in a file, or None when it holds none."""
    try:
        sheets, _ = read_upload(upload)
    except UploadError:
        return None  # not a spreadsheet: it holds no catalogue
    found = None
    for sheet in (s for s in sheets if s.table == "services"):
        part, _ = locate(sheet)
        if part is None or "service" not in part.frame:
            continue
        names = [cell_text(v).strip() for v in part.frame["service"]]
        found = (found or ()) + tuple(n for n in names if n)
    return found


def _practices(count: int) -> str:
    return f"{count:,} practice" + ("" if count == 1 else "s")


def _key(name: object) -> str:
    return " ".join(str(name).casefold().split())


def fit_to_catalogue(income: pd.DataFrame, catalogue: Catalogue, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Income lines whose service the catalogue lacks become core, one warning per service with its money."""
    spelling = {_key(s): s for s in catalogue.services}
    tagged = income["service"].notna()
    matched = income["service"].map(lambda s: spelling.get(_key(s)) if isinstance(s, str) else None)
    missing = income[tagged & matched.isna()]
    problems = []
    for service, lines in missing.groupby("service", sort=True):
        money, practices = float(lines["amount_gbp"].sum()), lines["practice_code"].nunique()
        message = (
            f"{catalogue.source} has no service '{service}': £{money:,.2f} of income for it ({len(lines)} lines, "
            f"{_practices(practices)}: {', '.join(sorted(set(lines['line'])))}) was imported as core income"
        )
        if service == COVID_SERVICE:
            message += (
                ", with no cost against it. Add a 'Covid vaccination' service (unit: vaccination, with its cost per "
                "vaccination) to the catalogue, or the clinics' cost to practice_costs, or this money looks cost-free"
            )
        problems.append(warning(message, file=file))
    covid = income[matched == next((s for s in catalogue.services if _key(s) == _key(COVID_SERVICE)), None)]
    if len(covid):
        problems.append(
            warning(
                f"Covid vaccination: £{covid['amount_gbp'].sum():,.2f} at {_practices(covid['practice_code'].nunique())} is costed by "
                f"{catalogue.source}'s '{COVID_SERVICE}' service. A Covid site was paid for every dose it gave, its PCN partners' "
                "patients' too, so its doses are its payment divided by the fee per dose, not its own list: give each practice its "
                "doses in an activity table (0 where it was paid nothing), or its cost follows the catalogue's default rate",
                file=file,
            )
        )
    return income.assign(service=matched.where(tagged, None)), problems


@lru_cache(maxsize=1)
def _importer_lines() -> dict[str, str | None]:
    """Every income line name the importer writes, with the service the NHS file says it pays for."""
    return {r.line: r.service for r in column_rules() if r.kind in ("income", "pass_through")}


def _is_imported_income(upload: Upload) -> bool:
    if not upload.name.lower().endswith(".csv"):
        return False
    try:
        frame = pd.read_csv(io.BytesIO(upload.content), dtype={"practice_code": str})
    except (ValueError, UnicodeDecodeError):
        return False
    return list(frame.columns) == INCOME_COLUMNS and frame["line"].isin(list(_importer_lines())).all()


def replace_catalogue(loaded: Sequence[Upload], added: Sequence[Upload]) -> tuple[tuple[Upload, ...], list[Problem]]:
    """``loaded`` ready to be combined with ``added``: when ``added`` brings a catalogue, the one the
    NHS import added is dropped and the import's income files are tagged again by the new catalogue."""
    found = [names for names in map(services_in, added) if names]
    if not found or not any(u.name == IMPORT_CATALOGUE_NAME for u in loaded):
        return tuple(loaded), []
    catalogue = Catalogue(tuple(s for names in found for s in names), ", ".join(u.name for u in added))
    kept, problems = [], []
    for upload in loaded:
        if upload.name == IMPORT_CATALOGUE_NAME:
            continue
        if _is_imported_income(upload):
            frame = pd.read_csv(io.BytesIO(upload.content), dtype={"practice_code": str})
            frame["service"] = frame["line"].map(_importer_lines())
            frame, found_problems = fit_to_catalogue(frame, catalogue, upload.name)
            problems += found_problems
            upload = Upload(upload.name, frame.to_csv(index=False).encode("utf-8"))
        kept.append(upload)
    return tuple(kept), problems
