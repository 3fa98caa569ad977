-- Per variant, the headline only (for sweeps and sensitivity: many scenarios, no detail):
-- the federation's figures, practices using at least one federation service, practices better off.
WITH per_practice AS (
    SELECT variant,
           practice_code,
           count(*) FILTER (WHERE participates)                          AS services_used,
           coalesce(sum(advantage_gbp) FILTER (WHERE participates), 0.0) AS difference_gbp
    FROM final_lines
    GROUP BY ALL
),
counts AS (
    SELECT variant,
           count(*) FILTER (WHERE services_used > 0)     AS practices_participating,
           coalesce(sum(services_used), 0)               AS participations,
           count(*) FILTER (WHERE difference_gbp > 0.005) AS practices_better_off
    FROM per_practice
    GROUP BY ALL
),
fees AS (
    SELECT variant,
           coalesce(sum(management_fee_gbp) FILTER (WHERE participates), 0.0) AS fee_income_gbp,
           coalesce(max(left_round), 0) AS rounds
    FROM final_lines
    GROUP BY ALL
)
SELECT v.variant,
       coalesce(f.fee_income_gbp, 0.0)                                        AS fee_income_gbp,
       o.overheads_gbp * v.overhead_factor                                    AS overheads_gbp,
       coalesce(f.fee_income_gbp, 0.0) - o.overheads_gbp * v.overhead_factor AS surplus_gbp,
       coalesce(f.rounds, 0)                                                  AS rounds,
       coalesce(c.practices_participating, 0)                                 AS practices_participating,
       coalesce(c.participations, 0)                                          AS participations,
       coalesce(c.practices_better_off, 0)                                    AS practices_better_off
FROM scenarios AS v
CROSS JOIN (SELECT coalesce(sum(amount_gbp), 0.0) AS overheads_gbp FROM federation_costs) AS o
LEFT JOIN fees AS f USING (variant)
LEFT JOIN counts AS c USING (variant)
ORDER BY v.variant;
