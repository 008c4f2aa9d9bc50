// Package pgstore is the PostgreSQL auth.Store (pgx/v5). Its schema is
// embedded and applied by New. Every guarantee of the auth.Store contract
// holds across processes sharing the database: uniqueness by constraints,
// versions by guarded UPDATEs, the last-admin rule and token redemption by
// row locks, all in SQL that PostgreSQL-compatible distributed engines also
// run (no advisory locks, no LISTEN/NOTIFY); transactions that fail with a
// serialization failure or a deadlock are retried.
package pgstore
