"""About: the model in plain words, and where the data comes from."""

import streamlit as st

from ui.components import intro

intro("About this tool", "What the figures mean, how they are worked out, and where the sample data comes from.")
st.markdown(
    """
### The question
For every practice and every service: does the practice keep more by **delivering the service itself**, or by
**letting the federation deliver it at scale**, after the federation's delivery costs and its **management fee**?
And for the federation: with those fees, and with the practices that would rationally stay, does it **cover its overheads**?
Every figure is in **pounds per year**.

### How it is worked out
- **In-house margin** = the practice's income for the service − its own cost (cost per unit × units + its fixed cost).
- **Federation return** = the same income − the federation's delivery cost for that practice − the management fee.
  The federation's delivery cost is its cost per unit × the practice's units, plus a share of the federation's fixed cost
  for the service, shared in proportion to units among the practices using it.
- **Advantage** = federation return − in-house margin. Positive: the practice is better off with the federation.
- **Break-even fee** = the highest fee at which the practice is no worse off with the federation.
- **Federation surplus** = the fees from practices using its services − its central overheads. Delivery costs are passed
  through at cost; fees are what pay the overheads.
- **Participation.** *All members*: every member uses every service. *Rational*: a practice leaves a service when it would
  lose more than the **opt-out tolerance** ("the ball park"); because the fixed cost is then shared among fewer practices,
  one departure can start a cascade, which the model follows round by round until nobody else leaves.
- A practice's **result** = its core income (income with no service attached) + each service's margin (or federation return,
  where it uses the federation) − its running costs − any federation **subscription**; **per partner** divides by
  full-time-equivalent partners.
- **Fees and VAT.** The management fee is a share of the practice's positive service income, plus any **fee per unit**.
  **VAT** (the services table's vat_rate_pct) is charged on the deliverer's charge (delivery cost + fee); practices cannot
  reclaim it and it goes to HMRC, so it is neither the federation's income nor its cost.
- **Who delivers at scale.** Each service goes to the federation, or, on the **PCN route**, to each practice's Primary Care
  Network for the practices of that PCN (whatever their federation membership), at the PCN's cost and its own fee; PCN fees
  are never the federation's income. A practice with no PCN keeps a PCN-route service in-house.
- **Subscription and membership.** Members may pay a yearly subscription per weighted (or registered) patient, which counts
  as federation fee income. Under *Leave when better off alone* a member whose result with the federation is below its result
  all in-house (beyond the tolerance) leaves the federation altogether, and the others settle again, round by round.
- **Costs from staff time.** A cost per unit can be given as the minutes of each role (service_staffing) at an hourly cost
  (staff_rates, else the tool's 2025/26 rates: pay with employer NI and pension per hour worked, sourced from Agenda for Change
  2025/26, the BMA and NHS Digital), plus consumables; the Data page has a cost builder.

### The what-if sidebar
The sliders change the uploaded figures by a percentage: income by stream, activity, in-house costs, the federation's costs
and its overheads; one management fee can replace each service's own; practices can be excluded. *Charging model and
delivery* puts services on the PCN route and sets a fee per unit, a subscription and membership choice. Nothing you change
here alters your files.

### Data
- **Your uploads** stay in your own browser session and are never shown to anyone else. Load them on the **Data** page
  (download the template there); every problem in a file is listed with its sheet and cell.
- **The sample federation** is 30 practices of West Essex (sub-ICB 07H) with their real payments from *NHS Payments to
  General Practice, England, 2022-23* (NHS Digital). Its service catalogue, unit costs, federation overheads and practice
  costs are **assumptions**: staff time at Agenda for Change pay with about 28% employer on-costs (National Insurance and
  the practice's 14.38% NHS pension share), minutes per unit and consumables per service, and overheads from typical
  federation roles. Every figure and its source is listed in `sample_data/README.md` in the project.
  Contains public sector information licensed under the Open Government Licence v3.0.

### Indicative only
This is a planning tool. The results depend on the costs and activity you enter; check them with your accountant before
a contract decision.
"""
)
