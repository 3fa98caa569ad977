-- Per practice: core income, costs, subscription, and the result all in-house and with the federation
-- (with the at-scale routes it uses: the federation's and its PCN's).
WITH services_total AS (
    SELECT variant,
           practice_code,
           sum(inhouse_margin_gbp) AS services_inhouse_gbp,
           sum(CASE WHEN participates THEN federation_return_gbp ELSE inhouse_margin_gbp END) AS services_with_federation_gbp,
           count(*) FILTER (WHERE participates) AS services_with_federation
    FROM final_lines
    GROUP BY ALL
),
results AS (
    SELECT v.variant,
           b.practice_code,
           b.practice_name,
           b.pcn,
           b.list_size,
           b.partners_fte,
           b.federation_member,
           m.member,
           m.left_federation_round,
           m.subscription_gbp,
           b.core_contract_gbp * v.contract_factor
             + b.core_pcn_des_gbp * v.pcn_des_factor
             + b.core_federation_gbp * v.federation_income_factor AS core_income_gbp,
           b.practice_costs_gbp,
           coalesce(t.services_inhouse_gbp, 0.0)          AS services_inhouse_gbp,
           coalesce(t.services_with_federation_gbp, 0.0)  AS services_with_federation_gbp,
           coalesce(t.services_with_federation, 0)        AS services_with_federation
    FROM practice_base AS b
    CROSS JOIN scenarios AS v
    LEFT JOIN services_total AS t ON t.variant = v.variant AND t.practice_code = b.practice_code
    JOIN final_memberships AS m ON m.variant = v.variant AND m.practice_code = b.practice_code
)
SELECT variant,
       practice_code,
       practice_name,
       pcn,
       list_size,
       partners_fte,
       federation_member,
       member,
       left_federation_round,
       subscription_gbp,
       core_income_gbp,
       practice_costs_gbp,
       services_inhouse_gbp,
       services_with_federation_gbp,
       services_with_federation,
       core_income_gbp + services_inhouse_gbp - practice_costs_gbp          AS result_all_inhouse_gbp,
       core_income_gbp + services_with_federation_gbp - practice_costs_gbp - subscription_gbp AS result_with_federation_gbp,
       services_with_federation_gbp - services_inhouse_gbp - subscription_gbp                AS difference_gbp,
       CASE WHEN partners_fte > 0
            THEN (core_income_gbp + services_inhouse_gbp - practice_costs_gbp) / partners_fte END
         AS result_all_inhouse_per_partner_gbp,
       CASE WHEN partners_fte > 0
            THEN (core_income_gbp + services_with_federation_gbp - practice_costs_gbp - subscription_gbp) / partners_fte END
         AS result_with_federation_per_partner_gbp
FROM results
ORDER BY variant, practice_code;
