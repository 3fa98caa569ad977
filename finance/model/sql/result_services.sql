-- Per variant and service (every service in the catalogue): its route, who uses it at scale, how
-- much. fee_income_gbp is the federation's management fees (0 on the PCN route), pcn_fee_income_gbp
-- what PCNs keep. rounds: the rounds in which someone left the service (rounds are numbered over
-- the whole process, membership rounds included, so they are counted, not taken as the largest).
WITH per_service AS (
    SELECT variant,
           service,
           count(*) FILTER (WHERE participates)                                  AS participants,
           count(*)                                                              AS practices,
           count(*) FILTER (WHERE eligible)                                      AS eligible,
           sum(units) FILTER (WHERE participates)                                AS federation_units,
           sum(units)                                                            AS units,
           sum(income_gbp)                                                       AS income_gbp,
           sum(management_fee_gbp) FILTER (WHERE participates AND NOT on_pcn)    AS fee_income_gbp,
           sum(management_fee_gbp) FILTER (WHERE participates AND on_pcn)        AS pcn_fee_income_gbp,
           sum(vat_gbp) FILTER (WHERE participates)                              AS vat_gbp,
           sum(federation_delivery_cost_gbp) FILTER (WHERE participates)         AS federation_delivery_cost_gbp,
           sum(advantage_gbp) FILTER (WHERE participates)                        AS participants_advantage_gbp,
           count(DISTINCT left_round)                                            AS rounds
    FROM final_lines
    GROUP BY ALL
)
SELECT v.variant,
       s.service,
       CASE WHEN r.service IS NOT NULL THEN 'pcn' ELSE 'federation' END AS route,
       coalesce(q.participants, 0) AS participants,
       coalesce(q.practices, 0) AS practices,
       coalesce(q.eligible, 0) AS eligible,
       coalesce(q.federation_units, 0.0) AS federation_units,
       coalesce(q.units, 0.0) AS units,
       coalesce(q.income_gbp, 0.0) AS income_gbp,
       coalesce(q.fee_income_gbp, 0.0) AS fee_income_gbp,
       coalesce(q.pcn_fee_income_gbp, 0.0) AS pcn_fee_income_gbp,
       coalesce(q.vat_gbp, 0.0) AS vat_gbp,
       coalesce(q.federation_delivery_cost_gbp, 0.0) AS federation_delivery_cost_gbp,
       coalesce(q.participants_advantage_gbp, 0.0) AS participants_advantage_gbp,
       coalesce(q.rounds, 0) AS rounds
FROM scenarios AS v
CROSS JOIN services AS s
LEFT JOIN scenario_routes AS r ON r.variant = v.variant AND r.service = s.service
LEFT JOIN per_service AS q ON q.variant = v.variant AND q.service = s.service
ORDER BY v.variant, s.service;
