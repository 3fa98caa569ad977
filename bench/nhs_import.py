"""NHS payments import on a national file: ``python bench/nhs_import.py [FILE]``.

Times reading the file, then imports every sub-ICB and every PCN in it (apportioned, and kept
where paid) and checks each import adds up: published total of the chosen practices, less the
practices left out, plus PCN money shared in, less PCN money shared out, equals what was
imported, to the penny; every practice reconciles. Prints figures; never fails on a slow one.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from finance.nhs.payments import import_publication, list_areas
from finance.nhs.publication import read_publication
from finance.nhs.services import sample_catalogue

DEFAULT = Path("/work/shared/data/nhs-payments-to-general-practice-2022-23.csv")


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    start = time.perf_counter()
    pub = read_publication(path, None)
    read_s = time.perf_counter() - start
    areas = list_areas(pub)
    catalogue = sample_catalogue()
    print(f"{path.name}: {len(pub.table):,} practices, read in {read_s:.2f} s; {len(areas):,} areas")
    for apportion in (True, False):
        times, bad, crossed, left = [], [], 0.0, 0
        for row in areas.itertuples():
            start = time.perf_counter()
            try:
                result = import_publication(pub, [row.code], apportion_pcn=apportion, catalogue=catalogue)
            except Exception as exc:  # an area of only empty practices says so in one sentence; anything else is a fault
                if "no practice with registered patients" not in str(exc):
                    bad.append(f"{row.kind} {row.code}: {type(exc).__name__}: {exc}")
                continue
            times.append(time.perf_counter() - start)
            check = result.check
            expected = check.published_gbp - sum(p.amount_gbp for p in result.left_out) + result.pcn.moved_in_gbp - result.pcn.moved_out_gbp
            if round(expected * 100) != round(result.imported_gbp * 100) or check.mismatches:
                bad.append(f"{row.kind} {row.code}: imported £{result.imported_gbp:,.2f}, expected £{expected:,.2f}")
            crossed += result.pcn.moved_out_gbp + result.pcn.moved_in_gbp
            left += len(result.left_out)
        mode = "apportioned" if apportion else "kept where paid"
        print(
            f"{mode}: {len(times):,} imports, median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms; "
            f"{len(bad)} that do not add up; £{crossed:,.2f} crossed area boundaries; {left:,} practices left out in all"
        )
        for line in bad[:10]:
            print("  " + line)


if __name__ == "__main__":
    main()
