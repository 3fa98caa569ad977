-- Per variant, the headline only (for sweeps and sensitivity: many scenarios, no detail): the
-- federation's figures (fee income = management fees over federation-route participants +
-- subscriptions; PCN fees apart), practices using at least one at-scale service, practices better off.
WITH per_practice AS (
    SELECT l.variant,
           l.practice_code,
           count(*) FILTER (WHERE l.participates)                          AS services_used,
           coalesce(sum(l.advantage_gbp) FILTER (WHERE l.participates), 0.0) AS services_gain_gbp
    FROM final_lines AS l
    GROUP BY ALL
),
counts AS (
    SELECT m.variant,
           count(*) FILTER (WHERE coalesce(p.services_used, 0) > 0)                                        AS practices_participating,
           coalesce(sum(p.services_used), 0)                                                               AS participations,
           count(*) FILTER (WHERE coalesce(p.services_gain_gbp, 0.0) - m.subscription_gbp > 0.005)         AS practices_better_off,
           count(*) FILTER (WHERE m.member)                                                                AS members,
           coalesce(sum(m.subscription_gbp), 0.0)                                                          AS subscription_income_gbp,
           coalesce(max(m.left_federation_round), 0)                                                       AS membership_rounds
    FROM final_memberships AS m
    LEFT JOIN per_practice AS p USING (variant, practice_code)
    GROUP BY ALL
),
service_rounds AS (
    SELECT variant, service_id, count(DISTINCT left_round) AS rounds
    FROM final_lines
    GROUP BY ALL
),
fees AS (
    SELECT variant,
           coalesce(sum(management_fee_gbp) FILTER (WHERE participates AND NOT on_pcn), 0.0) AS management_fee_income_gbp,
           coalesce(sum(management_fee_gbp) FILTER (WHERE participates AND on_pcn), 0.0)     AS pcn_fee_income_gbp,
           coalesce(sum(vat_gbp) FILTER (WHERE participates), 0.0)                           AS vat_gbp
    FROM final_lines
    GROUP BY ALL
)
SELECT v.variant,
       coalesce(f.management_fee_income_gbp, 0.0) + coalesce(c.subscription_income_gbp, 0.0)       AS fee_income_gbp,
       o.overheads_gbp * v.overhead_factor                                                         AS overheads_gbp,
       coalesce(f.management_fee_income_gbp, 0.0) + coalesce(c.subscription_income_gbp, 0.0)
         - o.overheads_gbp * v.overhead_factor                                                     AS surplus_gbp,
       coalesce((SELECT max(r.rounds) FROM service_rounds AS r WHERE r.variant = v.variant), 0)    AS rounds,
       coalesce(c.practices_participating, 0)                                                      AS practices_participating,
       coalesce(c.participations, 0)                                                               AS participations,
       coalesce(c.practices_better_off, 0)                                                         AS practices_better_off,
       coalesce(f.management_fee_income_gbp, 0.0)                                                  AS management_fee_income_gbp,
       coalesce(c.subscription_income_gbp, 0.0)                                                    AS subscription_income_gbp,
       coalesce(f.pcn_fee_income_gbp, 0.0)                                                         AS pcn_fee_income_gbp,
       coalesce(f.vat_gbp, 0.0)                                                                    AS vat_gbp,
       coalesce(c.members, 0)                                                                      AS members,
       coalesce(c.membership_rounds, 0)                                                            AS membership_rounds
FROM scenarios AS v
CROSS JOIN (SELECT coalesce(sum(amount_gbp), 0.0) AS overheads_gbp FROM federation_costs) AS o
LEFT JOIN fees AS f USING (variant)
LEFT JOIN counts AS c USING (variant)
ORDER BY v.variant;
