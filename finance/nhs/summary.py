"""The import in a few lines a federation director can check: what it equals, what moved, who was left out."""

from __future__ import annotations

from finance.nhs.payments import PaymentsImport
from finance.nhs.services import COVID_SERVICE


def _gbp(amount: float) -> str:
    return f"£{amount:,.2f}"


def _n(count: int, word: str) -> str:
    """'1 practice', '2 practices'."""
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def summary_lines(result: PaymentsImport) -> list[str]:
    """The summary, one statement a line; the figures add up as shown (to the penny)."""
    practices = result.practices
    pcns = practices["pcn"].dropna().nunique()
    year = f" ({result.year})" if result.year else ""
    lines = [f"Imported {_n(len(practices), 'practice')} in {_n(pcns, 'PCN')} from {result.file}{year}: " + "; ".join(result.areas)]
    lines.append(f"Registered patients: {practices['list_size'].sum():,}")
    lines += _equals(result)
    lines += _pcn(result)
    lines += _kept_apart(result)
    lines.append(
        f"Services tagged by {result.catalogue.source}"
        + (f", added to the set as '{result.catalogue.upload.name}'" if result.catalogue.upload else "")
    )
    if result.left_out:
        lines.append("Left out (no registered patients, not federation members): " + "; ".join(
            f"{p.practice_code} {p.practice_name} ({_gbp(p.amount_gbp)}{p.what.removeprefix('has no registered patients')})" for p in result.left_out))  # fmt: skip
    if result.changes:
        lines.append("Opened or closed in the year: " + "; ".join(f"{p.practice_code} {p.practice_name}: {p.what}" for p in result.changes))
    return lines


def _equals(result: PaymentsImport) -> list[str]:
    check, imported = result.check, result.imported_gbp
    contract, pcn_des = result.contract_income, result.pcn_des_income
    streams = (
        f"contract {_gbp(contract['amount_gbp'].sum())} in {len(contract):,} lines, "
        f"PCN DES {_gbp(pcn_des['amount_gbp'].sum())} in {len(pcn_des):,} lines"
    )
    if check is None or check.total is None:
        return [f"Imported {_gbp(imported)} ({streams}); the file has no published total to check it against"]
    left = sum(p.amount_gbp for p in result.left_out)
    lines = [
        f"What it equals: {check.total}",
        f"  published for the {_n(check.practices_checked, 'practice')} chosen: {_gbp(check.published_gbp)}",
    ]
    if result.left_out:
        lines.append(f"  less {_gbp(left)} held by the {_n(len(result.left_out), 'practice')} left out (no registered patients)")
    if result.pcn.moved_in_gbp:
        lines.append(f"  plus {_gbp(result.pcn.moved_in_gbp)} of PCN payments shared in from practices outside the area")
    if result.pcn.moved_out_gbp:
        lines.append(f"  less {_gbp(result.pcn.moved_out_gbp)} of PCN payments shared out to practices outside the area")
    lines.append(f"  = imported {_gbp(imported)} ({streams})")
    if check.mismatches:
        lines.append(f"  {len(check.mismatches)} practices do not reconcile to the published total: see the warnings")
    elif check.tolerance_gbp:
        lines.append(f"  every practice reconciles to its published total within {_gbp(check.tolerance_gbp)} (the file is in whole pounds)")
    else:
        lines.append("  every practice reconciles to its published total to the penny")
    return lines


def _pcn(result: PaymentsImport) -> list[str]:
    flows = result.pcn
    if not flows.pcns:
        return []
    if flows.apportioned:
        return [
            f"PCN payments made on a PCN's behalf: {_gbp(flows.paid_gbp)} for the {_n(len(flows.pcns), 'PCN')} with practices chosen, "
            f"shared by weighted list; {_gbp(flows.moved_out_gbp)} crossed out of the area and {_gbp(flows.moved_in_gbp)} came in"
        ]
    return [
        f"PCN payments made on a PCN's behalf kept with the practice paid; {_gbp(flows.paid_outside_gbp)} paid on behalf of the "
        f"{_n(len(flows.pcns), 'PCN')} with practices chosen went to practices outside the area and was not imported"
    ]


def _kept_apart(result: PaymentsImport) -> list[str]:
    lines = []
    costs = result.practice_costs["amount_gbp"].sum()
    if len(result.practice_costs):
        names = ", ".join(line.replace(" (pass-through)", "").replace("; pass-through", "") for line in result.pass_through_lines)
        lines.append(
            f"Pass-through money ({names}): {_gbp(costs)} of practice costs named 'pass-through: ...' "
            "set against it, so it does not raise any practice's result"
        )
    income = result.contract_income
    covid = income[income["line"] == "Covid vaccination programme"]
    if len(covid):
        tagged = covid["service"].notna().all()
        lines.append(
            f"Covid vaccination: {_gbp(covid['amount_gbp'].sum())} "
            + (
                f"as the service '{COVID_SERVICE}', against its delivery cost"
                if tagged
                else "as core income with no cost against it (see the warning)"
            )
        )
    other = income[income["line"].isin(["Covid support and expansion", "Long Covid"])]
    if len(other):
        lines.append(f"Covid support and Long Covid: {_gbp(other['amount_gbp'].sum())} as core income (the file does not show their costs)")
    return lines
