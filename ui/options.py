"""Components of the Options page: save the sidebar's scenario, manage saved ones, compare them,
and make the board pack. Saved scenarios live in the store (a DuckDB file, or PostgreSQL), in this
session's workspace, so they survive a refresh and a restart; they hold scenario parameters and
file names, never uploaded figures."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import streamlit as st

from finance.analysis.compare import Comparison, Option, compare
from finance.errors import FinanceError
from finance.model.scenario import Scenario
from finance.report.charts import report_figures
from finance.report.pack import chart_images_by_format, comparison_html, comparison_workbook, images_available, options_csv
from finance.store.scenarios import SavedScenario, ScenarioStore
from ui import sidebar, state, workspace
from ui.components import money_table

CURRENT = "Current (sidebar)"
MAX_OPTIONS = 4


def store() -> ScenarioStore:
    return workspace.scenario_store()  # this session's workspace: 'local' with sign-in off


def save_form(scenario: Scenario) -> None:
    """Save the sidebar's scenario under a name, with a one-line description."""
    with st.form("save_scenario", clear_on_submit=True):
        st.markdown("**Save the scenario in the sidebar as an option**")
        name_col, text_col = st.columns([1, 2])
        name = name_col.text_input("Name", placeholder="A: federation runs Enhanced Access at 6%")
        description = text_col.text_input("One-line description", placeholder="What this option means for practices")
        if st.form_submit_button("Save option", type="primary"):
            try:
                saved = store().save(name, scenario, description, state.loaded().dataset)
            except FinanceError as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                st.toast(f"Saved '{saved.name}'.", icon=":material/check_circle:")
                chosen = st.session_state.get("compare_options", [])
                if len(chosen) < MAX_OPTIONS:  # a new option joins the comparison
                    st.session_state["compare_options"] = [*chosen, saved.name]


def saved_list() -> list[SavedScenario]:
    try:
        return store().list()
    except FinanceError as exc:
        st.error(str(exc), icon=":material/error:")
        return []


