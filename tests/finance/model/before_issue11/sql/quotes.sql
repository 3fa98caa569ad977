-- The federation's figures for every line, given who uses the federation now (MODEL.md):
-- a participant's share of the fixed cost is u / U over the participants (U = the pool's units);
-- a practice outside is quoted as if it joined (U + u). When that is 0 the fixed cost is shared by
-- income, and equally when that is 0 too. Fees are charged on positive service income only (a
-- federation does not pay a fee back on a net clawback).
CREATE OR REPLACE TEMP VIEW quotes AS
WITH flagged AS (
    SELECT *, eligible AND left_round IS NULL AS participates FROM lines
),
pools AS (
    SELECT variant,
           service,
           coalesce(sum(units) FILTER (WHERE participates), 0.0)                     AS pool_units,
           coalesce(sum(greatest(income_gbp, 0.0)) FILTER (WHERE participates), 0.0) AS pool_income,
           count(*) FILTER (WHERE participates)                                      AS pool_size
    FROM flagged
    GROUP BY ALL
),
grouped AS (
    -- The group a line's fixed-cost share is worked over: the pool, plus the practice if it is outside.
    SELECT f.*,
           p.pool_units  + CASE WHEN f.participates THEN 0.0 ELSE f.units END                      AS group_units,
           p.pool_income + CASE WHEN f.participates THEN 0.0 ELSE greatest(f.income_gbp, 0.0) END AS group_income,
           p.pool_size   + CASE WHEN f.participates THEN 0 ELSE 1 END                              AS group_size
    FROM flagged AS f
    JOIN pools AS p USING (variant, service)
),
costed AS (
    SELECT *,
           income_gbp - inhouse_cost_gbp AS inhouse_margin_gbp,
           units * federation_cost_per_unit
             + federation_fixed_cost * CASE
                   WHEN group_units > 0 THEN units / group_units
                   WHEN group_income > 0 THEN greatest(income_gbp, 0.0) / group_income
                   ELSE 1.0 / group_size
               END AS federation_delivery_cost_gbp,
           fee_pct / 100.0 * greatest(income_gbp, 0.0) AS management_fee_gbp
    FROM grouped
)
SELECT *,
       income_gbp - federation_delivery_cost_gbp - management_fee_gbp AS federation_return_gbp,
       (income_gbp - federation_delivery_cost_gbp - management_fee_gbp) - inhouse_margin_gbp AS advantage_gbp,
       CASE WHEN income_gbp > 0
            THEN 100.0 * (inhouse_cost_gbp - federation_delivery_cost_gbp) / income_gbp
       END AS breakeven_fee_pct
FROM costed;
