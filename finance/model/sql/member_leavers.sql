-- One round of membership choice (MODEL.md, "Membership choice"): under membership "rational",
-- every member whose difference_gbp (result with the federation - all in-house, subscription
-- included) is below -opt_out_tolerance_gbp leaves the federation, all at once. $round is the
-- membership round; $slack as in leavers.sql. The caller then takes the leavers off every
-- federation-route line (their PCN routes are unchanged) and lets service participation settle again.
INSERT INTO member_leavers
WITH services_total AS (
    SELECT variant,
           practice_code,
           sum(CASE WHEN participates THEN federation_return_gbp ELSE inhouse_margin_gbp END) - sum(inhouse_margin_gbp) AS services_gain_gbp
    FROM quotes
    GROUP BY ALL
)
SELECT m.variant, m.practice_code, $round AS left_round
FROM memberships AS m
JOIN scenarios AS v USING (variant)
LEFT JOIN services_total AS t USING (variant, practice_code)
WHERE v.membership_rational
  AND m.member
  AND coalesce(t.services_gain_gbp, 0.0) - m.subscription_gbp < -v.opt_out_tolerance_gbp - $slack;
