"""Components of the Options page: save the sidebar's scenario, manage saved ones, compare them,
and make the board pack. Saved scenarios live in the store (a DuckDB file, or PostgreSQL), in this
session's workspace, so they survive a refresh and a restart; they hold scenario parameters and
file names, never uploaded figures. In meeting mode the options' names and descriptions, which users type
("Penistone and Hill Brow out"), are shown through ui/meeting_text.py: on screen, in the comparison and
in the board pack, whose option names are the shown ones."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import streamlit as st

from finance.analysis.compare import Comparison, Option, compare
from finance.errors import FinanceError
from finance.model.scenario import Scenario
from finance.report.charts import report_figures
from finance.report.pack import appraisal_files, chart_images_by_format, comparison_html, comparison_workbook, images_available, options_csv
from finance.store.scenarios import SavedScenario, ScenarioStore
from ui import analysis_state, confirm, meeting_text, session_keeper, sidebar, state, workspace
from ui.components import money_table

CURRENT = "Current (sidebar)"
MAX_OPTIONS = 4


def store() -> ScenarioStore:
    return workspace.scenario_store()  # this session's workspace: 'local' with sign-in off


def save_form(scenario: Scenario) -> None:
    """Save the sidebar's scenario under a name, with a one-line description. A taken name asks whether
    to replace that option, and what was typed stays until the option is saved."""
    with st.form("save_scenario", clear_on_submit=False):
        st.markdown("**Save the scenario in the sidebar as an option**")
        name_col, text_col = st.columns([1, 2])
        name_col.text_input("Name", placeholder="A: federation runs Enhanced Access at 6%", key="option_name")
        text_col.text_input("One-line description", placeholder="What this option means for practices", key="option_description")
        st.form_submit_button("Save option", type="primary", on_click=_save, args=(scenario,))
    taken = st.session_state.get(REPLACE_NAME)
    if taken:
        shown = meeting_text.shown(taken)
        confirm.ask_now(
            "replace_option",
            f"An option named '{shown}' is already saved. Replace it with the scenario in the sidebar?",
            f"Replace '{shown}'",
            on_yes=lambda: _save(scenario, replace=True),
        )
        if not confirm.asking("replace_option"):
            st.session_state.pop(REPLACE_NAME, None)
    problem = st.session_state.pop("option_save_problem", None)
    if problem:
        st.error(meeting_text.shown(problem), icon=":material/error:")
    done = st.session_state.pop("option_saved", None)
    if done:
        st.toast(meeting_text.shown(done), icon=":material/check_circle:")


REPLACE_NAME = "option_replace_name"


def _save(scenario: Scenario, *, replace: bool = False) -> None:
    """The form's callback (before the page draws again, so the fields can be cleared once saved)."""
    name, description = st.session_state.get("option_name", ""), st.session_state.get("option_description", "")
    try:
        options_store = store()
        taken = next((n for n in options_store.names() if n.casefold() == " ".join(name.split()).casefold()), None)
        if taken is not None and not replace:
            st.session_state[REPLACE_NAME] = taken
            confirm.open_question("replace_option")
            return
        saved = options_store.save(name, scenario, description, state.source().dataset, replace=replace)
    except FinanceError as exc:
        st.session_state["option_save_problem"] = str(exc)
        return
    st.session_state.pop(REPLACE_NAME, None)
    st.session_state["option_name"] = st.session_state["option_description"] = ""
    st.session_state["option_saved"] = f"{'Replaced' if replace else 'Saved'} '{saved.name}'."
    chosen = st.session_state.get("compare_options", [])
    if saved.name not in chosen and len(chosen) < MAX_OPTIONS:  # a new option joins the comparison
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
                "Option": [meeting_text.shown(s.name) for s in saved],
                "Description": [meeting_text.shown(s.description) for s in saved],
                "Saved": [f"{s.saved_at:%d %b %Y %H:%M} UTC" for s in saved],
                "Made on": ["the data loaded now" if s.matches(dataset) else "other data" for s in saved],
                "Scenario": [state.model_scenario(s.scenario).describe() for s in saved],  # meeting mode: no real codes
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
    session_keeper.recall("manage_option", names)
    if st.session_state.get("manage_option") not in names:
        st.session_state["manage_option"] = names[0]
    chosen = st.selectbox("Saved option", names, key="manage_option", format_func=meeting_text.shown_by())
    option = next(s for s in saved if s.name == chosen)
    description = meeting_text.shown(option.description)
    st.caption(f"{description + ' · ' if description else ''}{state.model_scenario(option.scenario).describe()}")
    mismatch = option.mismatch(state.source().dataset)
    if mismatch and state.meeting_on():  # the files it was saved on may not be loaded, so have no alias
        mismatch = f"'{meeting_text.shown(option.name)}' was saved on other data than the data loaded now, so its figures may differ."
    if mismatch:
        st.warning(mismatch, icon=":material/warning:")
    st.text_input("New name (to rename or duplicate)", key="option_new_name")
    load, copy, rename, delete = st.columns(4)
    # The callbacks read the option chosen when the button is pressed, not when it was drawn.
    load.button("Load into the sidebar", key="load_option", type="primary", on_click=_load)
    copy.button("Duplicate", key="duplicate_option", on_click=_duplicate)
    rename.button("Rename", key="rename_option", on_click=_rename)
    delete.button("Delete", key="delete_option", on_click=confirm.open_question, args=("delete_option",))
    confirm.ask_now(
        "delete_option",
        f"Delete the option '{meeting_text.shown(chosen)}'? It is deleted for everyone using this server.",
        f"Yes, delete '{meeting_text.shown(chosen)}'",
        on_yes=_delete,
    )
    problem = st.session_state.pop("option_problem", None)
    if problem:
        st.error(meeting_text.shown(problem), icon=":material/error:")


