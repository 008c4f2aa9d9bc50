package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"

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
// (the identity column records it). A note naming the request r with an
// empty Ref gets r's.
func insertNotes(ctx context.Context, tx pgx.Tx, notes []ticket.Notification, r *ticket.Request) error {
	for _, n := range notes {
		ref := n.Ref
		if ref == "" && r != nil && n.RequestID == r.ID {
			ref = r.Ref
		}
		recipients := n.Recipients
		if recipients == nil {
			recipients = []string{}
		}
		_, err := tx.Exec(ctx, `INSERT INTO ticket_outbox
			(tenant, id, kind, request_id, ref, recipients, team_id, status, metric, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			n.Tenant, n.ID, string(n.Kind), n.RequestID, ref, recipients, n.Team,
			string(n.Status), string(n.Metric), utc(n.CreatedAt))
		if err != nil {
			return err
		}
	}
	return nil
}

// PendingNotifications implements ticket.Outbox.
func (s *Store) PendingNotifications(ctx context.Context, tenant string, limit int) ([]ticket.Notification, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT tenant, id, kind, request_id, ref, recipients, team_id, status, metric, created_at
		FROM ticket_outbox WHERE tenant = $1 ORDER BY seq LIMIT $2`, tenant, limit)
	list, err := all(rows, err, scanNote)
	if err != nil {
		return nil, err
	}
	out := make([]ticket.Notification, len(list))
	for i, n := range list {
		out[i] = *n
	}
	return out, nil
}

func scanNote(row pgx.Row) (*ticket.Notification, error) {
	var n ticket.Notification
	var recipients []string
	err := row.Scan(&n.Tenant, &n.ID, &n.Kind, &n.RequestID, &n.Ref, &recipients, &n.Team, &n.Status, &n.Metric, &n.CreatedAt)
	if err != nil {
		return nil, err
	}
	if len(recipients) > 0 {
		n.Recipients = recipients
	}
	n.CreatedAt = n.CreatedAt.UTC()
	return &n, nil
}

// MarkDelivered implements ticket.Outbox.
func (s *Store) MarkDelivered(ctx context.Context, tenant, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM ticket_outbox WHERE tenant = $1 AND id = $2`, tenant, id)
	if err != nil {
		return translate(err)
	}
	if tag.RowsAffected() == 0 {
		return ticket.ErrNotFound
	}
	return nil
}
