// Package pgstore is the PostgreSQL practice.Store (pgx/v5). Its schema is
// embedded and applied by New through the shared migrations runner.
//
// A pratica is one row of practice_practices, whose filterable columns
// (owner, related codici fiscali, service, office, status, assignee) carry
// the indexes the citizen and back-office listings use, and so do the
// back office's sort times: the submission time and status_changed_at (the
// last status change, derived from the history on every write), each with
// a (tenant, time, id) index for keyset pagination; its history and
// messages are child tables, written with the row (only the new or changed
// entries); the parts read only
// with the whole pratica (form data, integrations, outcome, payments,
// protocol records) are JSONB. Reads are single statements, so a pratica
// is never seen half-updated.
//
// Every guarantee of the practice.Store contract holds across processes
// sharing the database: versions by guarded UPDATEs (the row lock queues
// concurrent writers of one pratica, and all but the first find the version
// changed), idempotency keys and IDs by unique constraints, and each write
// of a pratica together with its history, messages and outbox entries in
// one transaction. The SQL is what PostgreSQL-compatible distributed engines
// also run (no advisory locks, no LISTEN/NOTIFY); transactions that fail
// with a serialization failure or a deadlock are retried. Times are stored
// as timestamptz and returned in UTC.
//
// Back-office lists and exports read summaries from the pratica's own row
// (owner_name, paid and search are kept by every write), never the history
// or messages. Each value filter (service, office, assignee) leads an
// index per sort time, (tenant, value, time, id), and a service with an
// assignee (or unassigned) leads (tenant, service, assignee, time, id) and
// (tenant, service, assignee, id), so that a page walks one
// index in the listing's order from its cursor, in either direction, and
// stops after the page; a date range on the sort time bounds that walk.
// Text queries go through a trigram index (pg_trgm, created by the
// migrations; PostgreSQL's contrib modules must be installed, as Debian's
// postgresql package does) on the search column, reading the text's
// matches then sorting them, and so does a date range on the other time
// than the sort's (its range, through its index). Export is one query
// whose rows pgx reads as the consumer takes them. Import copies a batch
// with COPY after one query for the pratiche already there. Statistics are
// aggregate queries (percentile_cont) in one read-only snapshot.
//
// The outbox is a table in write order (an identity column, seq).
// ClaimNotifications leases rows by setting claimed_until in one statement
// that picks them once with FOR UPDATE SKIP LOCKED and re-checks the lease
// on each locked row, so that drainers in many processes never share a
// row while its lease runs; AckNotification deletes the row.
package pgstore
