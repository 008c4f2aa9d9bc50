package pgstore

import (
	"cmp"
	"context"
	"slices"
	"time"

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

const noteColumns = `seq, tenant, id, kind, request_id, ref, recipients, team_id, status, metric, created_at`

// ClaimNotifications implements ticket.Outbox. One statement picks the
// tenant's claimable rows in seq order, locking them and skipping rows
// another transaction is claiming (FOR UPDATE SKIP LOCKED), and sets their
// lease; the lease condition is checked again on the locked row, so a row
// another claimer leased after this statement's snapshot is left out. Two
// claimers therefore never get the same row while its lease runs.
func (s *Store) ClaimNotifications(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]ticket.Notification, error) {
	if limit <= 0 || !storable(tenant) {
		return nil, nil
	}
	var out []*seqNote
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var rows pgx.Rows
		var err error
		if lease <= 0 {
			rows, err = tx.Query(ctx, `SELECT `+noteColumns+` FROM ticket_outbox
				WHERE tenant = $1 AND claimed_until <= $2 ORDER BY seq LIMIT $3`,
				tenant, utc(now), limit)
		} else {
			// MATERIALIZED: the rows are picked once; a locking subquery
			// the planner folds into the UPDATE may be run again per row,
			// see this statement's own leases and pick rows past limit.
			rows, err = tx.Query(ctx, `WITH picked AS MATERIALIZED (
					SELECT id FROM ticket_outbox
					WHERE tenant = $1 AND claimed_until <= $2
					ORDER BY seq LIMIT $4
					FOR UPDATE SKIP LOCKED)
				UPDATE ticket_outbox o SET claimed_until = $3
				FROM picked
				WHERE o.tenant = $1 AND o.id = picked.id AND o.claimed_until <= $2
				RETURNING o.seq, o.tenant, o.id, o.kind, o.request_id, o.ref, o.recipients,
					o.team_id, o.status, o.metric, o.created_at`,
				tenant, utc(now), utc(now.Add(lease)), limit)
		}
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, scanSeqNote)
		return err
	})
	if err != nil {
		return nil, err
	}
	// RETURNING keeps no order: put the batch back in creation order.
	slices.SortFunc(out, func(a, b *seqNote) int { return cmp.Compare(a.seq, b.seq) })
	notes := make([]ticket.Notification, len(out))
	for i, n := range out {
		notes[i] = n.n
	}
	return notes, nil
}

// seqNote is an outbox row: a notification and its place in the outbox.
type seqNote struct {
	seq int64
	n   ticket.Notification
}

func scanSeqNote(row pgx.CollectableRow) (*seqNote, error) {
	var sn seqNote
	var recipients []string
	n := &sn.n
	err := row.Scan(&sn.seq, &n.Tenant, &n.ID, &n.Kind, &n.RequestID, &n.Ref, &recipients, &n.Team, &n.Status, &n.Metric, &n.CreatedAt)
	if err != nil {
		return nil, err
	}
	if len(recipients) > 0 {
		n.Recipients = recipients
	}
	n.CreatedAt = n.CreatedAt.UTC()
	return &sn, nil
}

// AckNotification implements ticket.Outbox: the delivered row is deleted;
// no row (acknowledged already, unknown, another tenant's) is not an
// error.
func (s *Store) AckNotification(ctx context.Context, tenant, id string) error {
	if !storable(tenant, id) {
		return nil
	}
	_, err := s.pool.Exec(ctx, `DELETE FROM ticket_outbox WHERE tenant = $1 AND id = $2`, tenant, id)
	return translate(err)
}
