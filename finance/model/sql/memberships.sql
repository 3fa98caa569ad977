-- Per variant and practice: still a member of the federation (member_leavers holds those who left
-- under membership "rational"), and the yearly subscription it pays: rate x weighted (or
-- registered) list for a member that is not excluded and has not left, else 0.
CREATE OR REPLACE TEMP VIEW memberships AS
SELECT v.variant,
       b.practice_code,
       b.federation_member AND m.practice_code IS NULL AS member,
       m.left_round                                    AS left_federation_round,
       CASE WHEN b.federation_member AND m.practice_code IS NULL AND x.practice_code IS NULL
            THEN v.subscription_gbp_per_patient
                 * CASE WHEN v.subscription_weighted THEN b.weighted_list_size ELSE b.list_size END
            ELSE 0.0
       END                                             AS subscription_gbp
FROM practice_base AS b
CROSS JOIN scenarios AS v
LEFT JOIN member_leavers AS m ON m.variant = v.variant AND m.practice_code = b.practice_code
LEFT JOIN scenario_excluded AS x ON x.variant = v.variant AND x.practice_code = b.practice_code;
