"""The sidebar's charging model (PCN route, fee per unit, subscription, membership) reaches every page,
and the Options page shows one service three ways; every figure is the engine's."""

from __future__ import annotations

import pytest

from finance.analysis import views
from finance.model.scenario import Scenario
from tests.ui.apptest import column_like, expected_headline, go, headline, open_app

EA = "Enhanced Access"


def test_the_controls_start_at_the_defaults():
    at = open_app("Overview")
    assert at.multiselect(key="charging_pcn_services").value == []
    assert sorted(at.multiselect(key="charging_pcn_services").options) == ["Care home rounds", EA, "Home visiting"]  # the sample PCN costs
    assert at.number_input(key="charging_subscription").value == 0.0
    assert at.radio(key="charging_membership").value == "Members stay"
    assert any("Document management 20%" in c.value for c in at.sidebar.caption)  # the VAT the catalogue carries


def test_pcns_run_enhanced_access_on_every_page(sample_model):
    at = open_app("Overview")
    at.multiselect(key="charging_pcn_services").set_value([EA])
    at.number_input(key="charging_subscription").set_value(0.25)
    at.radio(key="charging_basis").set_value("Registered patients")
    at.run()
    scenario = Scenario(service_route={EA: "pcn"}, subscription_gbp_per_patient=0.25, subscription_basis="registered")
    assert headline(at) == expected_headline(sample_model, scenario)
    assert expected_headline(sample_model, scenario) != expected_headline(sample_model, Scenario())
    results = sample_model.run(scenario)
    go(at, "Services")
    summary = views.service_summary(results)
    table = at.dataframe[0].value
    column_like(table, summary["route"])
    assert "PCNs" in table[column_like(table, summary["route"])].tolist()
    column_like(table, summary["pcn_fee_income_gbp"], approx=True)
    go(at, "Practices")
    code = at.selectbox(key="practice").value
    services = views.practice_services(results, code)
    shown = at.dataframe[0].value
    deliverers = shown[column_like(shown, services["deliverer"])].tolist()
    assert any(d.startswith("PCN: ") for d in deliverers) and "Federation" in deliverers
    lines = at.dataframe[1].value
    subscription = results.practices.set_index("practice_code").loc[code, "subscription_gbp"]
    shown = [v for v in lines.iloc[2].tolist() if not isinstance(v, str)]
    # the subscription line, with the federation: whole pounds, rounded so that the lines add up to the total shown
    assert any(abs(v + subscription) <= 1 for v in shown) and subscription > 0


def test_membership_choice_and_a_fee_per_unit(sample_model):
    at = open_app("Overview")
    at.checkbox(key="charging_unit_fee_on").check().run()
    at.number_input(key="charging_unit_fee").set_value(0.5)
    at.radio(key="charging_membership").set_value("Leave when better off alone")
    at.run()
    services = list(sample_model.services["service"])
    scenario = Scenario(service_fee_per_unit_gbp=dict.fromkeys(services, 0.5), membership="rational")
    assert headline(at) == expected_headline(sample_model, scenario)


def test_options_page_compares_one_service_three_ways(sample_model):
    at = open_app("Options")
    at.selectbox(key="route_options_service").set_value(EA).run()
    table = at.dataframe[-1].value
    federation = sample_model.run(Scenario())
    pcn = sample_model.run(Scenario(service_route={EA: "pcn"}))
    expected = views.route_options(federation, pcn, EA)
    assert column_like(table, views.ROUTE_OPTIONS)
    column_like(table, expected["federation_surplus_gbp"], approx=True)
    column_like(table, expected["practices_keep_gbp"], approx=True)
    # PCNs keep what the federation's fee was; in-house the federation loses the fee and the practices the saving
    assert expected["federation_surplus_gbp"].tolist()[0] == pytest.approx(federation.federation.surplus_gbp)
    assert expected["pcn_fee_gbp"].tolist()[0] == 0 and expected["management_fee_gbp"].tolist()[1] == 0
