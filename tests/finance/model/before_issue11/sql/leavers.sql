-- One round of rational participation: every participant whose advantage is below
-- -opt_out_tolerance_gbp leaves, all at once. $round is the round number; $slack
-- (model.LEAVING_SLACK_GBP, a millionth of a pound) keeps float noise from counting as a loss.
UPDATE lines
SET left_round = $round
FROM (
    SELECT q.variant, q.practice_code, q.service
    FROM quotes AS q
    JOIN scenarios AS v USING (variant)
    WHERE v.rational
      AND q.participates
      AND q.advantage_gbp < -v.opt_out_tolerance_gbp - $slack
) AS leaving
WHERE lines.variant = leaving.variant
  AND lines.practice_code = leaving.practice_code
  AND lines.service = leaving.service;
