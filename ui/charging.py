"""The sidebar's charging model: who delivers each service at scale, per-unit fees, VAT, subscription, membership.

Hooked into ui/sidebar.py in four places (defaults, apply, show, scenario_from_state), so the
scenario every page reads carries MODEL.md's service_route, service_fee_per_unit_gbp,
subscription_gbp_per_patient, subscription_basis and membership. Help texts quote DOMAIN.md's sources.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from finance.ingest.dataset import Dataset
from finance.model.scenario import Scenario
from ui.held_value import copied, index_of, now

BASIS = {"Weighted patients": "weighted", "Registered patients": "registered"}
MEMBERSHIP = {"Members stay": "fixed", "Leave when better off alone": "rational"}
DEFAULTS = {
    "charging_pcn_services": [],
    "charging_unit_fee_on": False,
    "charging_unit_fee": 0.0,
    "charging_subscription": 0.0,
    "charging_basis": "Weighted patients",
    "charging_membership": "Members stay",
}
# Not widgets: the catalogue's services (for a fee per unit on every one), and per-unit fees a
# link or a saved option sets for single services (kept and shown until reset).
SERVICES_KEY = "charging_services"
UNIT_FEES_KEY = "charging_service_unit_fees"

ROUTE_HELP = (
    "Put a service on the PCN route: each practice's Primary Care Network delivers it for the practices of that PCN, at the PCN's "
    "cost (pcn_cost_per_unit, or its staff time) and its own fee, and the federation earns no fee on it. A practice with no PCN "
    "keeps it in-house. Only services with a PCN cost can be chosen. Since October 2022 Enhanced Access is a PCN service "
    "(DOMAIN.md: NHS England, Network Contract DES)."
)
UNIT_FEE_HELP = (
    "A federation charge per unit delivered, on top of the percentage fee, for every federation service. No published per-unit "
    "federation figure was found (DOMAIN.md section 7); historic per-patient fees were Slough Health CIC's £1 a patient (c. 2014)."
)
SUBSCRIPTION_HELP = (
    "A yearly membership subscription every federation member pays, per patient. DOMAIN.md section 7: CCGs paid 50-60p a patient "
    "to start federations (2016); Slough Health CIC charged £1 a patient (c. 2014); the GPDF levy is 3p rising to 5p (2025); PCN "
    "core funding was £1.50 a patient (2019)."
)
MEMBERSHIP_HELP = (
    "Leave when better off alone: a member whose result with the federation (subscription included) is below its result all "
    "in-house by more than the opt-out tolerance leaves the federation altogether; the others then settle again, and so on "
    "until nobody leaves. Its PCN services are unchanged."
)


def reset() -> None:
    for key, value in DEFAULTS.items():
        st.session_state[key] = copied(value)
    st.session_state.pop(UNIT_FEES_KEY, None)


def apply(scenario: Scenario) -> list[str]:
    """Set the controls to a scenario; notes on what they cannot show exactly."""
    notes = []
    st.session_state["charging_pcn_services"] = [s for s, route in scenario.service_route.items() if route == "pcn"]
    fees = dict(scenario.service_fee_per_unit_gbp)
    if fees and len(set(fees.values())) == 1 and set(fees) >= set(st.session_state.get(SERVICES_KEY, [])):
        st.session_state["charging_unit_fee_on"] = True
        st.session_state["charging_unit_fee"] = float(next(iter(fees.values())))
        st.session_state.pop(UNIT_FEES_KEY, None)
    else:
        st.session_state["charging_unit_fee_on"] = False
        if fees:
            st.session_state[UNIT_FEES_KEY] = fees
        else:
            st.session_state.pop(UNIT_FEES_KEY, None)
    st.session_state["charging_subscription"] = float(scenario.subscription_gbp_per_patient)
    st.session_state["charging_basis"] = next(k for k, v in BASIS.items() if v == scenario.subscription_basis)
    st.session_state["charging_membership"] = next(k for k, v in MEMBERSHIP.items() if v == scenario.membership)
    return notes


def show(sidebar, dataset: Dataset, services: pd.DataFrame) -> None:
    """Draw the charging controls (``services``: the model's costed catalogue, for PCN costs and VAT)."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, copied(value))
    st.session_state[SERVICES_KEY] = list(services["service"])
    with_pcn_cost = list(services.loc[services["pcn_cost_per_unit"].notna(), "service"])
    chosen = [s for s in st.session_state["charging_pcn_services"] if s in with_pcn_cost]
    if chosen != st.session_state["charging_pcn_services"]:
        st.session_state["charging_pcn_services"] = chosen
    box = sidebar.expander("Charging model and delivery", expanded=False)
    box.multiselect(
        "Services the PCNs run",
        options=with_pcn_cost,
        default=now("charging_pcn_services"),
        key="charging_pcn_services",
        help=ROUTE_HELP,
        placeholder="none: the federation runs every service" if with_pcn_cost else "no service has a PCN cost",
    )
    unit_on = box.checkbox(
        "A fee per unit on every federation service", value=now("charging_unit_fee_on"), key="charging_unit_fee_on", help=UNIT_FEE_HELP
    )
    box.number_input(
        "Fee per unit (£)",
        min_value=0.0,
        max_value=1_000.0,
        step=0.1,
        format="%.2f",
        value=now("charging_unit_fee"),
        key="charging_unit_fee",
        disabled=not unit_on,
    )
    box.number_input(
        "Subscription (£ a patient a year)",
        min_value=0.0,
        max_value=100.0,
        step=0.05,
        format="%.2f",
        value=now("charging_subscription"),
        key="charging_subscription",
        help=SUBSCRIPTION_HELP,
    )
    box.radio("Subscription per", list(BASIS), index=index_of("charging_basis", list(BASIS)), key="charging_basis", horizontal=True)
    box.radio(
        "Membership",
        list(MEMBERSHIP),
        index=index_of("charging_membership", list(MEMBERSHIP)),
        key="charging_membership",
        help=MEMBERSHIP_HELP,
    )
    vat = services.loc[services["vat_rate_pct"] > 0, ["service", "vat_rate_pct"]]
    if len(vat):
        listed = ", ".join(f"{r.service} {r.vat_rate_pct:g}%" for r in vat.itertuples())
        box.caption(
            f"VAT on the deliverer's charge (from the services table): {listed}. Practices cannot reclaim it; it goes to HMRC, "
            "never to the federation. A supply of staff is usually standard-rated at 20% unless a cost-sharing exemption applies "
            "(DOMAIN.md section 7: Pulse, Leeds GP Confederation)."
        )
    else:
        box.caption("No service carries VAT (vat_rate_pct in the services table): clinical care by registered professionals is exempt.")
    single = st.session_state.get(UNIT_FEES_KEY)
    if single:
        listed = ", ".join(f"{name} £{fee:,.2f}" for name, fee in single.items())
        box.caption(f"This scenario also sets fees per unit for single services ({listed}). Reset clears them.")


def scenario_changes(values: Mapping) -> dict:
    """The charging controls' values as Scenario parameters."""
    fees: dict[str, float] = dict(values.get(UNIT_FEES_KEY) or {})
    if values.get("charging_unit_fee_on"):
        fees = dict.fromkeys(values.get(SERVICES_KEY) or [], float(values.get("charging_unit_fee", 0.0)))
    return {
        "service_route": dict.fromkeys(values.get("charging_pcn_services") or [], "pcn"),
        "service_fee_per_unit_gbp": fees,
        "subscription_gbp_per_patient": float(values.get("charging_subscription", 0.0)),
        "subscription_basis": BASIS[values.get("charging_basis", "Weighted patients")],
        "membership": MEMBERSHIP[values.get("charging_membership", "Members stay")],
    }
