"""The what-if sidebar: fixed labels and ranges, one scenario per session, Reset, and its Scenario."""

from __future__ import annotations

import pytest

from finance.analysis.sweep import average_catalogue_fee
from finance.format import gbp
from finance.model.scenario import Scenario
from finance.store.scenarios import ScenarioStore
from tests.ui.apptest import CHANGE_SLIDERS, button, expected_headline, go, headline, metrics, open_app
from ui import sidebar

LABELS = {
    "contract_income_change": "Contract income change (%)",
    "pcn_des_income_change": "PCN DES income change (%)",
    "federation_income_change": "Federation income change (%)",
    "activity_change": "Activity change (%)",
    "inhouse_cost_change": "In-house cost change (%)",
    "federation_cost_change": "Federation cost change (%)",
    "overhead_change": "Overhead change (%)",
}


@pytest.fixture(scope="module")
def fresh():
    """A session as a new visitor sees it (tests here only read it)."""
    return open_app("Overview")


def controls(at) -> dict[str, object]:
    """Every control's value as the widgets show it."""
    values = {key: at.slider(key=key).value for key in CHANGE_SLIDERS}
    values["one_fee"] = at.checkbox(key="one_fee").value
    values["management_fee"] = at.slider(key="management_fee").value
    values["participation"] = at.radio(key="participation").value
    values["opt_out_tolerance"] = at.number_input(key="opt_out_tolerance").value
    values["excluded_practices"] = list(at.multiselect(key="excluded_practices").value)
    return values


def change_everything(at) -> None:
    for key in CHANGE_SLIDERS:
        at.slider(key=key).set_value(7)
    at.checkbox(key="one_fee").check().run()
    at.slider(key="management_fee").set_value(3.5)
    at.radio(key="participation").set_value("Rational")
    at.number_input(key="opt_out_tolerance").set_value(1500)
    at.multiselect(key="excluded_practices").set_value(["F81009"])
    at.run()
    assert not at.exception


def test_every_control_has_its_fixed_label_and_range(fresh):
    for key, label in LABELS.items():
        slider = fresh.sidebar.slider(key=key)
        assert (slider.label, slider.min, slider.max, slider.step, slider.value) == (label, -50, 50, 1, 0)
    fee = fresh.sidebar.slider(key="management_fee")
    assert (fee.label, fee.min, fee.max, fee.step) == ("Management fee (%)", 0.0, 40.0, 0.5)
    assert fresh.sidebar.checkbox(key="one_fee").label == "One fee for every service"
    participation = fresh.sidebar.radio(key="participation")
    assert (participation.label, participation.options, participation.value) == (
        "Participation",
        ["All members", "Rational"],
        "All members",
    )
    assert fresh.sidebar.number_input(key="opt_out_tolerance").label == "Opt-out tolerance (£)"
    assert fresh.sidebar.multiselect(key="excluded_practices").label == "Excluded practices"
    assert "Reset scenario" in [b.label for b in fresh.sidebar.button]


def test_fee_starts_at_the_catalogue_average_and_is_off_until_one_fee_is_ticked(fresh, sample_model):
    fee = fresh.slider(key="management_fee")
    assert fee.value == round(average_catalogue_fee(sample_model) * 2) / 2 == 7.0
    assert fee.disabled
    assert fresh.checkbox(key="one_fee").value is False


def test_fee_slider_is_enabled_by_one_fee():
    at = open_app("Overview")
    at.checkbox(key="one_fee").check().run()
    assert not at.slider(key="management_fee").disabled


def test_excluded_practices_offer_every_sample_practice_by_name(fresh, sample_dataset):
    practices = sample_dataset.practices
    expected = [f"{n} ({c})" for c, n in zip(practices["practice_code"], practices["practice_name"], strict=True)]
    assert fresh.multiselect(key="excluded_practices").options == expected


def test_reset_puts_the_scenario_back_and_the_figures_with_it(fresh, sample_model):
    at = open_app("Overview")
    change_everything(at)
    changed = controls(at)
    assert all(changed[k] != v for k, v in controls(fresh).items() if k != "management_fee")
    assert headline(at) != headline(fresh)
    button(at, "Reset scenario").click().run()
    assert not at.exception
    after = controls(at)
    for key, value in controls(fresh).items():
        if key != "management_fee":  # see the next test
            assert after[key] == value, key
    assert headline(at) == headline(fresh) == expected_headline(sample_model, Scenario())


