-- Every practice as a number from 0, in practice_code order (lines and the fee sweep use it).
CREATE OR REPLACE TABLE practice_ids AS
SELECT practice_code, row_number() OVER (ORDER BY practice_code) - 1 AS practice_id
FROM practices;
