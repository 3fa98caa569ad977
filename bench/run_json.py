"""``python -m finance run`` at England scale against a plain DuckDB implementation of the same rows, as a ratio.

Both run as fresh processes in the same benchmark, writing their JSON to /dev/null: ours reads,
validates (in its limited reading process), runs the model and streams the JSON document; the
plain one has DuckDB read the same CSV files (amounts cleaned of £, commas and brackets), work out
one row per practice and service with the same twelve fields and one row per practice with the
same eight, and COPY them out as JSON arrays. In-process, it also times the JSON step alone: the
streamed writer (finance.cli.json_out) against ``json.dump(results.to_json_dict(), stream)``.

    python bench/run_json.py [--repeats 3] [--before DIR]

Alone, it reuses (or generates) the England-scale CSV set in bench/out/ and prints the ratio;
``--before DIR`` also times ``python -m finance run`` of another checkout (e.g. ``git worktree
add /tmp/before main``), interleaved with ours and the plain script, so a before/after pair is
measured under the same load.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_RATIO = 3.0

PLAIN_DUCKDB = r"""
import sys, duckdb
folder = sys.argv[1]
con = duckdb.connect()
con.execute("SET threads TO 2")
def money(column):
    return f"CAST(CASE WHEN trim({column}) LIKE '(%' THEN '-' ELSE '' END || regexp_replace({column}, '[£,()\\s]', '', 'g') AS DOUBLE)"
con.execute(f"CREATE TABLE practices AS SELECT upper(trim(practice_code)) AS practice_code, * EXCLUDE (practice_code) FROM read_csv('{folder}/practices.csv', all_varchar=true)")
con.execute(f"CREATE TABLE services AS SELECT * FROM read_csv('{folder}/services.csv')")
con.execute(f"CREATE TABLE activity AS SELECT upper(trim(practice_code)) AS practice_code, service, units FROM read_csv('{folder}/activity.csv')")
con.execute(
    "CREATE TABLE income AS " + " UNION ALL ".join(
        f"SELECT upper(trim(practice_code)) AS practice_code, service, {money('amount_gbp')} AS amount_gbp "
        f"FROM read_csv('{folder}/{name}.csv', all_varchar=true)"
        for name in ("contract_income", "pcn_des_income", "federation_income")
    )
)
con.execute(f"CREATE TABLE practice_costs AS SELECT upper(trim(practice_code)) AS practice_code, {money('amount_gbp')} AS amount_gbp FROM read_csv('{folder}/practice_costs.csv', all_varchar=true)")
con.execute('''
CREATE TABLE pair_rows AS
WITH inc AS (SELECT practice_code, service, sum(amount_gbp) AS income FROM income WHERE service IS NOT NULL GROUP BY ALL),
pairs AS (
  SELECT p.practice_code, s.service, coalesce(i.income, 0) AS income_gbp,
         coalesce(a.units, CAST(p.list_size AS DOUBLE) * s.units_per_1000_patients / 1000) AS units, s.*
  FROM practices p CROSS JOIN services s
  LEFT JOIN inc i ON i.practice_code = p.practice_code AND i.service = s.service
  LEFT JOIN activity a ON a.practice_code = p.practice_code AND a.service = s.service),
costed AS (
  SELECT *, units * inhouse_cost_per_unit + inhouse_fixed_cost AS inhouse_cost_gbp,
         units * federation_cost_per_unit + federation_fixed_cost / count(*) OVER (PARTITION BY service) AS federation_delivery_cost_gbp,
         income_gbp * management_fee_pct / 100 AS management_fee_gbp FROM pairs)
SELECT practice_code, service, income_gbp, units, inhouse_cost_gbp, income_gbp - inhouse_cost_gbp AS inhouse_margin_gbp,
       federation_delivery_cost_gbp, management_fee_gbp, income_gbp - management_fee_gbp AS federation_return_gbp,
       inhouse_cost_gbp - management_fee_gbp AS advantage_gbp,
       CASE WHEN income_gbp > 0 THEN 100 * inhouse_cost_gbp / income_gbp END AS breakeven_fee_pct, true AS participates
FROM costed''')
con.execute('''
CREATE TABLE practice_rows AS
WITH core AS (SELECT practice_code, sum(amount_gbp) AS core FROM income WHERE service IS NULL GROUP BY ALL),
costs AS (SELECT practice_code, sum(amount_gbp) AS costs FROM practice_costs GROUP BY ALL),
pairs AS (SELECT practice_code, sum(inhouse_margin_gbp) AS inhouse, sum(advantage_gbp) AS advantage FROM pair_rows GROUP BY ALL)
SELECT p.practice_code, coalesce(core, 0) AS core_income_gbp, coalesce(costs, 0) AS practice_costs_gbp,
       coalesce(core, 0) + inhouse - coalesce(costs, 0) AS result_all_inhouse_gbp,
       coalesce(core, 0) + inhouse + advantage - coalesce(costs, 0) AS result_with_federation_gbp, advantage AS difference_gbp,
       (coalesce(core, 0) + inhouse - coalesce(costs, 0)) / nullif(TRY_CAST(p.partners_fte AS DOUBLE), 0) AS result_all_inhouse_per_partner_gbp,
       (coalesce(core, 0) + inhouse + advantage - coalesce(costs, 0)) / nullif(TRY_CAST(p.partners_fte AS DOUBLE), 0) AS result_with_federation_per_partner_gbp
FROM practices p LEFT JOIN core USING (practice_code) LEFT JOIN costs USING (practice_code) LEFT JOIN pairs USING (practice_code)''')
con.execute("COPY pair_rows TO '/dev/null' (FORMAT JSON, ARRAY true)")
con.execute("COPY practice_rows TO '/dev/null' (FORMAT JSON, ARRAY true)")
print(con.execute("SELECT count(*) FROM pair_rows").fetchone()[0], con.execute("SELECT count(*) FROM practice_rows").fetchone()[0])
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed_process(command: Sequence[str], cwd: Path = REPO) -> tuple[float, float, str]:
    """Wall and CPU seconds (the process and every process it waited for: our reading server and its readers) of one command."""
    start, cpu = time.perf_counter(), _children_cpu()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # each checkout imports its own finance package
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE if "-c" in command else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, _children_cpu() - cpu, (done.stdout or "").strip()


