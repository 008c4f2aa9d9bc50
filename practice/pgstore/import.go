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

// Import implements practice.ImportStore with COPY: the batch's rows,
// history and messages are copied into temporary tables, then inserted in
// one statement each, skipping the pratiche whose ID (or idempotency
// key) the tenant already has, in one transaction.
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
	created := make([]bool, len(ps))
	err := s.tx(ctx, func(tx pgx.Tx) error {
		clear(created)
		for _, stmt := range []string{
			`CREATE TEMP TABLE practice_import (LIKE practice_practices) ON COMMIT DROP`,
			`CREATE TEMP TABLE practice_import_history (LIKE practice_history) ON COMMIT DROP`,
			`CREATE TEMP TABLE practice_import_messages (LIKE practice_messages) ON COMMIT DROP`,
		} {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"practice_import"}, importColumns, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		ids, err := tx.Query(ctx, `INSERT INTO practice_practices SELECT * FROM practice_import ON CONFLICT DO NOTHING RETURNING id`)
		if err != nil {
			return err
		}
		inserted := map[string]bool{}
		var id string
		if _, err := pgx.ForEachRow(ids, []any{&id}, func() error { inserted[id] = true; return nil }); err != nil {
			return err
		}
		for i, p := range ps {
			created[i] = inserted[string(p.ID)]
		}
		for _, part := range []struct {
			table, tmp string
			cols       []string
			rows       [][]any
		}{
			{"practice_history", "practice_import_history", historyColumns, history},
			{"practice_messages", "practice_import_messages", messageColumns, messages},
		} {
			if len(part.rows) == 0 || len(inserted) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{part.tmp}, part.cols, pgx.CopyFromRows(part.rows)); err != nil {
				return err
			}
			// Only the children of the pratiche this batch created: those
			// of a pratica already present stay as they are.
			if _, err := tx.Exec(ctx, `INSERT INTO `+part.table+` SELECT * FROM `+part.tmp+` WHERE practice_id = ANY($1)`,
				keys(inserted)); err != nil {
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

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