def test_reset_puts_the_fee_back_to_the_value_a_new_session_starts_with(fresh):
    """A new session's fee slider starts at the catalogue's average fee (7.0% on the sample); Reset
    should leave it there, not set DEFAULTS' 10% (ui/sidebar.py reset())."""
    at = open_app("Overview")
    button(at, "Reset scenario").click().run()
    after_reset, new_session = at.slider(key="management_fee").value, fresh.slider(key="management_fee").value
    assert after_reset == new_session


def test_the_scenario_follows_the_user_from_page_to_page(sample_model):
    at = open_app("Overview")
    at.slider(key="inhouse_cost_change").set_value(10).run()
    go(at, "Practices")
    assert at.slider(key="inhouse_cost_change").value == 10
    code = at.selectbox(key="practice").value
    practice = sample_model.run(Scenario(inhouse_cost_change_pct=10.0)).practices.set_index("practice_code").loc[code]
    assert metrics(at)["Result all in-house"] == gbp(practice["result_all_inhouse_gbp"])
    go(at, "Overview")
    assert headline(at) == expected_headline(sample_model, Scenario(inhouse_cost_change_pct=10.0))


def test_scenario_from_state_defaults_are_the_plain_scenario():
    assert sidebar.scenario_from_state(sidebar.DEFAULTS) == Scenario()


def test_scenario_from_state_maps_every_control():
    values = {
        "contract_income_change": 1,
        "pcn_des_income_change": 2,
        "federation_income_change": 3,
        "activity_change": 4,
        "inhouse_cost_change": 5,
        "federation_cost_change": 6,
        "overhead_change": 7,
        "one_fee": True,
        "management_fee": 8.5,
        "participation": "Rational",
        "opt_out_tolerance": 900,
        "excluded_practices": ["F81004"],
    }
    assert sidebar.scenario_from_state(values) == Scenario(
        income_change_pct={"contract": 1.0, "pcn_des": 2.0, "federation": 3.0},
        activity_change_pct=4.0,
        inhouse_cost_change_pct=5.0,
        federation_cost_change_pct=6.0,
        overhead_change_pct=7.0,
        management_fee_pct=8.5,
        participation="rational",
        opt_out_tolerance_gbp=900.0,
        excluded_practices=("F81004",),
    )
    assert sidebar.scenario_from_state({**values, "one_fee": False}).management_fee_pct is None


def test_every_change_slider_arriving_at_its_minimum_at_once_is_the_browsers_loss_and_is_put_back(sample_model):
    """Chromium was seen sending every change slider at -50 (its default) after a page change, with no
    one moving them; the next click then saved that scenario. The sidebar gives back the values it drew."""
    at = open_app("Overview")
    at.slider(key="overhead_change").set_value(5).run()
    go(at, "Options")
    for key in CHANGE_SLIDERS:
        at.slider(key=key).set_value(-50)
    at.run()
    assert not at.exception
    assert {key: at.slider(key=key).value for key in CHANGE_SLIDERS} == {
        key: 5 if key == "overhead_change" else 0 for key in CHANGE_SLIDERS
    }
    assert at.session_state["scenario"] == Scenario(overhead_change_pct=5.0)
    go(at, "Overview")
    assert headline(at) == expected_headline(sample_model, Scenario(overhead_change_pct=5.0))


def test_the_other_controls_lost_with_the_sliders_are_put_back_too(sample_model):
    """If the browser drops every control to its default at once, the fee, participation and the
    excluded practices that arrive changed with the sliders are the same loss: all are put back."""
    at = open_app("Overview")
    at.slider(key="overhead_change").set_value(5).run()
    at.radio(key="participation").set_value("Rational").run()
    at.multiselect(key="excluded_practices").set_value(["F81009"]).run()
    chosen = at.session_state["scenario"]
    assert chosen.participation == "rational" and chosen.excluded_practices == ("F81009",)
    go(at, "Options")
    for key in CHANGE_SLIDERS:
        at.slider(key=key).set_value(-50)
    at.radio(key="participation").set_value("All members")
    at.multiselect(key="excluded_practices").set_value([])
    at.run()
    assert not at.exception
    assert at.session_state["scenario"] == chosen
    assert at.radio(key="participation").value == "Rational" and list(at.multiselect(key="excluded_practices").value) == ["F81009"]
    at.radio(key="participation").set_value("All members").run()  # on its own, a person's choice: kept
    assert at.session_state["scenario"].participation == "all"


