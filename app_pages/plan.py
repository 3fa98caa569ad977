"""Three-year plan: surplus and reserves year by year as the contract and costs change."""

from ui import plan, state
from ui.components import data_badge, intro

intro(
    "Three-year plan",
    "The federation's surplus and reserves year by year as contract income, pay and costs change (editable, starting from the "
    "2026/27 contract), under the sidebar's scenario; and the year practices start to leave.",
)
data = state.loaded()
data_badge(data.label, data.is_sample)
plan.show(state.scenario())
