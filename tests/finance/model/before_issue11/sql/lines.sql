-- One row per scenario variant, practice and service with the scenario applied: income I, units u,
-- in-house cost, the federation's unit and fixed cost, the fee, and who may use the federation.
-- left_round is NULL while the practice uses the federation for the service (see leavers.sql).
CREATE OR REPLACE TEMP TABLE lines AS
SELECT v.variant,
       p.pair_id,
       p.practice_id,
       p.service_id,
       p.practice_code,
       p.service,
       p.contract_gbp * v.contract_factor
         + p.pcn_des_gbp * v.pcn_des_factor
         + p.federation_gbp * v.federation_income_factor                                 AS income_gbp,
       p.base_units * v.activity_factor                                                   AS units,
       (p.base_units * v.activity_factor * p.inhouse_cost_per_unit + p.inhouse_fixed_cost)
         * v.inhouse_cost_factor                                                          AS inhouse_cost_gbp,
       p.federation_cost_per_unit * v.federation_cost_factor                              AS federation_cost_per_unit,
       p.federation_fixed_cost * v.federation_cost_factor                                 AS federation_fixed_cost,
       coalesce(f.fee_pct, v.management_fee_pct, p.management_fee_pct)                    AS fee_pct,
       p.federation_member AND x.practice_code IS NULL                                    AS eligible,
       CAST(NULL AS INTEGER)                                                              AS left_round
FROM pairs AS p
CROSS JOIN scenarios AS v
LEFT JOIN scenario_fees AS f ON f.variant = v.variant AND f.service = p.service
LEFT JOIN scenario_excluded AS x ON x.variant = v.variant AND x.practice_code = p.practice_code;
