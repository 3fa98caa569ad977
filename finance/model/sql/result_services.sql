-- Per variant and service (every service in the catalogue): its route, who uses it at scale, how
-- much. fee_income_gbp is the federation's management fees (0 on the PCN route), pcn_fee_income_gbp
-- what PCNs keep. rounds: the rounds in which someone left the service (rounds are numbered over
-- the whole process, membership rounds included, so they are counted, not taken as the largest).
SELECT v.variant,
       s.service,
       CASE WHEN r.service IS NOT NULL THEN 'pcn' ELSE 'federation' END                 AS route,
       count(q.practice_code) FILTER (WHERE q.participates)                             AS participants,
       count(q.practice_code)                                                           AS practices,
       count(q.practice_code) FILTER (WHERE q.eligible)                                 AS eligible,
       coalesce(sum(q.units) FILTER (WHERE q.participates), 0.0)                        AS federation_units,
       coalesce(sum(q.units), 0.0)                                                      AS units,
       coalesce(sum(q.income_gbp), 0.0)                                                 AS income_gbp,
       coalesce(sum(q.management_fee_gbp) FILTER (WHERE q.participates AND NOT q.on_pcn), 0.0) AS fee_income_gbp,
       coalesce(sum(q.management_fee_gbp) FILTER (WHERE q.participates AND q.on_pcn), 0.0)     AS pcn_fee_income_gbp,
       coalesce(sum(q.vat_gbp) FILTER (WHERE q.participates), 0.0)                      AS vat_gbp,
       coalesce(sum(q.federation_delivery_cost_gbp) FILTER (WHERE q.participates), 0.0) AS federation_delivery_cost_gbp,
       coalesce(sum(q.advantage_gbp) FILTER (WHERE q.participates), 0.0)                AS participants_advantage_gbp,
       count(DISTINCT q.left_round)                                                     AS rounds
FROM scenarios AS v
CROSS JOIN services AS s
LEFT JOIN scenario_routes AS r ON r.variant = v.variant AND r.service = s.service
LEFT JOIN final_lines AS q ON q.variant = v.variant AND q.service = s.service
GROUP BY ALL
ORDER BY v.variant, s.service;
