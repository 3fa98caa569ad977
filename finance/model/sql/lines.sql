-- One row per scenario variant, practice and service with the scenario applied: income I, units u,
-- in-house cost, the at-scale deliverer's unit and fixed cost, fees and VAT, and who may use it.
-- On the federation route the pool is the federation's (pool_id -1) and only members not excluded
-- may take part; on the PCN route the pool is the practice's PCN (pool_id = pcn_id) and every
-- practice of it may, whatever its membership; a practice with no PCN has no pool (has_pool false)
-- and delivers in-house. left_round is NULL while the practice uses the at-scale route for the
-- service (see leavers.sql); eligible turns false when a member leaves the federation (member_leavers.sql).
CREATE OR REPLACE TEMP TABLE lines AS
WITH routed AS (
    SELECT v.variant,
           p.*,
           r.service IS NOT NULL AS on_pcn,
           f.fee_pct AS scenario_fee_pct,
           uf.fee_per_unit_gbp AS scenario_fee_per_unit_gbp,
           x.practice_code IS NOT NULL AS excluded
    FROM pairs AS p
    CROSS JOIN scenarios AS v
    LEFT JOIN scenario_routes AS r ON r.variant = v.variant AND r.service = p.service
    LEFT JOIN scenario_fees AS f ON f.variant = v.variant AND f.service = p.service
    LEFT JOIN scenario_unit_fees AS uf ON uf.variant = v.variant AND uf.service = p.service
    LEFT JOIN scenario_excluded AS x ON x.variant = v.variant AND x.practice_code = p.practice_code
)
SELECT l.variant,
       l.pair_id,
       l.practice_id,
       l.service_id,
       l.practice_code,
       l.service,
       l.pcn_id,
       l.on_pcn,
       CASE WHEN l.on_pcn THEN coalesce(l.pcn_id, -2) ELSE -1 END                         AS pool_id,
       NOT (l.on_pcn AND l.pcn_id IS NULL)                                                AS has_pool,
       l.contract_gbp * v.contract_factor
         + l.pcn_des_gbp * v.pcn_des_factor
         + l.federation_gbp * v.federation_income_factor                                 AS income_gbp,
       l.base_units * v.activity_factor                                                   AS units,
       (l.base_units * v.activity_factor * l.inhouse_cost_per_unit + l.inhouse_fixed_cost)
         * v.inhouse_cost_factor                                                          AS inhouse_cost_gbp,
       CASE WHEN l.on_pcn THEN l.pcn_cost_per_unit ELSE l.federation_cost_per_unit END
         * v.federation_cost_factor                                                       AS federation_cost_per_unit,
       CASE WHEN l.on_pcn THEN l.pcn_fixed_cost ELSE l.federation_fixed_cost END
         * v.federation_cost_factor                                                       AS federation_fixed_cost,
       CASE WHEN l.on_pcn THEN l.pcn_fee_pct
            ELSE coalesce(l.scenario_fee_pct, v.management_fee_pct, l.management_fee_pct) END AS fee_pct,
       CASE WHEN l.on_pcn THEN 0.0
            ELSE coalesce(l.scenario_fee_per_unit_gbp, l.fee_per_unit_gbp) END           AS fee_per_unit_gbp,
       l.vat_rate_pct,
       CASE WHEN l.on_pcn THEN l.pcn_id IS NOT NULL
            ELSE l.federation_member AND NOT l.excluded END                               AS eligible,
       CAST(NULL AS INTEGER)                                                              AS left_round
FROM routed AS l
JOIN scenarios AS v USING (variant);
