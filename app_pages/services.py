"""Services: who uses the federation for what, and where scale pays."""

import streamlit as st

from finance.analysis import views
from ui import charts, first_paint, held_value, session_keeper, state
from ui.components import chart_table, data_badge, intro, money_table

intro(
    "Service view",
    "For each service: how many practices use the federation, the volume and fees, whether the federation's cost per unit beats "
    "practices' own at each size, and each practice's break-even fee against the fee charged.",
)
data = state.loaded()
data_badge(data.label, data.is_sample)
results = state.results()

summary = views.service_summary(results)
summary["participants"] = summary["participants"].astype(str) + " of " + summary["eligible"].astype(str) + " members"  # members taking part
money_table(
    summary.drop(columns=["eligible"]),
    money=["income_gbp", "fee_income_gbp", "pcn_fee_income_gbp", "vat_gbp", "participants_advantage_gbp"],
    percent=["fee_pct"],
    counts=["units", "federation_units"],
    unit_costs=["federation_cost_per_unit_gbp"],
    rename={
        "service": "Service",
        "route": "Run by",
        "participants": "Practices using it",
        "units": "Units, all",
        "federation_units": "Units via federation",
        "income_gbp": "Income",
        "fee_pct": "Fee",
        "fee_income_gbp": "Fee income",
        "pcn_fee_income_gbp": "PCN fees",
        "vat_gbp": "VAT",
        "federation_cost_per_unit_gbp": "Fed. cost a unit",
        "participants_advantage_gbp": "Users' advantage",
    },
)

session_keeper.recall("service", list(summary["service"]))
service_names = list(summary["service"])
service = st.selectbox("Service", service_names, index=held_value.index_of("service", service_names), key="service")
scale = views.service_scale(results, service)
if scale.empty:
    st.info(f"No practice has activity for {service}, so there is no cost per unit to compare.")
else:
    first_paint.chart(lambda: charts.service_scale(scale, service), key="service_scale")
    st.caption(
        "Each dot is a practice doing the service itself; the dark blue line is what the federation charges it per unit at scale "
        "(its quote if it has left)."
    )
    chart_table(
        "service_scale",
        scale[["practice_name", "practice_code", "list_size", "units", "inhouse_cost_per_unit_gbp", "federation_cost_per_unit_gbp"]],
        counts=["list_size", "units"],
        unit_costs=["inhouse_cost_per_unit_gbp", "federation_cost_per_unit_gbp"],
        rename={
            "practice_name": "Practice",
            "practice_code": "Code",
            "list_size": "List size",
            "units": "Units",
            "inhouse_cost_per_unit_gbp": "In-house a unit",
            "federation_cost_per_unit_gbp": "Federation a unit",
        },
    )

fees = views.breakeven_fees(results)
if fees.empty:
    st.info("No practice has income for a service, so there are no break-even fees.")
else:
    first_paint.chart(lambda: charts.breakeven_strip(fees), key="breakeven_strip")
    spread = views.breakeven_spread(fees)
    chart_table(
        "breakeven_strip",
        spread[["service", "practices", "p5", "median", "p95", "fee_pct"]],
        percent=["p5", "median", "p95", "fee_pct"],
        counts=["practices"],
        rename={
            "service": "Service",
            "practices": "Practices",
            "p5": "Break-even fee, 5th percentile",
            "median": "Median",
            "p95": "95th percentile",
            "fee_pct": "Fee charged",
        },
    )
