-- One row per scenario variant, practice and service with the scenario applied: income I, units u,
-- in-house cost, the at-scale deliverer's unit and fixed cost, fees and VAT, and who may use it.
-- On the federation route the pool is the federation's (pool_id -1) and only members not excluded
-- may take part; on the PCN route (on_pcn) the pool is the practice's PCN (pool_id = pcn_id) and
-- every practice of it may, whatever its membership; a practice with no PCN has no pool (has_pool
-- false) and delivers in-house. left_round is NULL while the practice uses the at-scale route for
-- the service (see leavers.sql); eligible turns false when a member leaves the federation
-- (member_leavers.sql, engine._settle).
CREATE OR REPLACE TEMP TABLE lines AS
SELECT v.variant,
       p.pair_id,
       p.practice_id,
       p.service_id,
       p.practice_code,
       p.service,
       p.pcn_id,
       r.service IS NOT NULL                                                              AS on_pcn,
       CASE WHEN r.service IS NOT NULL THEN coalesce(p.pcn_id, -2) ELSE -1 END            AS pool_id,
       -- service and pool in one number, the key pools are grouped and joined on (quotes.sql)
       p.service_id * 1000000 + CASE WHEN r.service IS NOT NULL THEN coalesce(p.pcn_id, -2) ELSE -1 END + 2 AS pool_key,
       r.service IS NULL OR p.pcn_id IS NOT NULL                                          AS has_pool,
       p.contract_gbp * v.contract_factor
         + p.pcn_des_gbp * v.pcn_des_factor
         + p.federation_gbp * v.federation_income_factor                                 AS income_gbp,
       p.base_units * v.activity_factor                                                   AS units,
       (p.base_units * v.activity_factor * p.inhouse_cost_per_unit + p.inhouse_fixed_cost)
         * v.inhouse_cost_factor                                                          AS inhouse_cost_gbp,
       CASE WHEN r.service IS NOT NULL THEN p.pcn_cost_per_unit ELSE p.federation_cost_per_unit END
         * v.federation_cost_factor                                                       AS federation_cost_per_unit,
       CASE WHEN r.service IS NOT NULL THEN p.pcn_fixed_cost ELSE p.federation_fixed_cost END
         * v.federation_cost_factor                                                       AS federation_fixed_cost,
       CASE WHEN r.service IS NOT NULL THEN p.pcn_fee_pct
            ELSE coalesce(f.fee_pct, v.management_fee_pct, p.management_fee_pct) END     AS fee_pct,
       CASE WHEN r.service IS NOT NULL THEN 0.0
            ELSE coalesce(uf.fee_per_unit_gbp, p.fee_per_unit_gbp) END                   AS fee_per_unit_gbp,
       p.vat_rate_pct,
       CASE WHEN r.service IS NOT NULL THEN p.pcn_id IS NOT NULL
            ELSE p.federation_member AND x.practice_code IS NULL END                     AS eligible,
       CAST(NULL AS INTEGER)                                                              AS left_round
FROM pairs AS p
CROSS JOIN scenarios AS v
LEFT JOIN scenario_routes AS r ON r.variant = v.variant AND r.service = p.service
LEFT JOIN scenario_fees AS f ON f.variant = v.variant AND f.service = p.service
LEFT JOIN scenario_unit_fees AS uf ON uf.variant = v.variant AND uf.service = p.service
LEFT JOIN scenario_excluded AS x ON x.variant = v.variant AND x.practice_code = p.practice_code;
