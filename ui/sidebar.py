"""The what-if controls, on every page: one scenario per session, read by every chart.

Labels are fixed (users and tests rely on them). Values live in st.session_state under the keys
below, so they survive page changes; ``Reset scenario`` puts them back to the defaults.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from finance.ingest.dataset import Dataset
from finance.model.scenario import Scenario
from ui import charging, first_paint, workspace
from ui.held_value import copied, index_of, now

CHANGE_SLIDERS = (
    # label, session key, what it changes (help text)
    ("Contract income change (%)", "contract_income_change", "GMS/PMS contract income: global sum, QOF, enhanced services."),
    ("PCN DES income change (%)", "pcn_des_income_change", "Network Contract DES income: enhanced access, care home premium, ARRS."),
    ("Federation income change (%)", "federation_income_change", "Income for services commissioned through the federation."),
    ("Activity change (%)", "activity_change", "Every practice's units of every service."),
    ("In-house cost change (%)", "inhouse_cost_change", "Practices' own cost per unit and fixed cost (e.g. a pay award)."),
    ("Federation cost change (%)", "federation_cost_change", "The federation's delivery cost per unit and fixed cost."),
    ("Overhead change (%)", "overhead_change", "The federation's central overheads that fees must pay for."),
)
DEFAULTS = {
    **{key: 0 for _, key, _ in CHANGE_SLIDERS},
    "one_fee": False,
    "management_fee": 10.0,
    "participation": "All members",
    "opt_out_tolerance": 0,
    "excluded_practices": [],
}
PARTICIPATION = {"All members": "all", "Rational": "rational"}


SLIDER_RANGE = (-50, 50)
FEE_RANGE = (0.0, 40.0)
# Per-service fees have no control in the sidebar: a scenario loaded from a link or a saved option
# may carry them, and they are kept (and shown) until the scenario is reset.
SERVICE_FEES_KEY = "scenario_service_fees"


DRAWN_KEY = "sidebar_drawn"  # every sidebar control's value as last drawn: {key: value}
SERVER_SET_KEY = "sidebar_set_by_server"  # the controls were set by the app (reset, a link, an option) since the last draw
LOSS_NOTE_KEY = "sidebar_loss_note"  # a move on controls the browser had lost was undone: say so once
LOSS_NOTE = (
    "The browser lost the sidebar's settings and showed every change at -50%. They are back as they were, "
    "and the figures did not change: move the slider again."
)


def keep_drawn_values() -> None:
    """Put back change sliders the browser sent at their minimum all at once without anyone moving them.

    Seen in Chromium (tests/browser, 2 to 3 full runs in 6): after a page change, the browser's copy
    of every change slider dropped to -50, the slider's own default (it has no ``value=``), and the
    next click sent that to the server, so an option was saved with every change at -50% and the
    page then showed those figures. A person moves one slider at a time, so two or more sliders
    arriving at the minimum together, with no reset, link or option applied since the last draw, are
    the browser's loss: they get back the values last drawn (the browser is told them again). Any
    other sidebar control (the fee, participation, tolerance, the excluded practices, one fee) that
    arrives changed in that same request is part of the same loss and is put back too. One slider
    moved to -50 is a person's move and is kept. A person may also move a slider the browser has
    just dropped (seen in bench/sessions.py: six sliders at -50 and the one moved at -49): that move
    started from a value nobody chose, so it is put back with the rest and the sidebar says so.

    The cause is met at its root now: every control is drawn with the server's value as its default
    (``held_value.now``), so a control the browser loses comes back as it was. This guard stays as
    the safety net for a browser that sends a lost value all the same.
    """
    drawn = st.session_state.get(DRAWN_KEY)
    set_by_server = st.session_state.pop(SERVER_SET_KEY, False)
    if drawn and not set_by_server:
        changed = [key for key in DEFAULTS if key in drawn and st.session_state.get(key) != drawn[key]]
        sliders = [key for _, key, _ in CHANGE_SLIDERS if key in changed]
        at_minimum = [key for key in sliders if st.session_state.get(key) == SLIDER_RANGE[0]]
        if len(at_minimum) >= 2 and len(sliders) - len(at_minimum) <= 1:
            if len(sliders) > len(at_minimum):  # someone moved a slider the browser had dropped: say why it is back
                st.session_state[LOSS_NOTE_KEY] = True
            for key in changed:
                st.session_state[key] = copied(drawn[key])
    # Recorded now, before drawing: a run cut short by the next move still counts this move as seen.
    st.session_state[DRAWN_KEY] = {key: copied(st.session_state.get(key)) for key in DEFAULTS}


def reset() -> None:
    """Every control back to where a new visit starts it (the fee slider at the catalogue's average)."""
    st.session_state[SERVER_SET_KEY] = True
    for key, value in DEFAULTS.items():
        st.session_state[key] = copied(value)
    st.session_state.pop(SERVICE_FEES_KEY, None)
    st.session_state.pop("fee_default_set", None)
    charging.reset()


def apply(scenario: Scenario, practice_codes: set[str]) -> list[str]:
    """Set the controls to a scenario (from a saved option or a link); returns notes on anything
    the controls cannot show exactly (values beyond a slider's range, unknown practices)."""
    st.session_state[SERVER_SET_KEY] = True
    notes = []
    values = {
        "contract_income_change": scenario.income_change_pct.get("contract", 0.0),
        "pcn_des_income_change": scenario.income_change_pct.get("pcn_des", 0.0),
        "federation_income_change": scenario.income_change_pct.get("federation", 0.0),
        "activity_change": scenario.activity_change_pct,
        "inhouse_cost_change": scenario.inhouse_cost_change_pct,
        "federation_cost_change": scenario.federation_cost_change_pct,
        "overhead_change": scenario.overhead_change_pct,
    }
    labels = {key: label for label, key, _ in CHANGE_SLIDERS}
    for key, value in values.items():
        whole = round(min(max(value, SLIDER_RANGE[0]), SLIDER_RANGE[1]))
        if whole != value:
            notes.append(f"{labels[key]} is {value:g} in the scenario; the slider shows {whole}")
        st.session_state[key] = whole
    st.session_state["one_fee"] = scenario.management_fee_pct is not None
    if scenario.management_fee_pct is not None:
        fee = min(max(round(scenario.management_fee_pct * 2) / 2, FEE_RANGE[0]), FEE_RANGE[1])
        if fee != scenario.management_fee_pct:
            notes.append(f"the management fee is {scenario.management_fee_pct:g}% in the scenario; the slider shows {fee:g}%")
        st.session_state["management_fee"] = fee
    st.session_state["participation"] = next(k for k, v in PARTICIPATION.items() if v == scenario.participation)
    st.session_state["opt_out_tolerance"] = round(scenario.opt_out_tolerance_gbp)
    known = [c for c in scenario.excluded_practices if c in practice_codes]
    if len(known) < len(scenario.excluded_practices):
        missing = sorted(set(scenario.excluded_practices) - set(known))
        notes.append(f"excluded practices not in the data loaded now were left out: {', '.join(missing)}")
    st.session_state["excluded_practices"] = known
    if scenario.service_fee_pct:
        st.session_state[SERVICE_FEES_KEY] = dict(scenario.service_fee_pct)
    else:
        st.session_state.pop(SERVICE_FEES_KEY, None)
    if scenario.management_fee_pct is not None:
        st.session_state["fee_default_set"] = True
    notes += charging.apply(scenario)
    return notes


def show(
    dataset: Dataset, services: pd.DataFrame, average_fee_pct: float | None, practice_label: Callable[[str], str] | None = None
) -> Scenario:
    """Draw the controls in the sidebar and return the scenario they describe. ``services`` is the
    model's costed catalogue (Model.services, worked out once with the model, not on every rerun);
    ``practice_label`` names a practice by its code in the excluded practices' list: meeting mode
    hides the real names."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, copied(value))
    keep_drawn_values()
    codes = set(workspace.practice_choices(list(dataset.practices["practice_code"])))  # a practice member: their own only
    if any(code not in codes for code in st.session_state["excluded_practices"]):
        st.session_state["excluded_practices"] = [c for c in st.session_state["excluded_practices"] if c in codes]
    if average_fee_pct is not None and "fee_default_set" not in st.session_state:
        st.session_state["management_fee"] = round(average_fee_pct * 2) / 2
        st.session_state["fee_default_set"] = True

    sidebar = st.sidebar
    sidebar.header("What if…")
    if first_paint.take_once(LOSS_NOTE_KEY, False):
        sidebar.warning(LOSS_NOTE, icon=":material/undo:")
    sidebar.caption("Every figure on every page follows these. Changes are in percent of the uploaded figures.")
    for label, key, help_text in CHANGE_SLIDERS:
        sidebar.slider(label, min_value=-50, max_value=50, step=1, value=now(key), key=key, help=help_text)
    one_fee = sidebar.checkbox(
        "One fee for every service", value=now("one_fee"), key="one_fee", help="Replace each service's management fee with one fee."
    )
    sidebar.slider(
        "Management fee (%)",
        min_value=0.0,
        max_value=40.0,
        step=0.5,
        format="%.1f",
        value=now("management_fee"),
        key="management_fee",
        disabled=not one_fee,
        help="The share of a practice's service income the federation keeps. Used when 'One fee for every service' is ticked.",
    )
    sidebar.radio(
        "Participation",
        list(PARTICIPATION),
        index=index_of("participation", list(PARTICIPATION)),
        key="participation",
        horizontal=True,
        help="All members: every member uses every service. Rational: practices leave services that pay them less than in-house.",
    )
    sidebar.number_input(
        "Opt-out tolerance (£)",
        min_value=0,
        max_value=1_000_000,
        step=500,
        value=now("opt_out_tolerance"),
        key="opt_out_tolerance",
        help="Under Rational, a practice stays while it loses no more than this on a service (the 'ball park').",
    )
    names = {
        code: name
        for code, name in zip(dataset.practices["practice_code"], dataset.practices["practice_name"], strict=True)
        if code in codes
    }
    sidebar.multiselect(
        "Excluded practices",
        options=list(names),
        default=now("excluded_practices"),
        key="excluded_practices",
        format_func=practice_label or (lambda code: f"{names.get(code, code)} ({code})"),
        help="Practices that use no federation service in this scenario.",
    )
    service_fees = st.session_state.get(SERVICE_FEES_KEY)
    if service_fees:
        listed = ", ".join(f"{name} {fee:g}%" for name, fee in service_fees.items())
        sidebar.caption(f"This scenario also sets fees for single services ({listed}); they win over the fee above. Reset clears them.")
    charging.show(sidebar, dataset, services)
    sidebar.button("Reset scenario", on_click=reset, width="stretch")
    scenario = scenario_from_state(st.session_state)
    st.session_state["scenario"] = scenario
    return scenario


def scenario_from_state(values) -> Scenario:
    """The widgets' values as a finance Scenario."""
    return Scenario(
        income_change_pct={
            "contract": float(values["contract_income_change"]),
            "pcn_des": float(values["pcn_des_income_change"]),
            "federation": float(values["federation_income_change"]),
        },
        activity_change_pct=float(values["activity_change"]),
        inhouse_cost_change_pct=float(values["inhouse_cost_change"]),
        federation_cost_change_pct=float(values["federation_cost_change"]),
        overhead_change_pct=float(values["overhead_change"]),
        management_fee_pct=float(values["management_fee"]) if values["one_fee"] else None,
        participation=PARTICIPATION[values["participation"]],
        opt_out_tolerance_gbp=float(values["opt_out_tolerance"]),
        excluded_practices=tuple(values["excluded_practices"]),
        service_fee_pct=dict(values.get(SERVICE_FEES_KEY) or {}),
        **charging.scenario_changes(values),
    )
