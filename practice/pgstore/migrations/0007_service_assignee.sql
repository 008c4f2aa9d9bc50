-- A listing of one service narrowed to one assignee (or to the
-- unassigned pratiche, assignee '') walked the service's index and
-- dropped the other assignees' rows, about two of every three read. The
-- pair leads an index per sort order (submission time, last change, ID),
-- so that such a page walks only that pair's pratiche, in the listing's
-- order, from its cursor, and stops after the page. The submission time
-- is the COALESCE expression the listing sorts by.
CREATE INDEX practice_practices_service_assignee_submitted_idx
    ON practice_practices (tenant, service, assignee, (COALESCE(submitted_at, '0001-01-01 00:00:00+00'::timestamptz)), id);
CREATE INDEX practice_practices_service_assignee_changed_idx
    ON practice_practices (tenant, service, assignee, status_changed_at, id);
CREATE INDEX practice_practices_service_assignee_idx ON practice_practices (tenant, service, assignee, id);