def test_a_slider_moved_after_the_browser_lost_the_others_is_put_back_with_them_and_the_sidebar_says_so(sample_model):
    """bench/sessions.py saw the browser drop six change sliders to -50 and the seventh, the one a person
    then moved a step, arrive at -49: that step began at a value nobody chose, so all seven go back."""
    at = open_app("Overview")
    at.slider(key="overhead_change").set_value(5).run()
    assert not [w.value for w in at.sidebar.warning if w.value == sidebar.LOSS_NOTE]
    for key in CHANGE_SLIDERS:
        at.slider(key=key).set_value(-49 if key == "overhead_change" else -50)
    at.run()
    assert not at.exception
    assert {key: at.slider(key=key).value for key in CHANGE_SLIDERS} == {
        key: 5 if key == "overhead_change" else 0 for key in CHANGE_SLIDERS
    }
    assert headline(at) == expected_headline(sample_model, Scenario(overhead_change_pct=5.0))
    assert [w.value for w in at.sidebar.warning].count(sidebar.LOSS_NOTE) == 1
    at.slider(key="overhead_change").set_value(6).run()  # the next move is the person's, and the note has gone
    assert headline(at) == expected_headline(sample_model, Scenario(overhead_change_pct=6.0))
    assert sidebar.LOSS_NOTE not in [w.value for w in at.sidebar.warning]


def test_every_control_tells_the_browser_the_value_the_server_holds_as_its_default():
    """A control the browser has no value for (lost after a page change, or not drawn yet when a rerun
    was asked for) comes back at the default it was sent: that must be the server's value, not -50%.
    (In Chromium, without this, a slider whose code loaded after the first paint's rerun came back at
    -50: tests/browser/test_app.py holds the sliders' code back to show it.)"""
    at = open_app("Overview")
    change_everything(at)
    at.multiselect(key="charging_pcn_services").set_value(["Enhanced Access"])
    at.radio(key="charging_membership").set_value(at.radio(key="charging_membership").options[-1])
    at.number_input(key="charging_subscription").set_value(1.25).run()
    go(at, "Options")
    assert not at.exception
    for key in CHANGE_SLIDERS:
        assert list(at.slider(key=key).proto.default) == [7], key
    assert list(at.slider(key="management_fee").proto.default) == [3.5]
    assert at.checkbox(key="one_fee").proto.default is True
    participation = at.radio(key="participation")
    assert participation.options[participation.proto.default] == "Rational"
    assert at.number_input(key="opt_out_tolerance").proto.default == 1500
    excluded = at.multiselect(key="excluded_practices")
    assert [excluded.options[i] for i in excluded.proto.default] == [excluded.format_func("F81009")]
    routes = at.multiselect(key="charging_pcn_services")
    assert [routes.options[i] for i in routes.proto.default] == ["Enhanced Access"]
    membership = at.radio(key="charging_membership")
    assert membership.options[membership.proto.default] == membership.options[-1]
    assert at.number_input(key="charging_subscription").proto.default == 1.25


def test_one_slider_moved_to_its_minimum_is_a_persons_move_and_is_kept():
    at = open_app("Overview")
    at.slider(key="activity_change").set_value(-50).run()
    assert at.slider(key="activity_change").value == -50
    at.slider(key="overhead_change").set_value(-50).run()  # then a second one, on its own
    assert at.session_state["scenario"] == Scenario(activity_change_pct=-50.0, overhead_change_pct=-50.0)


def test_an_option_the_app_loads_may_put_several_sliders_at_their_minimum(tmp_path, sample_dataset, sample_model):
    """A saved option sets many controls at once: that is the app's doing, not a loss, and it stays."""
    scenario = Scenario(
        activity_change_pct=-50.0, overhead_change_pct=-50.0, income_change_pct={"contract": -50.0, "pcn_des": 0.0, "federation": 0.0}
    )
    store = ScenarioStore(tmp_path / "scenarios.duckdb")  # the path every UI test's app uses (tests/ui/conftest.py)
    store.save("Worst case", scenario, "Everything at its lowest", sample_dataset)
    at = open_app("Options")
    button(at, "Load into the sidebar").click().run()
    assert at.session_state["scenario"] == scenario
    at.run()  # the next run: the browser now sends the loaded values back
    assert at.session_state["scenario"] == scenario
    go(at, "Overview")
    assert headline(at) == expected_headline(sample_model, scenario)
