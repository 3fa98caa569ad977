-- The lines of one scenario before anyone leaves, grouped by service (for the fee sweep): numeric
-- ids only, so that 162,500 lines come out in milliseconds.
SELECT service_id,
       practice_id,
       income_gbp,
       units,
       inhouse_cost_gbp,
       federation_cost_per_unit,
       federation_fixed_cost,
       fee_pct,
       eligible
FROM lines
ORDER BY service_id, practice_id;
