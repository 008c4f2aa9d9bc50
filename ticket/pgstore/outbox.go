package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sportello/sportello/internal/outbox/pgoutbox"
	"github.com/sportello/sportello/internal/pgtx"
	"github.com/sportello/sportello/ticket"
)

// checkNotes refuses, before any write, a note of another tenant and a
// note ID repeated within the write.
func checkNotes(tenant string, notes []ticket.Notification) error {
	seen := make(map[string]bool, len(notes))
	for _, n := range notes {
		if n.Tenant != tenant {
			return ticket.ErrNotFound
		}
		if seen[n.ID] {
			return &ticket.ConflictError{Field: "notification_id"}
		}
		seen[n.ID] = true
	}
	return nil
}

// insertNotes appends notes to the outbox inside tx, in the order given
// (the identity column records it). When ref is set (a new request's),
// a note naming requestID with an empty Ref gets it.
func insertNotes(ctx context.Context, tx pgx.Tx, notes []ticket.Notification, requestID, ref string) error {
	for _, n := range notes {
		noteRef := n.Ref
		if noteRef == "" && ref != "" && n.RequestID == requestID {
			noteRef = ref
		}
		recipients := n.Recipients
		if recipients == nil {
			recipients = []string{}
		}
		_, err := tx.Exec(ctx, `INSERT INTO ticket_outbox
			(tenant, id, kind, request_id, ref, recipients, team_id, status, metric, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			n.Tenant, n.ID, string(n.Kind), n.RequestID, noteRef, recipients, n.Team,
			string(n.Status), string(n.Metric), utc(n.CreatedAt))
		if err != nil {
			return err
		}
	}
	return nil
}

// outboxTable is ticket_outbox as internal/outbox/pgoutbox reads it: a
// request's notifications wait behind its earlier ones, in saving order
// (seq).
var outboxTable = pgoutbox.Table{
	Name:    "ticket_outbox",
	Record:  "request_id",
	Columns: "tenant, id, kind, request_id, ref, recipients, team_id, status, metric, created_at",
}

// scanNote reads one row of outboxTable.Columns.
func scanNote(row pgx.CollectableRow) (ticket.Notification, error) {
	var n ticket.Notification
	var recipients []string
	if err := row.Scan(&n.Tenant, &n.ID, &n.Kind, &n.RequestID, &n.Ref, &recipients, &n.Team, &n.Status, &n.Metric, &n.CreatedAt); err != nil {
		return ticket.Notification{}, err
	}
	if len(recipients) > 0 {
		n.Recipients = recipients
	}
	n.CreatedAt = n.CreatedAt.UTC()
	return n, nil
}

// ClaimNotifications implements ticket.Outbox with pgoutbox's claim, one
// statement that is a transaction of its own: it picks the claimable rows
// once, skipping rows another claim has locked (FOR UPDATE SKIP LOCKED),
// and re-checks each one's lease and its request's earlier rows as it
// leases it, so two claimers, in any processes, never get the same
// notification while its lease runs, nor split one request's
// notifications.
func (s *Store) ClaimNotifications(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]ticket.Notification, error) {
	if !storable(tenant) {
		return nil, nil
	}
	var out []ticket.Notification
	err := pgtx.Retry(ctx, func() error {
		var err error
		out, err = pgoutbox.Claim(ctx, s.pool, outboxTable, tenant, now, lease, limit, scanNote)
		return err
	})
	return out, translate(err)
}

// AckNotification implements ticket.Outbox: the delivered row is deleted;
// no row (acknowledged already, unknown, another tenant's) is not an
// error.
func (s *Store) AckNotification(ctx context.Context, tenant, id string) error {
	if !storable(tenant, id) {
		return nil
	}
	return translate(pgtx.Retry(ctx, func() error { return pgoutbox.Ack(ctx, s.pool, outboxTable, tenant, id) }))
}
