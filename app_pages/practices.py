"""Practices: the partner's page, one practice at a time."""

import streamlit as st

from finance.analysis import verdict, views
from finance.format import gbp, round_half_up
from ui import charts, first_paint, held_value, session_keeper, state, workspace
from ui.components import chart_table, data_badge, intro, money_table

intro(
    "Practice view",
    "For one practice: what each service earns in-house against what the federation would return, and the practice's result both ways; "
    "a positive advantage (blue) means the practice keeps more by letting the federation deliver.",
)
data = state.loaded()
data_badge(data.label, data.is_sample)
results = state.results()
practices = results.practices.sort_values("practice_name")
names = dict(zip(practices["practice_code"], practices["practice_name"], strict=True))
session_keeper.recall("practice", list(names))  # the practice chosen before, on this page or a visit ago
choices = workspace.practice_choices(list(names))
code = st.selectbox(
    "Practice", choices, index=held_value.index_of("practice", choices), format_func=lambda c: f"{names[c]} ({c})", key="practice"
)
if code is None:  # a practice member whose practice is not in the data loaded
    st.info(f"Practice {workspace.current().practice_code} is not in the data loaded.")
    st.stop()
practice = results.practices.set_index("practice_code").loc[code]

lines = views.practice_result_lines(results, code)
inhouse, with_federation = int(lines["all_inhouse_gbp"].iloc[-1]), int(lines["with_federation_gbp"].iloc[-1])
a, b, c, d = st.columns(4)
a.metric("Result all in-house", gbp(inhouse))
b.metric("Result with the federation", gbp(with_federation), delta=gbp(with_federation - inhouse, signed=True))
partners = practice["partners_fte"]
per_partner_change = None
if partners and partners > 0:
    # The change a partner is the difference of the two whole-pound figures shown, so the three agree on screen.
    per_inhouse, per_federation = (
        round_half_up(practice["result_all_inhouse_per_partner_gbp"]),
        round_half_up(practice["result_with_federation_per_partner_gbp"]),
    )
    per_partner_change = per_federation - per_inhouse
    c.metric("Per partner all in-house", gbp(per_inhouse), help=f"{partners:g} full-time-equivalent partners")
    d.metric("Per partner with the federation", gbp(per_federation), delta=gbp(per_partner_change, signed=True))
else:
    c.caption("Add partners_fte to the practices table to see the result per partner.")
excluded = code in set(state.scenario().excluded_practices)
st.markdown(
    "**"
    + verdict.practice_change(
        with_federation - inhouse,
        per_partner_change,
        member=bool(practice["federation_member"]),
        excluded=excluded and practice["federation_member"],
    )
    + "**"
)
if not practice["federation_member"]:
    st.warning(
        "This practice is not a federation member, so its result with the federation is its result in-house. "
        "The federation return and advantage in the table below are the federation's quote if it joined."
    )

bridge = views.practice_bridge(results, code)
first_paint.chart(lambda: charts.practice_bridge(bridge, names[code]), key="practice_bridge")
chart_table("practice_bridge", bridge[["label", "amount_gbp"]], money=["amount_gbp"], rename={"label": "Step", "amount_gbp": "£ a year"})

st.subheader("Service by service")
services = views.practice_services(results, code).drop(columns=["units", "participates"])
# A break-even fee above 100% or below 0% is put in words (verdict.breakeven_fee_words), not as 166.8%.
services["breakeven_fee_pct"] = services["breakeven_fee_pct"].map(verdict.breakeven_fee_words)
money_table(
    services,
    money=["income_gbp", "inhouse_margin_gbp", "management_fee_gbp", "vat_gbp", "federation_return_gbp", "advantage_gbp"],
    percent=["fee_pct"],
    rename={
        "service": "Service",
        "deliverer": "At scale by",
        "management_fee_gbp": "Fee",
        "vat_gbp": "VAT",
        "income_gbp": "Income",
        "inhouse_margin_gbp": "In-house margin",
        "federation_return_gbp": "Return (kept)",
        "advantage_gbp": "Advantage",
        "breakeven_fee_pct": "Break-even fee",
        "fee_pct": "Fee charged",
        "status": "Status",
    },
)
st.caption(
    "At scale by: the federation, or on the PCN route the practice's PCN. Fee: what the deliverer keeps (percentage of income plus any fee "
    "per unit); VAT: on its charge, which the practice cannot reclaim; Return (kept): what the practice keeps = income − delivery cost − fee − VAT. "
    "Advantage = return − in-house margin. Break-even fee: the highest fee at which this practice is no worse off with the "
    "federation; above the fee charged, the federation pays the practice more than doing it in-house. 'Any fee': the federation's "
    "delivery saves the practice more than the service's whole income, so it gains even at 100%. 'No fee': the federation's delivery "
    "alone costs more than the practice's own, whatever the fee. '–': no income for the service."
)

st.subheader("The result both ways")
money_table(
    lines,
    money=["all_inhouse_gbp", "with_federation_gbp"],
    rename={"line": "", "all_inhouse_gbp": "All in-house", "with_federation_gbp": "With the federation"},
)
