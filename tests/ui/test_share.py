"""The shareable link (ui/share.py): a scenario in the query string sets the sidebar on a new
visit, and the address follows the sidebar."""

from __future__ import annotations

import json

from finance.model.scenario import Scenario
from tests.ui.apptest import button, expected_headline, headline, open_app, open_link

APPLIED = "The scenario from your link is applied."


def test_a_link_sets_the_sidebar_and_the_figures(sample_model):
    at = open_link({"scenario": json.dumps({"overhead_change_pct": 20, "participation": "rational", "management_fee_pct": 6})})
    assert [i.value for i in at.info if i.value.startswith(APPLIED)] == [APPLIED]
    assert at.slider(key="overhead_change").value == 20
    assert at.radio(key="participation").value == "Rational"
    assert at.checkbox(key="one_fee").value is True
    assert at.slider(key="management_fee").value == 6.0
    assert headline(at) == expected_headline(
        sample_model, Scenario(overhead_change_pct=20.0, participation="rational", management_fee_pct=6.0)
    )


def test_a_link_with_service_fees_unknown_practices_and_other_data(sample_model, sample_dataset):
    link = {"scenario": json.dumps({"service_fee_pct": {"ECG": 3}, "excluded_practices": ["F81004", "X99999"]}), "data": "000000000000"}
    at = open_link(link)
    note = next(i.value for i in at.info if i.value.startswith(APPLIED))
    assert "X99999" in note and "different data" in note
    assert at.multiselect(key="excluded_practices").value == ["F81004"]
    assert any("ECG 3%" in c.value for c in at.sidebar.caption)
    scenario = Scenario(service_fee_pct={"ECG": 3.0}, excluded_practices=("F81004",))
    assert headline(at) == expected_headline(sample_model, scenario) != expected_headline(sample_model, Scenario())
    button(at, "Reset scenario").click().run()
    assert not any("ECG" in c.value for c in at.sidebar.caption)
    assert headline(at) == expected_headline(sample_model, Scenario())


def test_a_bad_link_says_so_and_shows_the_defaults(sample_model):
    at = open_link({"scenario": "{not json"})
    assert any(w.value.startswith("The scenario in this link could not be read") for w in at.warning)
    assert headline(at) == expected_headline(sample_model, Scenario())


def test_the_address_follows_the_sidebar(sample_dataset):
    at = open_app("Overview")
    assert "scenario" not in at.query_params
    at.slider(key="overhead_change").set_value(20).run()
    assert json.loads(at.query_params["scenario"]) == {"overhead_change_pct": 20.0}
    assert sample_dataset.fingerprint.startswith(at.query_params["data"])
    button(at, "Reset scenario").click().run()
    assert "scenario" not in at.query_params


def test_a_link_without_a_fee_leaves_the_fee_slider_where_a_new_visit_starts_it():
    """A plain visit starts the fee slider at the catalogue's average (7.0% on the sample). A link
    that sets no fee should too; today ui/sidebar.py apply() marks the default as set and the
    slider keeps DEFAULTS' 10%, so ticking 'One fee for every service' gives a different fee."""
    plain = open_app("Overview").slider(key="management_fee").value
    linked = open_link({"scenario": json.dumps({"overhead_change_pct": 20})}).slider(key="management_fee").value
    assert linked == plain
