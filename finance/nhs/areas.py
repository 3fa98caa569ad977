"""Which practices an area means: a sub-ICB or CCG, a PCN or a practice, by code or name, or a list of them."""

from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd

from finance.errors import UploadError

_KINDS = (
    ("sub-ICB", "sub_icb_code", "sub_icb_name", "sub_icb_code"),
    ("PCN", "pcn_code", "pcn_name_raw", "pcn_key"),
    ("practice", "practice_code", "practice_name_raw", "practice_code"),
)


def area_table(table: pd.DataFrame) -> pd.DataFrame:
    """Every sub-ICB, PCN and practice: kind, code, name, practices, and the key that selects them."""
    parts = []
    for kind, code, name, key in _KINDS:
        known = table[table[key].notna() & (table[key] != "")]
        if known.empty:
            continue
        grouped = known.groupby(key, sort=True).agg(code=(code, "first"), name=(name, "first"), practices=(key, "size"))
        parts.append(grouped.reset_index(names="key").assign(kind=kind, column=key))
    columns = ["kind", "code", "name", "practices", "key", "column"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def choose(table: pd.DataFrame, areas: list[str]) -> tuple[np.ndarray, list[str]]:
    """The practices of every area (True where chosen) and each area in words."""
    known = area_table(table)
    chosen = np.zeros(len(table), dtype=bool)
    described = []
    for text in areas:
        for part in _parts(known, text):
            mask, words = match_area(table, known, part)
            chosen |= mask
            described.append(words)
    return chosen, described


def _parts(known: pd.DataFrame, text: str) -> list[str]:
    """'F81004, F81009; F81015' is a list of three; a name with a comma stays whole when it matches."""
    text = " ".join(str(text).split())
    pieces = [p.strip() for p in re.split(r"[,;]", text) if p.strip()]
    if len(pieces) > 1 and not (known["name"].str.casefold() == text.casefold()).any():
        return pieces
    return [text]


def match_area(table: pd.DataFrame, areas: pd.DataFrame, text: str) -> tuple[np.ndarray, str]:
    """Which practices ``text`` means: a code exactly, else a name exactly, else a unique part of a name."""
    wanted = " ".join(str(text).split()).casefold()
    codes, names = areas["code"].str.casefold(), areas["name"].str.split().str.join(" ").str.casefold()
    found = areas[codes == wanted]
    if found.empty:
        found = areas[names == wanted]
    if found.empty:
        found = areas[names.str.contains(wanted, regex=False)]
    if len(found) > 1:
        listed = "; ".join(f"{r.name} ({r.kind} {r.code})" for r in found.head(6).itertuples())
        more = f" and {len(found) - 6} more" if len(found) > 6 else ""
        raise UploadError(f"'{text}' matches {len(found)} areas: {listed}{more}. Use a code or a longer name.")
    if found.empty:
        close = difflib.get_close_matches(wanted, list(names) + list(codes), n=3, cutoff=0.6)
        hint = f" Did you mean {' or '.join(repr(c.upper()) for c in close)}?" if close else ""
        raise UploadError(f"No sub-ICB, PCN or practice in the payments file matches '{text}'.{hint}")
    area = found.iloc[0]
    words = f"{area['name']} ({area['kind']} {area['code']}"
    words += ")" if area["kind"] == "practice" else f", {area['practices']} practices)"
    # Practices with no PCN hold None in pcn_key: the comparison gives NA there, which is "not chosen".
    mask = (table[area["column"]] == area["key"]).fillna(False).to_numpy(dtype=bool)
    return mask, words