def measure_ratio(csv_files: Sequence[Path], repeats: int = 2, before: Path | None = None) -> dict[str, float | str]:
    """Best-of wall and CPU seconds of ``python -m finance run`` and of the plain DuckDB script, and their ratios.

    With ``before`` (another checkout of the project), its ``run`` too, interleaved with the others.
    """
    ours, plain, old = [], [], []
    for _ in range(repeats):
        ours.append(_timed_process([sys.executable, "-m", "finance", "run", *map(str, csv_files)]))
        plain.append(_timed_process([sys.executable, "-c", PLAIN_DUCKDB, str(Path(csv_files[0]).parent)]))
        if before is not None:
            old.append(_timed_process([sys.executable, "-m", "finance", "run", *map(str, csv_files)], cwd=before))
    ours_s, ours_cpu = min(r[0] for r in ours), min(r[1] for r in ours)
    plain_s, plain_cpu = min(r[0] for r in plain), min(r[1] for r in plain)
    figures: dict[str, float | str] = {}
    if old:
        figures = {"before_s": min(r[0] for r in old), "before_cpu_s": min(r[1] for r in old)}
        figures.update(before_ratio=figures["before_s"] / plain_s, before_cpu_ratio=figures["before_cpu_s"] / plain_cpu)
    return figures | {
        "ours_s": ours_s,
        "plain_s": plain_s,
        "ratio": ours_s / plain_s,
        "ours_cpu_s": ours_cpu,
        "plain_cpu_s": plain_cpu,
        "cpu_ratio": ours_cpu / plain_cpu,
        "plain_rows": plain[0][2],
    }


def measure_json_step(results) -> dict[str, float]:
    """CPU seconds of the JSON step alone: streamed, json.dump to a stream (the old way), and json.dumps of the records."""
    from finance.cli.json_out import write_results
    from finance.model.engine import PRACTICE_FIELDS, ROW_FIELDS

    figures = {}
    start = time.process_time()
    write_results(results, io.StringIO(), ROW_FIELDS, PRACTICE_FIELDS)
    figures["streamed_s"] = time.process_time() - start
    start = time.process_time()
    document = results.to_json_dict()
    figures["records_s"] = time.process_time() - start
    start = time.process_time()
    with open("/dev/null", "w") as sink:
        json.dump(document, sink, allow_nan=False)
    figures["dump_to_stream_s"] = time.process_time() - start
    return figures


def print_ratio(figures: dict[str, float | str]) -> None:
    verdict = "within target" if float(figures["ratio"]) < TARGET_RATIO else "OVER target"
    print(
        f"python -m finance run (CSV set, JSON to /dev/null): {figures['ours_s']:.2f} s; plain DuckDB of the same rows "
        f"({figures['plain_rows']} rows) {figures['plain_s']:.2f} s; ratio {figures['ratio']:.1f}x   target < {TARGET_RATIO:.0f}x: {verdict}"
    )
    print(
        f"    CPU (all processes): ours {figures['ours_cpu_s']:.2f} s, plain DuckDB {figures['plain_cpu_s']:.2f} s; "
        f"ratio {figures['cpu_ratio']:.1f}x"
    )


def print_before(figures: dict[str, float | str]) -> None:
    if "before_s" in figures:
        print(
            f"    before (--before): {figures['before_s']:.2f} s, ratio {figures['before_ratio']:.1f}x; "
            f"CPU {figures['before_cpu_s']:.2f} s, ratio {figures['before_cpu_ratio']:.1f}x"
        )


def print_json_step(figures: dict[str, float]) -> None:
    print(
        f"JSON step (CPU): streamed {figures['streamed_s']:.2f} s; the old way, building the records {figures['records_s']:.2f} s "
        f"+ json.dump to a stream {figures['dump_to_stream_s']:.2f} s"
    )


def _load_average() -> str:
    try:
        return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another checkout of the project, timed in the same run")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from bench.generate import existing_federation, parameters, write_federation

    files = existing_federation(args.out, parameters(6500, 25, 40, 1), ("csv",))
    csv_files = files["csv"] if files else write_federation(args.out, formats=("csv",))["csv"]
    print(f"{len(csv_files)} CSV files in {args.out}; {_load_average()}")
    figures = measure_ratio(csv_files, args.repeats, args.before)
    print_ratio(figures)
    print_before(figures)
    print(_load_average())


if __name__ == "__main__":
    main()
