"""The answers in words (finance/analysis/verdict.py): golden sentences worked by hand on the worked
example of MODEL.md (A 2,000 units and £20,000 income, B and C 1,000 units and £10,000 each;
overheads £3,000; catalogue fee 10%), and the counts on the small valid set of tests/helpers."""

from __future__ import annotations

import pytest

from finance.analysis import verdict, views
from finance.analysis.sensitivity import breakeven
from finance.analysis.sweep import fee_sweep
from finance.ingest.load import load_uploads
from finance.model.engine import Model
from finance.model.scenario import Scenario
from tests.helpers import valid_sheets, workbook_upload

ALL = Scenario()
RATIONAL = Scenario(participation="rational")


def test_the_verdict_leads_with_the_chosen_participation_and_gives_the_other(worked):
    """'all': fee income 10% x £40,000 = £4,000 - £3,000 = £1,000. 'rational': at 10% A would lose
    £1,000 (return 20,000 - 12,000 - 2,000 = 6,000 against an in-house margin of 7,000) and leaves,
    then B and C lose their share of the fixed cost and follow: no fee income, a loss of £3,000."""
    every, rational = worked.run(ALL).federation, worked.run(RATIONAL).federation
    chosen_all = verdict.verdict(every, "all", rational.surplus_gbp)
    assert chosen_all.sentence() == (
        "With these fees the federation **covers its overheads with £1,000 to spare** if every member uses every service; "
        "if practices leave the services that pay them less than in-house, it loses £3,000."
    )
    assert not chosen_all.same_answer
    chosen_rational = verdict.verdict(rational, "rational", every.surplus_gbp)
    assert chosen_rational.sentence() == (
        "With these fees the federation **loses £3,000** if practices leave the services that pay them less than in-house "
        f"({rational.rounds} rounds of departures); if every member uses every service, it covers its overheads with £1,000 to spare."
    )
    assert rational.rounds == 2  # A leaves in round 1, B and C in round 2


def test_the_same_answer_both_ways_says_also(worked):
    cheap = Scenario(overhead_change_pct=-90)  # overheads £300: 'all' +£3,700; 'rational' loses £300 (nobody left)
    every, rational = worked.run(cheap).federation, worked.run(cheap.with_changes(participation="rational")).federation
    assert (
        verdict.verdict(rational, "rational", every.surplus_gbp)
        .sentence()
        .endswith("if every member uses every service, it covers its overheads with £3,700 to spare.")
    )
    low_fee = Scenario(management_fee_pct=5.0, overhead_change_pct=-50)  # fee income £2,000, overheads £1,500; A is at break-even and stays
    every = worked.run(low_fee).federation
    rational = worked.run(low_fee.with_changes(participation="rational")).federation
    assert verdict.verdict(every, "all", rational.surplus_gbp).sentence().endswith(", it also covers its overheads with £500 to spare.")


def test_outcome_words():
    assert verdict.outcome(1_000.0) == "covers its overheads with £1,000 to spare"
    assert verdict.outcome(-0.4) == "covers its overheads exactly"  # -£0 to the pound: no loss shown
    assert verdict.outcome(0.0) == "covers its overheads exactly"
    assert verdict.outcome(-263_541.6) == "loses £263,542"


def test_the_fee_sweep_finding_names_its_participation_and_agrees_with_the_break_even(worked):
    """'all': fee x £40,000 = £3,000 at 7.5%; the surplus rises with the fee, so nothing is added."""
    sweep = fee_sweep(worked, ALL)
    found = breakeven(worked, ALL, "management_fee_pct")
    assert found.value == 7.5
    assert verdict.fee_finding(sweep, found.value, found.rising) == (
        "With every member using every service, one fee of 7.50% for every service breaks even: "
        "the surplus is £0 or more there and negative just below it."
    )


def test_no_fee_breaks_even_is_said_as_the_smallest_loss(worked):
    """'rational': up to 5% everyone stays (A's advantage 13,000 - 12,000 - 5% x 20,000 = 0), so the
    surplus is fee x £40,000 - £3,000: -£1,000 at 5%; from 6% A leaves, then B and C: -£3,000."""
    sweep = fee_sweep(worked, RATIONAL)
    assert verdict.sweep_best_text(sweep) == "Smallest loss: £1,000 at 5.0%"
    assert verdict.fee_finding(sweep, None) == (
        "With rational participation, no fee from 0% to 40% covers the overheads; the smallest loss is £1,000, at 5.0%."
    )
    # The Sensitivity page's break-even says the same: none, and at best -£1,000 at 5%.
    found = breakeven(worked, RATIONAL, "management_fee_pct")
    assert found.value is None
    assert (found.best_value, round(found.best_surplus_gbp, 2)) == (5.0, -1_000.0)


def test_the_sweep_best_point_with_a_surplus(worked):
    sweep = fee_sweep(worked, Scenario(participation="rational", opt_out_tolerance_gbp=1_000))
    # Within £1,000 A stays to 10% (it loses 1,000 there), leaves at 11%: fee 10% x £40,000 - £3,000 = £1,000.
    assert verdict.sweep_best_text(sweep) == "Highest surplus: £1,000 at 10.0%"
    assert verdict.fee_finding(sweep, 7.5, True) == (
        "With rational participation, one fee of 7.50% for every service breaks even: the surplus is £0 or more there and negative "
        "just below it. Highest surplus from 0% to 40%: £1,000 at 10.0%."
    )


def test_a_practices_change_in_one_sentence(worked):
    """A under 'all': £6,000 with the federation against £7,000 in-house; 4 partners: £1,500 against £1,750."""
    practice = worked.run(ALL).practices.set_index("practice_code").loc["A00001"]
    change = round(practice["result_with_federation_gbp"] - practice["result_all_inhouse_gbp"])
    per_partner = round(practice["result_with_federation_per_partner_gbp"]) - round(practice["result_all_inhouse_per_partner_gbp"])
    assert (change, per_partner) == (-1_000, -250)
    assert verdict.practice_change(change, per_partner) == "£1,000 a year worse off with the federation, £250 a partner."
    assert verdict.practice_change(7_760, 3_880) == "£7,760 a year better off with the federation, £3,880 a partner."
    assert verdict.practice_change(0, 0) == "No better and no worse off with the federation."
    assert verdict.practice_change(0, None, excluded=True).startswith("Excluded in this scenario")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (100.0, "100.0%"),
        (100.01, "any fee: the saving is more than the income"),
        (621.3, "any fee: the saving is more than the income"),
        (0.0, "0.0%"),
        (-0.01, "no fee: the federation costs more to deliver"),
        (float("nan"), "–"),
    ],
)
def test_breakeven_fees_beyond_0_to_100_percent_in_words(value, words):
    assert verdict.breakeven_fee_words(value) == words


def test_practices_better_off_are_counted_among_members_taking_part():
    """The valid set: A81001 and A81002 members, A81003 not. Excluding A81002 leaves one member taking part."""
    result = load_uploads((workbook_upload(valid_sheets()),))
    assert result.ok, [str(p) for p in result.errors]
    model = Model(result.dataset)
    try:
        top = views.headline(model.run(Scenario(excluded_practices=("A81002",))))
        assert (top.practices, top.members, top.non_members, top.excluded) == (3, 1, 1, 1)
        assert top.practices_better_off <= top.members
        assert verdict.members_counted(top.members, top.non_members, top.excluded) == (
            "Counted among the 1 member taking part: 1 non-member and 1 excluded practice are left out."
        )
        everyone = views.headline(model.run(Scenario()))
        assert (everyone.members, everyone.non_members, everyone.excluded) == (2, 1, 0)
    finally:
        model.close()
