-- Per variant: the federation's fee income, overheads, surplus and rounds of rational departures.
WITH fees AS (
    SELECT variant,
           coalesce(sum(management_fee_gbp) FILTER (WHERE participates), 0.0) AS fee_income_gbp,
           coalesce(max(left_round), 0) AS rounds
    FROM final_lines
    GROUP BY ALL
)
SELECT v.variant,
       coalesce(f.fee_income_gbp, 0.0)                               AS fee_income_gbp,
       o.overheads_gbp * v.overhead_factor                           AS overheads_gbp,
       coalesce(f.fee_income_gbp, 0.0) - o.overheads_gbp * v.overhead_factor AS surplus_gbp,
       coalesce(f.rounds, 0)                                         AS rounds
FROM scenarios AS v
CROSS JOIN (SELECT coalesce(sum(amount_gbp), 0.0) AS overheads_gbp FROM federation_costs) AS o
LEFT JOIN fees AS f USING (variant)
ORDER BY v.variant;
