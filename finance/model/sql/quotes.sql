-- The at-scale figures for every line, given who uses each pool now (MODEL.md): a pool is a
-- service's federation users, or on the PCN route the users of one PCN. A participant's share of
-- the pool's fixed cost is u / U over the participants (U = the pool's units); a practice outside
-- is quoted as if it joined (U + u). When that is 0 the fixed cost is shared by income, and equally
-- when that is 0 too. Fees are charged on positive service income only (a federation does not pay
-- a fee back on a net clawback), plus any fee per unit; VAT is on delivery cost and fee. A line
-- with no pool (PCN route, practice with no PCN) has no at-scale figures (NULL).
CREATE OR REPLACE TEMP VIEW quotes AS
WITH flagged AS (
    SELECT *, eligible AND left_round IS NULL AS participates FROM lines
),
pools AS (
    SELECT variant,
           pool_key,
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
    JOIN pools AS p ON p.variant = f.variant AND p.pool_key = f.pool_key
),
delivered AS (
    SELECT *,
           income_gbp - inhouse_cost_gbp AS inhouse_margin_gbp,
           CASE WHEN has_pool THEN
               units * federation_cost_per_unit
                 + federation_fixed_cost * CASE
                       WHEN group_units > 0 THEN units / group_units
                       WHEN group_income > 0 THEN greatest(income_gbp, 0.0) / group_income
                       ELSE 1.0 / group_size
                   END
           END AS federation_delivery_cost_gbp,
           CASE WHEN has_pool THEN fee_pct / 100.0 * greatest(income_gbp, 0.0) + fee_per_unit_gbp * units END
             AS management_fee_gbp
    FROM grouped
),
costed AS (
    SELECT *, vat_rate_pct / 100.0 * (federation_delivery_cost_gbp + management_fee_gbp) AS vat_gbp
    FROM delivered
)
SELECT *,
       income_gbp - federation_delivery_cost_gbp - management_fee_gbp - vat_gbp AS federation_return_gbp,
       (income_gbp - federation_delivery_cost_gbp - management_fee_gbp - vat_gbp) - inhouse_margin_gbp AS advantage_gbp,
       CASE WHEN income_gbp > 0
            THEN 100.0 * (inhouse_cost_gbp / (1.0 + vat_rate_pct / 100.0) - federation_delivery_cost_gbp - fee_per_unit_gbp * units)
                 / income_gbp
       END AS breakeven_fee_pct
FROM costed;
