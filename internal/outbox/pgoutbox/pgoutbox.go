// Package pgoutbox claims and acknowledges outbox entries kept in a
// PostgreSQL table, under the claim rule of package outbox, for every
// wing's pgstore.
//
// A Table names the columns; ClaimSQL builds one statement from them that
// picks the claimable rows once (a MATERIALIZED CTE, FOR UPDATE SKIP
// LOCKED), leases them with a guarded UPDATE and returns them in outbox
// order. It keeps to DESIGN's scale-out rules: row locks and guarded
// updates only, no advisory locks, no LISTEN/NOTIFY, so two claimers in any
// processes never get the same row while its lease runs, and a record's
// later rows are never handed out while an earlier one waits.
//
// The table needs, per tenant, a unique ID column, a record column, order
// columns that grow in the order rows are saved (a bigint identity "seq" is
// the usual one) and a nullable timestamptz lease column (NULL: never
// claimed). Two indexes serve the claim: (tenant, order...) INCLUDE (lease)
// for the walk in order, and (tenant, record, order...) for the look-back at
// a record's earlier rows.
package pgoutbox

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sportello/sportello/internal/outbox"
)

// Table names an outbox table and its columns. Names are SQL identifiers
// written by the store, never input.
type Table struct {
	// Name is the table, e.g. "payment_outbox".
	Name string
	// Tenant is the tenant column (default "tenant").
	Tenant string
	// ID is the entry ID column, unique per tenant (default "id").
	ID string
	// Record is the column naming the record (aggregate) of an entry.
	Record string
	// Order lists the columns giving the outbox order (default "seq").
	Order []string
	// Lease is the nullable timestamptz column holding the end of the last
	// claim's lease (default "claimed_until").
	Lease string
	// Columns is the select list the claim returns, unqualified column
	// names of the table in the order the scan function reads them.
	Columns string
}

func (t Table) withDefaults() Table {
	if t.Tenant == "" {
		t.Tenant = "tenant"
	}
	if t.ID == "" {
		t.ID = "id"
	}
	if len(t.Order) == 0 {
		t.Order = []string{"seq"}
	}
	if t.Lease == "" {
		t.Lease = "claimed_until"
	}
	return t
}

// ClaimSQL is the claim statement for t. Its parameters are $1 tenant, $2
// now, $3 the end of the lease and $4 the limit.
//
// The rows are picked once, in a MATERIALIZED CTE: as a subquery the planner
// may run the locking pick again for rows the UPDATE visits, see this
// statement's own leases and pick rows past the limit. The pick skips rows
// under lease and rows whose record has an earlier row under lease, and
// locks what it picks, skipping rows another claim has locked. The UPDATE
// then takes a picked row only if its lease is still free and every earlier
// row of its record still in the outbox was picked too: a record's earlier
// row skipped because a concurrent claim locked it keeps the later ones
// back, so two claimers never split one record's rows.
func (t Table) ClaimSQL() string {
	t = t.withDefaults()
	order := strings.Join(t.Order, ", ")
	qualified := func(alias string) string {
		cols := make([]string, len(t.Order))
		for i, c := range t.Order {
			cols[i] = alias + "." + c
		}
		return "(" + strings.Join(cols, ", ") + ")"
	}
	free := func(alias string) string {
		return "(" + alias + "." + t.Lease + " IS NULL OR " + alias + "." + t.Lease + " <= $2)"
	}
	earlier := func(alias string) string {
		return "e." + t.Tenant + " = " + alias + "." + t.Tenant + " AND e." + t.Record + " = " + alias + "." + t.Record +
			" AND " + qualified("e") + " < " + qualified(alias)
	}
	return `WITH picked AS MATERIALIZED (
	SELECT c.` + t.ID + ` FROM ` + t.Name + ` c
	WHERE c.` + t.Tenant + ` = $1 AND ` + free("c") + `
		AND NOT EXISTS (SELECT 1 FROM ` + t.Name + ` e WHERE ` + earlier("c") + ` AND NOT ` + free("e") + `)
	ORDER BY ` + qualified("c") + ` LIMIT $4
	FOR UPDATE OF c SKIP LOCKED
), claimed AS (
	UPDATE ` + t.Name + ` o SET ` + t.Lease + ` = $3
	FROM picked
	WHERE o.` + t.Tenant + ` = $1 AND o.` + t.ID + ` = picked.` + t.ID + ` AND ` + free("o") + `
		AND NOT EXISTS (SELECT 1 FROM ` + t.Name + ` e WHERE ` + earlier("o") + `
			AND e.` + t.ID + ` NOT IN (SELECT ` + t.ID + ` FROM picked))
	RETURNING o.*
)
SELECT ` + t.Columns + ` FROM claimed ORDER BY ` + order
}

// AckSQL is the acknowledgement statement for t: it deletes the row; its
// parameters are $1 tenant and $2 the entry ID.
func (t Table) AckSQL() string {
	t = t.withDefaults()
	return `DELETE FROM ` + t.Name + ` WHERE ` + t.Tenant + ` = $1 AND ` + t.ID + ` = $2`
}

// Querier runs statements: a *pgxpool.Pool, a *pgx.Conn or a pgx.Tx.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Claim runs t's claim on q for tenant at now, leasing up to
// outbox.Limit(limit) rows until now+lease (a lease <= 0 leases nothing),
// and scans the returned rows, in outbox order, with scan (e.g. a function
// built on pgx.RowToStructByPos or reading row.Scan). It returns the
// driver's errors as they are, for the store to translate and retry.
func Claim[T any](ctx context.Context, q Querier, t Table, tenant string, now time.Time, lease time.Duration, limit int, scan pgx.RowToFunc[T]) ([]T, error) {
	rows, err := q.Query(ctx, t.ClaimSQL(), tenant, now.UTC(), now.Add(max(lease, 0)).UTC(), outbox.Limit(limit))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scan)
}

// Ack deletes tenant's entry id from t on q; no row (already acknowledged,
// unknown, another tenant's) is no error. Driver errors are returned as
// they are.
func Ack(ctx context.Context, q Querier, t Table, tenant, id string) error {
	_, err := q.Exec(ctx, t.AckSQL(), tenant, id)
	return err
}
