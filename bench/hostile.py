"""Hostile uploads at full size: how long each takes to be answered, and the reader's peak memory.

    python bench/hostile.py [--out DIR]

Each case is built once in DIR (default /tmp/finance-hostile) and read twice, each time by a fresh
process: ``load_inline`` (the reading itself, its peak resident memory from /proc) and
``load_uploads`` (through the limited child process, as the app and the command line read). It
prints the first line the user reads. It measures and reports; it never fails on a slow figure.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

MEASURE = """
import sys, time
from finance.ingest.load import load_inline, load_uploads
from finance.ingest.read import Upload

def peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

upload = Upload.from_path(sys.argv[2])
before = peak_mb()
start = time.perf_counter()
result = (load_inline if sys.argv[1] == "inline" else load_uploads)([upload])
seconds = time.perf_counter() - start
first = str(result.problems[0]) if result.problems else "loaded"
print(f"{seconds:.2f}\\t{before:.0f}\\t{peak_mb():.0f}\\t{result.ok}\\t{first[:150]}")
"""

ROW = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>A81001</t></is></c><c r="B{n}"><v>1234.5</v></c></row>'


def _zip_with_part(path: Path, part_size_mb: float, chunk: bytes) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="income" r:id="rId1"/></sheets></workbook>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            written = 0
            while written < part_size_mb * 1_000_000:
                part.write(chunk)
                written += len(chunk)


def build(out: Path) -> dict[str, Path]:
    """The cases of the issue at their full size, written once."""
    import openpyxl

    from tests.helpers import valid_sheets, workbook_bytes

    out.mkdir(parents=True, exist_ok=True)
    cases: dict[str, Path] = {}

    path = cases["stray value in XFD1048576 of a notes sheet"] = out / "far_cell.xlsx"
    if not path.exists():
        workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(valid_sheets())))
        workbook.create_sheet("notes")["XFD1048576"] = "checked"
        workbook.save(path)

    path = cases["zip bomb: rows unpacking to 1.2 GB"] = out / "bomb_rows.xlsx"
    if not path.exists():
        _zip_with_part(path, 1200, ROW.format(n=2).encode() * 5000)

    path = cases["zip bomb: 1.3 GB of whitespace"] = out / "bomb_spaces.xlsx"
    if not path.exists():
        _zip_with_part(path, 1300, b" " * (1 << 20))

    path = cases["billion laughs (entity declarations)"] = out / "laughs.xlsx"
    if not path.exists():
        from tests.finance.ingest.hostile import raw_workbook

        entities = (
            '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True))
            + "]>"
        )
        sheet = f'<?xml version="1.0"?>{entities}<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row></sheetData></worksheet>'
        original = zipfile.ZipFile(io.BytesIO(raw_workbook(valid_sheets())))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for item in original.infolist():
                archive.writestr(item, sheet if item.filename == "xl/worksheets/sheet1.xml" else original.read(item.filename))

    path = cases["CSV of 49 MB of commas (one row of 49 million cells)"] = out / "contract_income.csv"
    if not path.exists():
        path.write_bytes(b"practice_code,line,amount_gbp\n" + b"," * 49_000_000 + b"\n")

    path = cases["CSV of 2 million one-value lines"] = out / "practice_costs.csv"
    if not path.exists():
        path.write_bytes(b"practice_code,amount_gbp\n" + b"A81001,1\n" * 2_000_000)
    return cases


def measure(mode: str, path: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, mode, str(path)], cwd=REPO, capture_output=True, text=True, check=False, timeout=900
    )
    if done.returncode:
        return ["-", "-", "-", "-", f"exit {done.returncode}: {done.stderr.strip().splitlines()[-1:]}"]
    return done.stdout.strip().split("\t")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/finance-hostile"))
    args = parser.parse_args()
    start = time.perf_counter()
    cases = build(args.out)
    print(f"built the cases in {time.perf_counter() - start:.1f} s ({args.out})")
    for label, path in cases.items():
        inline = measure("inline", path)
        isolated = measure("isolated", path)
        print(f"{label} ({path.stat().st_size / 1e6:,.2f} MB file)")
        print(f"    read in the process: {inline[0]} s, peak RSS {inline[2]} MB ({inline[1]} MB after imports); loaded: {inline[3]}")
        print(f"    through the limited child: {isolated[0]} s; the user reads: {isolated[4]}")


if __name__ == "__main__":
    main()
