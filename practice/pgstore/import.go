package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/sportello/sportello/practice"
)

// importColumns are the practice_practices columns in rowArgs' order.
var importColumns = []string{"tenant", "id", "service", "owner_id", "owner_fiscal_code", "owner_provider", "related",
	"data", "status", "assignee", "office", "integrations", "outcome", "payments", "protocol_number", "protocols",
	"idempotency_key", "created_at", "updated_at", "submitted_at", "status_changed_at", "owner_name", "paid", "search", "version"}

var historyColumns = []string{"tenant", "practice_id", "seq", "at", "from_status", "to_status", "event", "operator", "office", "message_id"}

var messageColumns = []string{"tenant", "practice_id", "seq", "id", "author", "author_kind", "visibility", "subject", "body", "attachments", "created_at"}

// Import implements practice.ImportStore in one transaction: one query
// finds the pratiche of the batch the tenant already has (by ID or
// idempotency key), then COPY writes the others' rows, history and
// messages.
func (s *Store) Import(ctx context.Context, tenant string, ps []*practice.Practice) ([]bool, error) {
	rows := make([][]any, 0, len(ps))
	var history, messages [][]any
	for _, p := range ps {
		args, err := rowArgs(p)
		if err != nil {
			return nil, err
		}
		args[0] = tenant
		rows = append(rows, append(args, int64(1)))
		for i, h := range p.History {
			history = append(history, []any{tenant, string(p.ID), int32(i), h.At.UTC(), int32(h.From), int32(h.To),
				eventName(h.Event), h.Operator, h.Office, h.MessageID})
		}
		for i, m := range p.Messages {
			a, err := jsonText(nonNil(encodeAttachments(m.Attachments)))
			if err != nil {
				return nil, err
			}
			messages = append(messages, []any{tenant, string(p.ID), int32(i), m.ID, m.Author, int16(m.AuthorKind),
				string(m.Visibility), m.Subject, m.Text, a, m.CreatedAt.UTC()})
		}
	}
	ids := make([]string, len(ps))
	var idem []string
	for i, p := range ps {
		ids[i] = string(p.ID)
		if p.IdempotencyKey != "" {
			idem = append(idem, p.IdempotencyKey)
		}
	}
	created := make([]bool, len(ps))
	err := s.tx(ctx, func(tx pgx.Tx) error {
		// The pratiche the tenant already has (by ID or idempotency key)
		// are left out; the others are copied straight into the tables.
		// A concurrent import of the same pratiche makes the copy fail on
		// a unique constraint: nothing is written, and running the same
		// call again skips what the other one created.
		taken, err := tx.Query(ctx, `SELECT id, COALESCE(idempotency_key, '') FROM practice_practices
			WHERE tenant = $1 AND (id = ANY($2) OR idempotency_key = ANY($3))`, tenant, ids, nonNil(idem))
		if err != nil {
			return err
		}
		haveID, haveKey := map[string]bool{}, map[string]bool{}
		var id, key string
		if _, err := pgx.ForEachRow(taken, []any{&id, &key}, func() error {
			haveID[id], haveKey[key] = true, true
			return nil
		}); err != nil {
			return err
		}
		var newRows, newHistory, newMessages [][]any
		h, m := 0, 0
		for i, p := range ps {
			created[i] = !haveID[string(p.ID)] && (p.IdempotencyKey == "" || !haveKey[p.IdempotencyKey])
			if created[i] {
				newRows = append(newRows, rows[i])
				newHistory = append(newHistory, history[h:h+len(p.History)]...)
				newMessages = append(newMessages, messages[m:m+len(p.Messages)]...)
			}
			h, m = h+len(p.History), m+len(p.Messages)
		}
		for _, part := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"practice_practices", importColumns, newRows},
			{"practice_history", historyColumns, newHistory},
			{"practice_messages", messageColumns, newMessages},
		} {
			if len(part.rows) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{part.table}, part.cols, pgx.CopyFromRows(part.rows)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return created, nil
}
