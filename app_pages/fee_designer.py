"""Fee designer: the fees that cover the overheads and keep the most practices in."""

from ui import fee_designer, state
from ui.components import data_badge, intro

intro(
    "Fee designer",
    "The management fee for each service that pays the federation's overheads and leaves the most practices better off, "
    "under the sidebar's scenario: service by service, who it keeps and what it earns.",
)
data = state.loaded()
data_badge(data.label, data.is_sample)
fee_designer.show(state.scenario())
