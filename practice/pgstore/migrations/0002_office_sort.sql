-- Office listings sorted by submission time or by last status change,
-- with keyset pagination on (sort time, id).
--
-- status_changed_at is the time of the newest history entry that changed
-- the status (Practice.LastStatusChange), kept by every write of the
-- pratica; the zero time stands for "none" so that the column sorts
-- without NULLs. Submission time sorts as
-- COALESCE(submitted_at, '0001-01-01 00:00:00+00') for the same reason:
-- that instant is Go's zero time.Time.
ALTER TABLE practice_practices
    ADD COLUMN status_changed_at timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00';

UPDATE practice_practices p SET status_changed_at = h.at
FROM (
    SELECT DISTINCT ON (tenant, practice_id) tenant, practice_id, at
    FROM practice_history
    WHERE from_status <> to_status
    ORDER BY tenant, practice_id, seq DESC
) h
WHERE h.tenant = p.tenant AND h.practice_id = p.id;

CREATE INDEX practice_practices_submitted_idx
    ON practice_practices (tenant, (COALESCE(submitted_at, '0001-01-01 00:00:00+00'::timestamptz)), id);
CREATE INDEX practice_practices_changed_idx ON practice_practices (tenant, status_changed_at, id);
