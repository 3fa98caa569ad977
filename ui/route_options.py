"""Options page: one service three ways (the federation runs it, PCNs run it, all in-house), side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from finance.analysis import views
from finance.model.scenario import Scenario
from ui import state
from ui.components import money_table


def show(scenario: Scenario) -> None:
    """The comparison for a service chosen here, under the sidebar's scenario otherwise."""
    data = state.loaded()
    services = data.model.services
    service = st.selectbox("Service", list(services["service"]), key="route_options_service")
    has_pcn_cost = bool(pd.notna(services.set_index("service").loc[service, "pcn_cost_per_unit"]))
    routes = {k: v for k, v in scenario.service_route.items() if k != service}
    federation = state.results(scenario.with_changes(service_route=routes))
    pcn = state.results(scenario.with_changes(service_route={**routes, service: "pcn"})) if has_pcn_cost else None
    table = views.route_options(federation, pcn, service)
    money_table(
        table,
        money=["practices_keep_gbp", "management_fee_gbp", "pcn_fee_gbp", "vat_gbp", "federation_surplus_gbp"],
        rename={
            "option": "Option",
            "practices_using": "Practices using it at scale",
            "practices_keep_gbp": "Practices keep",
            "management_fee_gbp": "Federation fees",
            "pcn_fee_gbp": "PCN fees",
            "vat_gbp": "VAT",
            "federation_surplus_gbp": "Federation surplus",
            "practices_better_off": "Practices better off",
        },
    )
    notes = [
        f"Practices keep: what the practices together keep from {service} (the return where they use the federation or their PCN, "
        "else the in-house margin). PCN fees are what PCNs keep; they are never the federation's income. VAT goes to HMRC."
    ]
    if pcn is None:
        notes.append(f"{service} has no PCN cost (pcn_cost_per_unit, or the PCN's staff time), so it cannot be put on the PCN route.")
    if scenario.membership == "rational":
        notes.append("Under membership choice 'All in-house' is worked out from the federation run, without members leaving again.")
    st.caption(" ".join(notes))
