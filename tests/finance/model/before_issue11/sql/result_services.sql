-- Per variant and service (every service in the catalogue): who uses the federation, how much.
SELECT v.variant,
       s.service,
       count(q.practice_code) FILTER (WHERE q.participates)                      AS participants,
       count(q.practice_code)                                                    AS practices,
       coalesce(sum(q.units) FILTER (WHERE q.participates), 0.0)                 AS federation_units,
       coalesce(sum(q.units), 0.0)                                               AS units,
       coalesce(sum(q.income_gbp), 0.0)                                          AS income_gbp,
       coalesce(sum(q.management_fee_gbp) FILTER (WHERE q.participates), 0.0)    AS fee_income_gbp,
       coalesce(sum(q.federation_delivery_cost_gbp) FILTER (WHERE q.participates), 0.0) AS federation_delivery_cost_gbp,
       coalesce(sum(q.advantage_gbp) FILTER (WHERE q.participates), 0.0)         AS participants_advantage_gbp,
       coalesce(max(q.left_round), 0)                                            AS rounds
FROM scenarios AS v
CROSS JOIN services AS s
LEFT JOIN final_lines AS q ON q.variant = v.variant AND q.service = s.service
GROUP BY ALL
ORDER BY v.variant, s.service;
