// Package pgstore is the PostgreSQL ticket.Store (pgx/v5). Its schema is
// embedded and applied by New under the migration component "ticket".
//
// Every guarantee of the ticket.Store contract holds across processes
// sharing the database: IDs and idempotency keys by unique constraints,
// versions by guarded UPDATEs (a multi-request update is one transaction
// that takes its row locks in ID order), and request numbers by a
// per-tenant counter row bumped with INSERT ... ON CONFLICT DO UPDATE ...
// RETURNING in the transaction that inserts the request, so a failed
// create consumes no number. All of it is SQL that PostgreSQL-compatible
// distributed engines also run (no advisory locks, no LISTEN/NOTIFY);
// transactions that fail with a serialization failure or a deadlock are
// retried.
//
// A request's nested parts (extra field values, logs, attachment metadata,
// SLA stopwatches) are JSONB columns read and written with the request;
// the columns the listings filter on (requester and contacts, team, agent,
// parent, status, and the instant of the next SLA event, computed by
// Request.NextSLAEvent on every write) are plain indexed columns, so every
// listing is one indexed query ordered by ID, never a scan in Go. Instants are
// timestamptz, written and read in UTC to the microsecond; a zero time is
// NULL.
//
// The notification outbox is the table ticket_outbox (migrations
// 0002_outbox.sql and 0003_outbox_lease.sql): the notes of a write are
// inserted in the transaction that writes the requests, ordered by an
// identity column. ClaimNotifications is one statement that picks a
// tenant's claimable rows in that order with SELECT ... FOR UPDATE SKIP
// LOCKED and sets their lease column (claimed_until), checking the lease
// again on the locked row, so concurrent claimers in any number of
// processes never get the same row while its lease runs;
// AckNotification deletes a delivered row.
package pgstore
