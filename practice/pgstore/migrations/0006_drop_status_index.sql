-- No listing walks the (tenant, status, id) index: a status set is never
-- selective enough to lead a walk in a listing's order (the value-and-time
-- indexes of 0005 serve the listings, with the statuses as a filter), and
-- every write and bulk import pays for it.
DROP INDEX IF EXISTS practice_practices_status_idx;
