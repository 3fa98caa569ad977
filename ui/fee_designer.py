"""The fee designer on a page: the designed fees, what they do service by service, and "use these fees"."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from finance.errors import FinanceError
from finance.format import gbp, whole_pounds_adding_up
from finance.model.scenario import Scenario
from ui import analysis_charts, analysis_state, first_paint, meeting_text, sidebar, state
from ui.components import money_table

MAX_FEE_KEY = "designer_max_fee"


def use_fees(fees: dict[str, float]) -> None:
    """Put the designed fees in the sidebar's per-service fees (they win over one fee for every service)."""
    st.session_state[sidebar.SERVICE_FEES_KEY] = dict(fees)
    st.toast("The designed fees are in the sidebar's scenario: every page now uses them.", icon=":material/check_circle:")


def show(scenario: Scenario) -> None:
    """Draw the designer for the sidebar's scenario."""
    st.session_state.setdefault(MAX_FEE_KEY, 30.0)
    max_fee = st.slider(
        "Highest fee to consider (%)",
        min_value=1.0,
        max_value=50.0,
        step=0.5,
        key=MAX_FEE_KEY,
        help="The designer looks at every service's fee from 0% to this, in half-point steps.",
    )
    with st.spinner("Trying fees service by service…"):
        design, stories, affordability = analysis_state.design(scenario, float(max_fee))
    federation = design.federation
    # Whole pounds that add up on screen: fee income less overheads is the surplus shown.
    fee_shown, overheads_shown = whole_pounds_adding_up([federation.fee_income_gbp, -federation.overheads_gbp])
    a, b, c, d = st.columns(4)
    a.metric("Covers its overheads", "Yes" if design.viable else "No")
    b.metric("Federation surplus", gbp(fee_shown + overheads_shown))
    c.metric("Practices better off", f"{design.practices_better_off} of {design.practices}")
    d.metric("Fee income", gbp(fee_shown))
    if design.viable:
        st.success(
            f"These fees cover the overheads ({gbp(-overheads_shown)}) with {gbp(fee_shown + overheads_shown)} to spare "
            f"and leave {design.practices_better_off} of {design.practices} practices better off than delivering everything themselves.",
            icon=":material/check_circle:",
        )
    else:
        st.warning(
            f"No set of fees up to {max_fee:g}% covers the overheads under this scenario. The fees below come closest: "
            f"a loss of {gbp(-federation.surplus_gbp)} a year.",
            icon=":material/warning:",
        )
    floor = design.floor
    st.caption(
        f"For comparison, the best single fee for every service is {floor.top_fee_pct:g}%: a surplus of {gbp(floor.surplus_gbp)} "
        f"with {floor.better_off} practices better off."
    )
    left, right = st.columns(2)
    left.button("Use these fees", type="primary", on_click=use_fees, args=(design.service_fee_pct,), key="designer_use")
    with right.popover("Save as an option"):
        _save(design.scenario())
    if not stories:
        st.info("No service is delivered by the federation in this scenario, so there is no fee to design.")
        return
    first_paint.chart(lambda: analysis_charts.designed_fees_chart(stories), key="designed_fees")
    st.subheader("Service by service")
    frame = pd.DataFrame(
        {
            "Service": [s.service for s in stories],
            "today": [s.today_fee_pct for s in stories],
            "designed": [s.fee_pct for s in stories],
            "Practices using the federation": [f"{s.participants} of {s.practices}" for s in stories],
            "fee_income": _adding_up([s.fee_income_gbp for s in stories], federation.fee_income_gbp, fee_shown),
        }
    )
    money_table(
        frame,
        money=["fee_income"],
        percent=["today", "designed"],
        rename={"today": "Today's fee", "designed": "Designed fee", "fee_income": "Fee income (£ a year)"},
    )
    for story in stories:
        st.markdown(f"- {_short(story.sentence())}")
    st.subheader("What overheads can we afford at today's fees?")
    st.info(affordability.sentence(), icon=":material/account_balance:")


def _adding_up(parts: list[float], whole: float, whole_shown: int) -> list[float]:
    """Service fee incomes in whole pounds adding up to the fee income shown, when they are all of it
    (a subscription, where there is one, is fee income of no service: then the parts are left as they are)."""
    if abs(sum(parts) - whole) > 0.005:
        return parts
    return [float(v) for v in whole_pounds_adding_up(parts, total=whole_shown)]


def _short(sentence: str, names: int = 6) -> str:
    """A long list of practices that would leave, cut to a few names and a count."""
    head, sep, tail = sentence.partition("; ")
    if not sep:
        return sentence
    codes = tail.removesuffix(" would rather deliver it themselves.").split(", ")
    if len(codes) <= names:
        return sentence
    return f"{head}; {', '.join(codes[:names])} and {len(codes) - names} more would rather deliver it themselves."


def _save(scenario: Scenario) -> None:
    from ui.options import store

    name = st.text_input("Option name", value="Designed fees", key="designer_option_name")
    if st.button("Save", key="designer_save"):
        try:
            saved = store().save(name, analysis_state.to_save(scenario), "Fees from the fee designer", state.source().dataset)
        except FinanceError as exc:
            st.error(meeting_text.shown(str(exc)), icon=":material/error:")
        else:
            st.toast(meeting_text.shown(f"Saved '{saved.name}': compare it on the Options page."), icon=":material/check_circle:")
