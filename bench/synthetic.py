"""The synthetic federation's tables, built in memory: every table of DATA.md, valid, deterministic.

Vectorised with numpy: 6,500 practices and 260,000 income lines take under half a second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench import catalogue
from bench.catalogue import CORE_LINES

PCN_SIZE_SHARES = (0.16, 0.22, 0.22, 0.18, 0.12, 0.10)
INCOME_STREAMS = ("contract", "pcn_des", "federation")
TABLE_ORDER = (
    "practices",
    "contract_income",
    "pcn_des_income",
    "federation_income",
    "services",
    "activity",
    "federation_costs",
    "practice_costs",
)


def practices_table(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """ODS codes, names, PCNs of 3-8 practices, list sizes, partners and membership."""
    codes = np.sort(rng.choice(25 * 100_000, size=n, replace=False))
    letters = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))[codes // 100_000 % 24]
    practice_code = pd.Series(letters).str.cat(pd.Series(codes % 100_000).astype(str).str.zfill(5))
    places = np.array(catalogue.PLACES)
    suffixes = np.array(catalogue.PRACTICE_SUFFIXES)
    practice_name = pd.Series(places[rng.integers(0, len(places), n)]).str.cat(
        pd.Series(suffixes[rng.integers(0, len(suffixes), n)]), sep=" "
    )
    list_size = np.clip(np.rint(rng.lognormal(np.log(9_000), 0.55, n)), 1_500, 40_000).astype(np.int64)
    partners = np.clip(np.rint(list_size / 2_200 * rng.uniform(0.6, 1.3, n) * 2) / 2, 0.5, None)
    partners[rng.random(n) < 0.01] = 0.0  # APMS practices run by salaried GPs
    partners[rng.random(n) < 0.03] = np.nan  # not given
    return pd.DataFrame(
        {
            "practice_code": practice_code,
            "practice_name": practice_name,
            "pcn": pcn_names(rng, n),
            "list_size": list_size,
            "weighted_list_size": np.round(list_size * rng.uniform(0.9, 1.1, n), 2),
            "partners_fte": partners,
            "federation_member": membership(rng, n),
        }
    )


def pcn_sizes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Sizes of consecutive PCNs of 3-8 practices that add up to n (a short tail is spread out)."""
    # Weighted towards small PCNs: a mean of ~5.2 gives England's ~1,250 PCNs for 6,500 practices.
    sizes = rng.choice(np.arange(3, 9), size=n // 3 + 1, p=PCN_SIZE_SHARES)
    ends = np.cumsum(sizes)
    count = int(np.searchsorted(ends, n)) + 1
    sizes = sizes[:count].copy()
    sizes[-1] -= int(ends[count - 1]) - n
    if sizes[-1] < 3 and count > 1:
        tail, sizes = int(sizes[-1]), sizes[:-1]
        sizes[np.argsort(sizes)[:tail]] += 1
    return sizes


def pcn_names(rng: np.random.Generator, n: int) -> np.ndarray:
    sizes = pcn_sizes(rng, n)
    places, areas = catalogue.PLACES, catalogue.PCN_AREAS
    picks = rng.permutation(len(places) * len(areas))
    names = [
        f"{places[picks[i % len(picks)] // len(areas)]} {areas[picks[i % len(picks)] % len(areas)]} PCN"
        + (f" {i // len(picks) + 1}" if i >= len(picks) else "")
        for i in range(len(sizes))
    ]
    return np.repeat(np.array(names, dtype=object), sizes)


def membership(rng: np.random.Generator, n: int) -> np.ndarray:
    """Mostly 'yes', ~5% 'no', with the other spellings DATA.md accepts."""
    draw = rng.random(n)
    member = np.where(draw < 0.05, "no", "yes").astype(object)
    member[(draw >= 0.05) & (draw < 0.07)] = "Y"
    member[(draw >= 0.07) & (draw < 0.09)] = ""
    member[draw > 0.995] = "N"
    return member


def services_table(rng: np.random.Generator, count: int, practices: int) -> pd.DataFrame:
    """The catalogue; the federation is cheaper per unit for ~80% of services, dearer for the rest."""
    templates = [catalogue.SERVICES[i % len(catalogue.SERVICES)] for i in range(count)]
    table = pd.DataFrame(templates, columns=catalogue.ServiceTemplate._fields)
    repeat = np.arange(count) // len(catalogue.SERVICES)
    table["service"] = [s if r == 0 else f"{s} (scheme {r + 1})" for s, r in zip(table["service"], repeat, strict=True)]
    cheaper = rng.random(count) < 0.8
    unit_ratio = np.where(cheaper, rng.uniform(0.6, 0.9, count), rng.uniform(1.0, 1.15, count))
    table["federation_cost_per_unit"] = np.round(table["inhouse_cost_per_unit"] * unit_ratio, 2)
    # A hub costs a fraction of what every practice spends on its own fixed cost.
    hub_share = rng.uniform(0.1, 0.4, count)
    table["federation_fixed_cost"] = np.round(table["inhouse_fixed_cost"] * practices * hub_share, -2)
    table["management_fee_pct"] = np.round(rng.uniform(5, 15, count), 1)
    return table


def service_pairs(
    rng: np.random.Generator,
    practices: pd.DataFrame,
    services: pd.DataFrame,
    lines_per_practice: int,
) -> pd.DataFrame:
    """The (practice, service) pairs with income: each practice takes 15-22 services."""
    n, count = len(practices), len(services)
    service_lines = max(lines_per_practice - len(CORE_LINES), 0)
    taken = np.minimum(rng.integers(15, 23, n), min(count, service_lines))
    order = np.argsort(rng.random((n, count)), axis=1)
    mask = np.arange(count)[None, :] < taken[:, None]
    practice = np.nonzero(mask)[0]
    service = order[mask]
    list_size = practices["list_size"].to_numpy()[practice]
    expected = list_size * services["units_per_1000_patients"].to_numpy()[service] / 1000
    recorded = rng.random(len(practice)) < 0.4
    units = np.where(recorded, np.rint(expected * rng.lognormal(0, 0.25, len(practice))), expected)
    # The tariff covers unit cost with a margin plus the fixed cost of a typical practice.
    tariff = services["inhouse_cost_per_unit"].to_numpy() * rng.uniform(1.0, 1.35, count) + services[
        "inhouse_fixed_cost"
    ].to_numpy() / np.maximum(services["units_per_1000_patients"].to_numpy() * 9, 1)
    income = units * tariff[service] * rng.lognormal(0, 0.12, len(practice))
    return pd.DataFrame(
        {
            "practice": practice,
            "service": service,
            "units": units,
            "recorded": recorded,
            "income": income,
        }
    )


def core_income(rng: np.random.Generator, practices: pd.DataFrame, lines: int) -> pd.DataFrame:
    """The income lines with no service, per practice: global sum, QOF, premises, PCN DES."""
    n = len(practices)
    listed = practices["list_size"].to_numpy(dtype=float)
    weighted = practices["weighted_list_size"].to_numpy()
    global_sum = weighted * rng.normal(100, 3, n)
    qof = listed * 18 * rng.uniform(0.75, 1.05, n)
    amounts = (
        global_sum,
        qof * 0.7,
        qof * 0.3,
        listed * rng.uniform(5, 15, n),
        listed * rng.uniform(1, 4, n),
        rng.uniform(0, 15_000, n),
        -global_sum * rng.uniform(0.05, 0.1, n),
        -listed * rng.uniform(0.3, 0.7, n),
        weighted * 1.761,
        weighted * 26.6 * rng.uniform(0.6, 1.0, n),
        weighted * 3.2,
        listed * 3.0,
    )
    frames = [
        pd.DataFrame(
            {
                "practice": np.arange(n),
                "stream": stream,
                "line": line,
                "service": -1,
                "amount": amount,
            }
        )
        for (stream, line), amount in list(zip(CORE_LINES, amounts, strict=True))[:lines]
    ]
    return pd.concat(frames, ignore_index=True)


def service_income(
    rng: np.random.Generator,
    pairs: pd.DataFrame,
    services: pd.DataFrame,
    lines_per_practice: int,
) -> pd.DataFrame:
    """One main line per pair, then adjustments and clawbacks up to ~lines_per_practice a practice."""
    n = int(pairs["practice"].max()) + 1 if len(pairs) else 0
    taken = np.bincount(pairs["practice"], minlength=n)
    wanted = np.maximum(lines_per_practice - len(CORE_LINES) + rng.integers(-2, 3, n), 0)
    extra = np.where(taken > 0, np.maximum(wanted - taken, 0), 0)
    owner = np.repeat(np.arange(n), extra)
    first = np.cumsum(taken) - taken
    pick = first[owner] + np.floor(rng.random(len(owner)) * taken[owner]).astype(np.int64)
    clawback = rng.random(len(owner)) < 0.2
    share = rng.uniform(0.03, 0.2, len(owner)) * np.where(clawback, -1, 1)
    stream = services["stream"].to_numpy()
    names = services["service"].to_numpy(dtype=object)
    suffix = np.array([catalogue.SERVICE_LINE_SUFFIX[s] for s in stream], dtype=object)
    main = pd.DataFrame(
        {
            "practice": pairs["practice"],
            "stream": stream[pairs["service"]],
            "line": names[pairs["service"]] + " - " + suffix[pairs["service"]],
            "service": pairs["service"],
            "amount": pairs["income"],
        }
    )
    service = pairs["service"].to_numpy()[pick]
    adjust = pd.DataFrame(
        {
            "practice": owner,
            "stream": stream[service],
            "line": names[service] + np.where(clawback, " - clawback", " - prior year adjustment"),
            "service": service,
            "amount": pairs["income"].to_numpy()[pick] * share,
        }
    )
    lines = pd.concat([main, adjust], ignore_index=True)
    # For ~3% of pairs the practice did not tag the service on any of its lines: core income.
    # (Untagging whole pairs, not single lines, keeps a clawback from standing alone.)
    untagged = rng.random(len(pairs)) < 0.03
    lines.loc[np.concatenate([untagged, untagged[pick]]), "service"] = -1
    return lines


def income_tables(
    rng: np.random.Generator,
    practices: pd.DataFrame,
    services: pd.DataFrame,
    pairs: pd.DataFrame,
    lines_per_practice: int,
) -> dict[str, pd.DataFrame]:
    lines = pd.concat(
        [
            core_income(rng, practices, lines_per_practice),
            service_income(rng, pairs, services, lines_per_practice),
        ],
        ignore_index=True,
    )
    lines = lines.iloc[np.argsort(lines["practice"].to_numpy(), kind="stable")]
    names = np.append(services["service"].to_numpy(dtype=object), None)
    table = pd.DataFrame(
        {
            "practice_code": practices["practice_code"].to_numpy()[lines["practice"]],
            "line": lines["line"].to_numpy(),
            "service": names[lines["service"].to_numpy()],  # -1 picks the trailing None
            "amount_gbp": np.round(lines["amount"].to_numpy(dtype=float), 2),
        }
    )
    stream = lines["stream"].to_numpy()
    return {f"{s}_income": table[stream == s].reset_index(drop=True) for s in INCOME_STREAMS}


def activity_table(pairs: pd.DataFrame, practices: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    recorded = pairs[pairs["recorded"]]
    return pd.DataFrame(
        {
            "practice_code": practices["practice_code"].to_numpy()[recorded["practice"]],
            "service": services["service"].to_numpy()[recorded["service"]],
            "units": recorded["units"].to_numpy(),
        }
    )


def federation_costs_table(rng: np.random.Generator, fee_income: float) -> pd.DataFrame:
    """~15 overheads adding up to 85-100% of the fees at full participation: a tight federation."""
    items = catalogue.FEDERATION_COST_ITEMS
    weights = rng.dirichlet(np.full(len(items), 2.0))
    total = fee_income * rng.uniform(0.85, 1.0)
    return pd.DataFrame({"item": items, "amount_gbp": np.round(weights * total, 2)})


def practice_costs_table(rng: np.random.Generator, practices: pd.DataFrame) -> pd.DataFrame:
    """2-4 rows a practice, adding up to £75-100 a registered patient."""
    n, items = len(practices), np.array(catalogue.PRACTICE_COST_ITEMS, dtype=object)
    rows = rng.integers(2, 5, n)
    order = np.argsort(rng.random((n, len(items))), axis=1)
    mask = np.arange(len(items))[None, :] < rows[:, None]
    weights = np.where(mask, rng.uniform(0.2, 1.0, (n, len(items))), 0.0)
    total = practices["list_size"].to_numpy() * rng.uniform(75, 100, n)
    amount = weights / weights.sum(axis=1, keepdims=True) * total[:, None]
    practice, slot = np.nonzero(mask)
    return pd.DataFrame(
        {
            "practice_code": practices["practice_code"].to_numpy()[practice],
            "item": items[order[practice, slot]],
            "amount_gbp": np.round(amount[practice, slot], 2),
        }
    )


def expected_fee_income(practices: pd.DataFrame, services: pd.DataFrame, pairs: pd.DataFrame) -> float:
    member = ~practices["federation_member"].isin(["no", "N"]).to_numpy()
    fee = services["management_fee_pct"].to_numpy()[pairs["service"]] / 100
    return float((fee * pairs["income"] * member[pairs["practice"]]).sum())


def build_federation(
    *,
    practices: int = 6500,
    services: int = 25,
    lines_per_practice: int = 40,
    seed: int = 1,
) -> dict[str, pd.DataFrame]:
    """Every table of DATA.md, income split into its three streams, keyed by table name."""
    rng = np.random.default_rng(seed)
    practice_table = practices_table(rng, practices)
    service_table = services_table(rng, services, practices)
    pairs = service_pairs(rng, practice_table, service_table, lines_per_practice)
    tables = {
        "practices": practice_table,
        **income_tables(rng, practice_table, service_table, pairs, lines_per_practice),
        "services": service_table.drop(columns="stream"),
        "activity": activity_table(pairs, practice_table, service_table),
        "federation_costs": federation_costs_table(rng, expected_fee_income(practice_table, service_table, pairs)),
        "practice_costs": practice_costs_table(rng, practice_table),
    }
    return {name: tables[name] for name in TABLE_ORDER}
