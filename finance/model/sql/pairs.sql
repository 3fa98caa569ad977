-- Every (practice, service) the model looks at: a practice with income lines for the service, or
-- with units of it (activity, else list_size * units_per_1000_patients / 1000). Built once per
-- upload; scenarios are applied on top of it in lines.sql. services is the costed table of
-- finance/model/staff_costs.py (every column present, staff-time costs in place).
CREATE OR REPLACE TABLE pairs AS
WITH service_income AS (
    SELECT practice_code,
           service,
           sum(amount_gbp) FILTER (WHERE stream = 'contract')   AS contract_gbp,
           sum(amount_gbp) FILTER (WHERE stream = 'pcn_des')    AS pcn_des_gbp,
           sum(amount_gbp) FILTER (WHERE stream = 'federation') AS federation_gbp
    FROM income
    WHERE service IS NOT NULL
    GROUP BY ALL
),
candidates AS (
    SELECT p.practice_code,
           s.service,
           p.pcn,
           p.federation_member,
           coalesce(a.units, p.list_size * s.units_per_1000_patients / 1000.0, 0.0) AS base_units,
           si.practice_code IS NOT NULL AS has_income,
           coalesce(si.contract_gbp, 0.0)   AS contract_gbp,
           coalesce(si.pcn_des_gbp, 0.0)    AS pcn_des_gbp,
           coalesce(si.federation_gbp, 0.0) AS federation_gbp,
           s.inhouse_cost_per_unit,
           s.inhouse_fixed_cost,
           s.federation_cost_per_unit,
           s.federation_fixed_cost,
           s.management_fee_pct,
           s.fee_per_unit_gbp,
           s.vat_rate_pct,
           s.pcn_cost_per_unit,
           s.pcn_fixed_cost,
           s.pcn_fee_pct
    FROM practices AS p
    CROSS JOIN services AS s
    LEFT JOIN activity AS a ON a.practice_code = p.practice_code AND a.service = s.service
    LEFT JOIN service_income AS si ON si.practice_code = p.practice_code AND si.service = s.service
),
kept AS (
    SELECT i.practice_id, candidates.*
    FROM candidates
    JOIN practice_ids AS i ON i.practice_code = candidates.practice_code
    WHERE has_income OR base_units > 0
),
-- Numeric ids: sorting and grouping by a number is much cheaper than by text at England scale.
-- Services and PCNs are ranked once each (25 and ~1,250 rows), not by a window over every pair.
service_ids AS (SELECT service, dense_rank() OVER (ORDER BY service) - 1 AS service_id FROM (SELECT DISTINCT service FROM kept)),
pcn_ids AS (SELECT pcn, dense_rank() OVER (ORDER BY pcn) AS pcn_id FROM (SELECT DISTINCT pcn FROM kept))
-- practice_id follows practice_code and service_id service, so pair_id orders the pairs by
-- (practice_code, service), as the result rows are listed; it is not a row number.
SELECT kept.practice_id * (SELECT count(*) FROM service_ids) + s.service_id AS pair_id,
       kept.practice_id,
       s.service_id,
       -- A PCN as a number (the pool of a service on the PCN route); NULL for a practice with no PCN.
       CASE WHEN kept.pcn IS NOT NULL THEN c.pcn_id END AS pcn_id,
       kept.* EXCLUDE (has_income, practice_id)
FROM kept
JOIN service_ids AS s USING (service)
LEFT JOIN pcn_ids AS c ON c.pcn = kept.pcn;

-- The PCNs by number (result_rows names the PCN of a line on the PCN route).
CREATE OR REPLACE TABLE pcn_names AS SELECT DISTINCT pcn_id, pcn FROM pairs WHERE pcn_id IS NOT NULL;
