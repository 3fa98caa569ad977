-- Per practice and service: the figures MODEL.md prints, for every variant.
SELECT variant,
       practice_code,
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
       fee_pct,
       eligible,
       left_round
FROM final_lines
ORDER BY variant, pair_id;
