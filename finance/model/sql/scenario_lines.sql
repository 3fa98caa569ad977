-- The lines of one scenario before anyone leaves, grouped by service and pool (for the fee sweep):
-- numeric ids only, so that 162,500 lines come out in milliseconds.
SELECT service_id,
       pool_id,
       pool_key,
       has_pool,
       on_pcn,
       practice_id,
       income_gbp,
       units,
       inhouse_cost_gbp,
       federation_cost_per_unit,
       federation_fixed_cost,
       fee_pct,
       fee_per_unit_gbp,
       vat_rate_pct,
       eligible
FROM lines
ORDER BY service_id, pool_id, practice_id;
