"""The Services page: the service table is the engine's, and the chosen service's charts follow."""

from __future__ import annotations

import json

import pytest

from finance.analysis import views
from finance.model.scenario import Scenario
from tests.ui.apptest import PAGE_TEXT, chart_layouts, column_like, open_app

CHOSEN = "ECG"


@pytest.fixture(scope="module")
def chosen():
    at = open_app("Services")
    at.selectbox(key="service").set_value(CHOSEN).run()
    return at


def test_renders_with_title_intro_and_sample_badge(chosen):
    at = chosen
    title, intro = PAGE_TEXT["Services"]
    assert at.title[0].value == title
    assert intro in at.markdown[0].value
    assert any("You are looking at sample data" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 2


def test_service_table_is_the_engines(chosen, sample_model):
    summary = views.service_summary(sample_model.run(Scenario()))
    table = chosen.dataframe[0].value
    column_like(table, summary["service"])
    column_like(table, summary["fee_income_gbp"], approx=True)
    column_like(table, [f"{p} of {e} members" for p, e in zip(summary["participants"], summary["eligible"], strict=True)])


def test_every_service_can_be_chosen(chosen, sample_dataset):
    assert sorted(chosen.selectbox(key="service").options) == sorted(sample_dataset.services["service"])


def test_scale_chart_is_the_chosen_services(chosen, sample_model):
    scale = views.service_scale(sample_model.run(Scenario()), CHOSEN)
    charts = chosen.get("plotly_chart")
    layout = chart_layouts(chosen)[0]
    assert layout["title"]["text"].replace("<br>", " ").startswith(f"{CHOSEN}: cost per unit")
    data = json.loads(charts[0].proto.spec)["data"]
    assert [trace["name"] for trace in data] == ["In-house cost per unit", "Federation cost per unit"]
    assert len(data[0]["text"]) == len(scale)


def test_table_follows_the_sidebar(sample_model):
    at = open_app("Services")
    at.multiselect(key="excluded_practices").set_value(["F81004", "F81009"])
    at.radio(key="participation").set_value("Rational")
    at.run()
    summary = views.service_summary(sample_model.run(Scenario(participation="rational", excluded_practices=("F81004", "F81009"))))
    expected = [f"{p} of {e} members" for p, e in zip(summary["participants"], summary["eligible"], strict=True)]
    assert expected != [f"{30} of {30} members"] * len(expected)
    column_like(at.dataframe[0].value, expected)