def saved_table(saved: list[SavedScenario]) -> None:
    dataset = state.loaded().dataset
    st.dataframe(
        pd.DataFrame(
            {
                "Option": [s.name for s in saved],
                "Description": [s.description for s in saved],
                "Saved": [f"{s.saved_at:%d %b %Y %H:%M} UTC" for s in saved],
                "Made on": ["the data loaded now" if s.matches(dataset) else "other data" for s in saved],
                "Scenario": [s.scenario.describe() for s in saved],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def manage(saved: list[SavedScenario]) -> None:
    """Load a saved option into the sidebar, duplicate, rename or delete it.

    Each acts in its button's callback, before the page draws again: the sidebar's controls can
    only be set before they are drawn, and the pickers then show the renamed or new option.
    """
    names = [s.name for s in saved]
    if st.session_state.get("manage_option") not in names:
        st.session_state["manage_option"] = names[0]
    chosen = st.selectbox("Saved option", names, key="manage_option")
    option = next(s for s in saved if s.name == chosen)
    st.caption(f"{option.description + ' · ' if option.description else ''}{option.scenario.describe()}")
    mismatch = option.mismatch(state.loaded().dataset)
    if mismatch:
        st.warning(mismatch, icon=":material/warning:")
    st.text_input("New name (to rename or duplicate)", key="option_new_name")
    load, copy, rename, delete = st.columns(4)
    # The callbacks read the option chosen when the button is pressed, not when it was drawn.
    load.button("Load into the sidebar", key="load_option", type="primary", on_click=_load)
    copy.button("Duplicate", key="duplicate_option", on_click=_duplicate)
    rename.button("Rename", key="rename_option", on_click=_rename)
    delete.button("Delete", key="delete_option", on_click=_delete)
    problem = st.session_state.pop("option_problem", None)
    if problem:
        st.error(problem, icon=":material/error:")


def _chosen() -> str:
    return st.session_state["manage_option"]


def _load() -> None:
    try:
        option = store().load(_chosen())
    except FinanceError as exc:  # deleted by someone else since the page was drawn
        st.session_state["option_problem"] = str(exc)
        return
    notes = sidebar.apply(option.scenario, set(state.loaded().dataset.practices["practice_code"]))
    st.session_state["link_note"] = (
        "info",
        f"'{option.name}' is loaded into the sidebar." + (" Note: " + "; ".join(notes) + "." if notes else ""),
    )


def _duplicate() -> None:
    name = _chosen()
    new = st.session_state.get("option_new_name", "")
    copy = _act(lambda: store().duplicate(name, new), f"Duplicated '{name}' as '{new.strip()}'.")
    if copy:
        st.session_state["manage_option"] = copy.name


def _rename() -> None:
    name = _chosen()
    new = st.session_state.get("option_new_name", "")
    renamed = _act(lambda: store().rename(name, new), f"Renamed '{name}' to '{new.strip()}'.")
    if renamed:
        st.session_state["manage_option"] = renamed.name
        st.session_state["compare_options"] = [renamed.name if n == name else n for n in st.session_state.get("compare_options", [])]


def _delete() -> None:
    name = _chosen()
    if _act(lambda: store().delete(name) or True, f"Deleted '{name}'."):
        st.session_state.pop("manage_option", None)
        st.session_state["compare_options"] = [n for n in st.session_state.get("compare_options", []) if n != name]


def _act(work, done: str):
    """Run a store action from a button's callback; a problem is shown on the next draw."""
    try:
        result = work()
    except FinanceError as exc:
        st.session_state["option_problem"] = str(exc)
        return None
    st.session_state["option_new_name"] = ""
    st.toast(done, icon=":material/check_circle:")
    return result


def choose_options(saved: list[SavedScenario], scenario: Scenario) -> tuple[list[Option], str] | None:
    """Two to four options (saved, and the sidebar's), and the base the others are measured against."""
    names = [s.name for s in saved]
    if "compare_options" not in st.session_state:
        st.session_state["compare_options"] = names[:3]
    elif any(n not in names for n in st.session_state["compare_options"]):
        st.session_state["compare_options"] = [n for n in st.session_state["compare_options"] if n in names]
    with_current = st.checkbox("Include the scenario in the sidebar", value=not names, key="compare_current")
    # The picker's label and limit stay fixed: changing either would make it a new widget and lose the choice.
    picked = st.multiselect("Saved options to compare", names, max_selections=MAX_OPTIONS, key="compare_options")
    if with_current and len(picked) == MAX_OPTIONS:
        picked = picked[: MAX_OPTIONS - 1]
        st.caption(
            f"Four options at most: '{st.session_state['compare_options'][-1]}' is left out while the sidebar's scenario is included."
        )
    options = [Option(s.name, s.scenario, s.description) for s in saved if s.name in picked]
    if with_current:
        taken = {n.casefold() for n in names}
        current = next(f"{CURRENT}{suffix}" for suffix in ("", " 2", " 3", " 4", " 5") if f"{CURRENT}{suffix}".casefold() not in taken)
        options.insert(0, Option(current, scenario, "The what-if sidebar as it is now"))
    if len(options) < 2:
        st.info("Choose at least two options: save the sidebar's scenario above (move the sliders, save again) and pick them here.")
        return None
    dataset = state.loaded().dataset
    other = [s.name for s in saved if s.name in picked and not s.matches(dataset)]
    if other:
        st.warning(
            f"Made on other data than the data loaded now: {', '.join(other)}. Their figures here are worked on the data loaded now."
        )
    base = st.selectbox("Measure the others against", [o.name for o in options], key="compare_base")
    return options, base


def comparison_tables(comparison: Comparison) -> None:
    for sentence in comparison.sentences():
        st.markdown(f"- {sentence}")
    headline = comparison.headline.copy()
    headline["better off"] = headline["practices_better_off"].astype(str) + " of " + headline["practices"].astype(str)
    money_table(
        headline[["option", "surplus_gbp", "surplus_vs_base_gbp", "surplus_vs_base_pct", "fee_income_gbp", "overheads_gbp", "better off"]],
        money=["surplus_gbp", "surplus_vs_base_gbp", "fee_income_gbp", "overheads_gbp"],
        percent=["surplus_vs_base_pct"],
        rename={
            "option": "Option",
            "surplus_gbp": "Federation surplus",
            "surplus_vs_base_gbp": f"Surplus vs {comparison.base}",
            "surplus_vs_base_pct": "Change %",
            "fee_income_gbp": "Fee income",
            "overheads_gbp": "Overheads",
            "better off": "Practices better off",
        },
    )
    st.markdown("**Practices using the federation, per service**")
    participants = comparison.participants.reset_index()
    participants = participants.rename(columns={participants.columns[0]: "Service"})
    money_table(participants, counts=list(comparison.names))
    st.markdown(f"**Each practice's result with the federation, and the change against {comparison.base}**")
    wide = comparison.practices_wide()
    change = comparison.practices_wide("vs_base_gbp")
    for name in comparison.names:
        if name != comparison.base:
            wide[f"{name} vs {comparison.base}"] = change[name]
    money_cols = [c for c in wide.columns if c not in ("practice_code", "practice_name", "pcn")]
    money_table(wide, money=money_cols, rename={"practice_code": "Code", "practice_name": "Practice", "pcn": "PCN"})


def board_pack(comparison: Comparison) -> None:
    """Make the pack on request (a workbook takes a moment), then offer each file to download."""
    key = (*((o.name, o.scenario.to_json()) for o in comparison.options), comparison.base, state.loaded().dataset.fingerprint)
    if st.button("Prepare the board pack", type="primary", key="prepare_pack"):
        with st.spinner("Writing the workbook, the CSV and the report…"):
            dataset = state.loaded().dataset
            st.session_state["board_pack"] = (
                key,
                {
                    "xlsx": comparison_workbook(comparison, dataset),
                    "csv": options_csv(comparison),
                    "html": comparison_html(comparison, dataset).encode("utf-8"),
                },
            )
    ready = st.session_state.get("board_pack")
    if not ready or ready[0] != key:
        st.caption(
            "The pack has a summary sheet, a sheet per option, the practices side by side and every assumption, with native Excel charts."
        )
        return
    files = ready[1]
    a, b, c, d = st.columns(4)
    a.download_button(
        "Board pack (.xlsx)", files["xlsx"], "board-pack.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    b.download_button("Result rows (.csv)", files["csv"], "options-results.csv", "text/csv")
    c.download_button("Report with charts (.html)", files["html"], "options-report.html", "text/html")
    if images_available():
        if d.button("Make chart images (PNG and PDF)", key="make_images"):
            with st.spinner("Drawing the charts (a few seconds)…"):
                try:
                    images = chart_images_by_format(report_figures(comparison), ("png", "pdf"))
                    st.session_state["board_images"] = (key, _zip(images))
                except FinanceError as exc:
                    st.error(str(exc), icon=":material/error:")
        made = st.session_state.get("board_images")
        if made and made[0] == key:
            d.download_button("Chart images (.zip)", made[1], "charts.zip", "application/zip")
    else:
        d.caption("PNG/PDF chart images need Chromium on the server, and it is not installed here. The HTML report has the same charts.")


def _zip(images: dict[str, dict[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for fmt, files in images.items():
            for name, content in files.items():
                archive.writestr(f"{name}.{fmt}", content)
    return buffer.getvalue()


def run_comparison(options: list[Option], base: str) -> Comparison | None:
    data = state.loaded()
    key = ("compare", tuple((o.name, o.scenario.to_json()) for o in options), base)
    if key not in data.memo:
        try:
            data.memo[key] = compare(data.model, options, base)
        except FinanceError as exc:
            st.error(str(exc), icon=":material/error:")
            return None
    return data.memo[key]
