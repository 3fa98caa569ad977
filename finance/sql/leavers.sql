-- One round of rational participation: every participant whose advantage is below
-- -opt_out_tolerance_gbp leaves, all at once. $round is the round number. A millionth of a pound
-- of slack keeps float noise (an advantage of -0.0000000001) from counting as a loss.
UPDATE lines
SET left_round = $round
FROM (
    SELECT q.variant, q.practice_code, q.service
    FROM quotes AS q
    JOIN scenarios AS v USING (variant)
    WHERE v.rational
      AND q.participates
      AND q.advantage_gbp < -v.opt_out_tolerance_gbp - 0.000001
) AS leaving
WHERE lines.variant = leaving.variant
  AND lines.practice_code = leaving.practice_code
  AND lines.service = leaving.service;