def _chosen() -> str:
    return st.session_state["manage_option"]


def _load() -> None:
    try:
        option = store().load(_chosen())
    except FinanceError as exc:  # deleted by someone else since the page was drawn
        st.session_state["option_problem"] = str(exc)
        return
    notes = sidebar.apply(option.scenario, set(state.source().dataset.practices["practice_code"]))
    st.session_state["link_note"] = (
        "info",
        f"'{option.name}' is loaded into the sidebar." + (" Note: " + "; ".join(notes) + "." if notes else ""),  # shown by ui/frame.py
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
    st.toast(meeting_text.shown(done), icon=":material/check_circle:")
    return result


def choose_options(saved: list[SavedScenario], scenario: Scenario) -> tuple[list[Option], str] | None:
    """Two to four options (saved, and the sidebar's), and the base the others are measured against."""
    names = [s.name for s in saved]
    session_keeper.recall("compare_options")
    if "compare_options" not in st.session_state:
        st.session_state["compare_options"] = names[:3]
    elif any(n not in names for n in st.session_state["compare_options"]):
        st.session_state["compare_options"] = [n for n in st.session_state["compare_options"] if n in names]
    # Never ticked for the user: the sidebar's scenario joins the comparison (and the board pack) only when chosen.
    with_current = st.checkbox("Include the scenario in the sidebar", value=False, key="compare_current")
    # The picker's label and limit stay fixed: changing either would make it a new widget and lose the choice.
    picked = st.multiselect(
        "Saved options to compare", names, max_selections=MAX_OPTIONS, key="compare_options", format_func=meeting_text.shown_by()
    )
    if with_current and len(picked) == MAX_OPTIONS:
        picked = picked[: MAX_OPTIONS - 1]
        left_out = meeting_text.shown(st.session_state["compare_options"][-1])
        st.caption(f"Four options at most: '{left_out}' is left out while the sidebar's scenario is included.")
    options = [Option(s.name, s.scenario, s.description) for s in saved if s.name in picked]
    if with_current:
        taken = {n.casefold() for n in names}
        current = next(f"{CURRENT}{suffix}" for suffix in ("", " 2", " 3", " 4", " 5") if f"{CURRENT}{suffix}".casefold() not in taken)
        options.insert(0, Option(current, scenario, f"The sidebar as it is now: {scenario.describe()}"))
    if len(options) < 2:
        st.info("Choose at least two options: save the sidebar's scenario above (move the sliders, save again) and pick them here.")
        return None
    dataset = state.loaded().dataset
    other = [s.name for s in saved if s.name in picked and not s.matches(dataset)]
    if other:
        st.warning(
            f"Made on other data than the data loaded now: {', '.join(map(meeting_text.shown, other))}. "
            "Their figures here are worked on the data loaded now."
        )
    session_keeper.recall("compare_base", [o.name for o in options])
    base = st.selectbox("Measure the others against", [o.name for o in options], key="compare_base", format_func=meeting_text.shown_by())
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
    federation = meeting_text.shown(
        st.text_input("The federation's name (printed on every page)", key="pack_federation", placeholder="West Essex GP Federation")
    )
    key = (
        *((o.name, o.description, o.scenario.to_json()) for o in comparison.options),
        comparison.base,
        state.loaded().dataset.fingerprint,
        federation,
    )
    if st.button("Prepare the board pack", type="primary", key="prepare_pack"):
        with st.spinner("Writing the workbook, the appraisal, the CSV and the report…"):
            dataset = state.loaded().dataset
            pdf, page = appraisal_files(comparison, dataset, federation=federation)
            st.session_state["board_pack"] = (
                key,
                {
                    "xlsx": comparison_workbook(comparison, dataset, federation=federation, extra_sheets=analysis_state.board_sheets()),
                    "pdf": pdf,
                    "appraisal": page.encode("utf-8"),
                    "csv": options_csv(comparison),
                    "html": comparison_html(comparison, dataset, federation=federation).encode("utf-8"),
                },
            )
    ready = st.session_state.get("board_pack")
    if not ready or ready[0] != key:
        st.caption(
            "The pack: a workbook that prints on A4 (summary, a sheet per option, the practices side by side, charts, every assumption "
            "and its source, with live formulas), and a one-page options appraisal for the board as PDF and printable HTML."
        )
        return
    files = ready[1]
    a, b, c = st.columns(3)
    a.download_button(
        "Board pack (.xlsx)", files["xlsx"], "board-pack.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    b.download_button("Options appraisal (.pdf)", files["pdf"], "options-appraisal.pdf", "application/pdf")
    c.download_button("Options appraisal (.html)", files["appraisal"], "options-appraisal.html", "text/html")
    a, b, d = st.columns(3)
    a.download_button("Result rows (.csv)", files["csv"], "options-results.csv", "text/csv")
    b.download_button("Report with charts (.html)", files["html"], "options-report.html", "text/html")
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
    """The options compared on the model's codes, under their names as shown (the board pack prints these names)."""
    data = state.loaded()
    names = meeting_text.distinct([o.name for o in options])
    options = [Option(names[o.name], state.model_scenario(o.scenario), meeting_text.shown(o.description)) for o in options]
    base = names[base]
    key = ("compare", tuple((o.name, o.scenario.to_json()) for o in options), base)
    if key not in data.memo:
        try:
            data.memo[key] = compare(data.model, options, base)
        except FinanceError as exc:
            st.error(str(exc), icon=":material/error:")
            return None
    return data.memo[key]
