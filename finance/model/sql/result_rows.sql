-- Per practice and service: the figures MODEL.md prints, for every variant.
SELECT l.variant,
       l.practice_code,
       service,
       income_gbp,
       units,
       inhouse_cost_gbp,
       inhouse_margin_gbp,
       federation_delivery_cost_gbp,
       management_fee_gbp,
       federation_return_gbp,
       advantage_gbp,
       breakeven_fee_pct,
       participates,
       CASE WHEN on_pcn THEN 'pcn' ELSE 'federation' END AS route,
       CASE WHEN on_pcn THEN n.pcn END AS pcn,
       vat_gbp,
       fee_pct,
       eligible,
       left_round
FROM final_lines AS l
LEFT JOIN pcn_names AS n ON n.pcn_id = l.pcn_id
ORDER BY l.variant, l.pair_id;
