-- Back office at scale: list rows are summaries read from this table's
-- own columns (never the history or messages), and every filter and sort
-- of an office listing is served by an ordered index.
--
-- owner_name is the citizen's display name the host gave (Owner.Name);
-- paid says whether a linked payment is complete (Summary.Paid); search
-- is practice.SearchText, computed by the SDK on every write: the
-- upper-cased ID, codice fiscale, protocol number and owner's name, each
-- preceded by the separator U+001F, which also stands for every space. A
-- text query is search LIKE '%' || U+001F || key || '%', served by a
-- trigram index (pg_trgm, shipped with PostgreSQL's contrib modules and
-- trusted: the database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE practice_practices
    ADD COLUMN owner_name text    NOT NULL DEFAULT '',
    ADD COLUMN paid       boolean NOT NULL DEFAULT false,
    ADD COLUMN search     text    NOT NULL DEFAULT '';

UPDATE practice_practices SET
    paid = EXISTS (SELECT 1 FROM jsonb_array_elements(payments) e WHERE e->>'status' = 'complete'),
    search = E'\x1f' || replace(upper(id), ' ', E'\x1f') || E'\x1f' || replace(upper(owner_fiscal_code), ' ', E'\x1f')
        || E'\x1f' || replace(upper(protocol_number), ' ', E'\x1f') || E'\x1f';

-- Each filter that narrows a listing to one value (service, office,
-- assignee; '' for unassigned) leads an index per sort time, so that a
-- page walks that value's pratiche in the listing's order (either
-- direction) from its cursor and stops after the page. The submission
-- time is the COALESCE expression the listing sorts by.
CREATE INDEX practice_practices_service_submitted_idx
    ON practice_practices (tenant, service, (COALESCE(submitted_at, '0001-01-01 00:00:00+00'::timestamptz)), id);
CREATE INDEX practice_practices_service_changed_idx ON practice_practices (tenant, service, status_changed_at, id);
CREATE INDEX practice_practices_office_submitted_idx
    ON practice_practices (tenant, office, (COALESCE(submitted_at, '0001-01-01 00:00:00+00'::timestamptz)), id);
CREATE INDEX practice_practices_office_changed_idx ON practice_practices (tenant, office, status_changed_at, id);
CREATE INDEX practice_practices_assignee_submitted_idx
    ON practice_practices (tenant, assignee, (COALESCE(submitted_at, '0001-01-01 00:00:00+00'::timestamptz)), id);
CREATE INDEX practice_practices_assignee_changed_idx ON practice_practices (tenant, assignee, status_changed_at, id);
CREATE INDEX practice_practices_search_idx ON practice_practices USING gin (search gin_trgm_ops);
