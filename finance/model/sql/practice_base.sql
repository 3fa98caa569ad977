-- Per practice, what no service decision changes: core income by stream and running costs.
CREATE OR REPLACE TABLE practice_base AS
SELECT p.practice_code,
       p.practice_name,
       p.pcn,
       p.list_size,
       p.weighted_list_size,
       p.partners_fte,
       p.federation_member,
       coalesce(sum(i.amount_gbp) FILTER (WHERE i.stream = 'contract'), 0.0)   AS core_contract_gbp,
       coalesce(sum(i.amount_gbp) FILTER (WHERE i.stream = 'pcn_des'), 0.0)    AS core_pcn_des_gbp,
       coalesce(sum(i.amount_gbp) FILTER (WHERE i.stream = 'federation'), 0.0) AS core_federation_gbp,
       coalesce(any_value(c.practice_costs_gbp), 0.0)                          AS practice_costs_gbp
FROM practices AS p
LEFT JOIN income AS i ON i.practice_code = p.practice_code AND i.service IS NULL
LEFT JOIN (SELECT practice_code, sum(amount_gbp) AS practice_costs_gbp FROM practice_costs GROUP BY ALL) AS c
       ON c.practice_code = p.practice_code
GROUP BY p.practice_code, p.practice_name, p.pcn, p.list_size, p.weighted_list_size, p.partners_fte, p.federation_member;
