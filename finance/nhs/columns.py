"""Which column of a payments file holds what: payment_columns.csv matched against headers by meaning.

Headers are normalised before matching (case, punctuation, '£', footnote digits, CamelCase such
as NHS Digital's 2015/16 ``GlobalSum_£``), then matched in full against each row's pattern, first
match winning; a header is also compared with its spaces removed, so ``NumberofRegisteredPatients
LastKnownFigure`` (2016/17) reads like ``Number of Registered Patients (Last Known Figure)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

COLUMNS_TABLE = Path(__file__).with_name("payment_columns.csv")
KINDS = ("field", "income", "pass_through", "total", "skip")
# The published totals the import can be checked against (kind "total", its line says which).
TOTAL_WORDS = {
    "all": "payments before deductions, including PCN and Covid payments",
    "base": "payments before deductions, without PCN and Covid payments",
}


@dataclass(frozen=True)
class ColumnRule:
    """One row of payment_columns.csv: what a column whose header matches ``pattern`` holds."""

    pattern: re.Pattern[str]
    squeezed: re.Pattern[str]  # the pattern with its spaces removed, for headers written without spaces
    kind: str  # field (identifies the practice), income, pass_through, total or skip
    stream: str  # contract or pcn_des
    line: str  # the income line name, the field name (kind field) or which total (kind total)
    service: str | None
    per_pcn: bool  # paid to one practice on the PCN's behalf
    unless: str | None  # a normalised header: when the file has it, this column is a part of it and is skipped
    reason: str

    def matches(self, key: str) -> bool:
        return bool(self.pattern.fullmatch(key) or self.squeezed.fullmatch(key.replace(" ", "")))


@dataclass(frozen=True)
class ColumnMap:
    """What the header says: field positions, payment columns, published totals, and how each was read."""

    fields: dict[str, int]
    payments: list[tuple[int, str, ColumnRule]]  # (position, header as published, rule)
    totals: dict[str, int]  # base, with_covid, with_pcn, all -> position
    readings: list[tuple[str, str]] = field(default_factory=list)  # (header, what it was read as)
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (position, header) of columns no rule knows


@lru_cache(maxsize=1)
def column_rules() -> tuple[ColumnRule, ...]:
    """The rows of payment_columns.csv, in order."""
    rows = pd.read_csv(COLUMNS_TABLE, dtype=str, keep_default_na=False)
    rules = []
    for r in rows.to_dict("records"):
        if r["kind"] not in KINDS:
            raise ValueError(f"payment_columns.csv: unknown kind {r['kind']!r}")
        rules.append(
            ColumnRule(re.compile(r["pattern"]), re.compile(r["pattern"].replace(" ", "")), r["kind"], r["stream"], r["line"],
                       r["service"] or None, r["per_pcn"] == "yes", r["unless"] or None, r["reason"])
        )  # fmt: skip
    return tuple(rules)


def normalise_header(text: object) -> str:
    """'Appraisal - Appraiser Costs ' -> 'appraisal appraiser costs'; 'GlobalSum_£' -> 'global sum'.

    >>> normalise_header("NumberOfRegisteredPatientsLastKnownFigure")
    'number of registered patients last known figure'
    >>> normalise_header("Other Payments1")
    'other payments'
    """
    text = str(text).replace("\ufeff", "").replace("£", " ").replace("&", " and ")
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", text)  # CamelCase and NHSEngland
    text = re.sub(r"(?<=[a-zA-Z])\d$", "", text.strip())  # a footnote marker: 'Other Payments1'
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def rule_for(header: object) -> ColumnRule | None:
    """The first rule a header matches, or None."""
    key = normalise_header(header)
    return next((r for r in column_rules() if r.matches(key)), None) if key else None


def find_header(rows: list[list[str]]) -> int | None:
    """The first row (of 30) where at least three headers are known columns."""
    for at, row in enumerate(rows[:30]):
        if sum(rule_for(c) is not None for c in row if str(c).strip()) >= 3:
            return at
    return None


def map_columns(header: list[str]) -> ColumnMap:
    """Field name -> position; the payment columns to import; the published totals; the unknown columns."""
    keys = [normalise_header(h) for h in header]
    fields: dict[str, int] = {}
    for rule in (r for r in column_rules() if r.kind == "field"):  # in table order: first claim wins
        free = [i for i, k in enumerate(keys) if k and i not in fields.values() and rule.matches(k)]
        if rule.line not in fields and free:
            fields[rule.line] = free[0]
    present = set(keys)
    payments, totals, readings, unknown = [], {}, [], []
    for i, key in enumerate(keys):
        shown = str(header[i]).strip()
        if i in fields.values():
            readings.append((shown, f"identifies the practice: {next(f for f, at in fields.items() if at == i)}"))
            continue
        if not key:
            continue
        rule = next((r for r in column_rules() if r.kind != "field" and r.matches(key)), None)
        if rule is None:
            unknown.append((i, shown))
            readings.append((shown, "not known: not imported"))
        elif rule.unless and any(_is(rule.unless, k) for k in present):
            readings.append((shown, f"not imported: a part of the file's '{rule.unless}' column, which is imported"))
        elif rule.kind in ("income", "pass_through"):
            payments.append((i, shown, rule))
            stream = "PCN DES" if rule.stream == "pcn_des" else "contract"
            what = f"{stream} income line '{rule.line}'" + (f" for service {rule.service}" if rule.service else " (core)")
            readings.append((shown, what + (", pass-through" if rule.kind == "pass_through" else "")))
        elif rule.kind == "total":
            totals.setdefault(rule.line, i)
            readings.append((shown, f"a published total ({rule.line}): used to check the import, not imported"))
        else:
            readings.append((shown, f"not imported: {rule.reason}"))
    return ColumnMap(fields, payments, totals, readings, unknown)


def _is(wanted: str, key: str) -> bool:
    return key == wanted or key.replace(" ", "") == wanted.replace(" ", "")
