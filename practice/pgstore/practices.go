package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sportello/sportello/practice"
)

// practiceSelect reads whole pratiche in one statement, so in one snapshot:
// a reader never sees a row of one version with the history or messages of
// another. The child rows come aggregated as JSON, times as microseconds.
const practiceSelect = `SELECT p.tenant, p.id, p.service, p.owner_id, p.owner_fiscal_code, p.owner_provider, p.related,
	p.data, p.status, p.assignee, p.office, p.integrations, p.outcome, p.payments, p.protocol_number, p.protocols,
	p.idempotency_key, p.created_at, p.updated_at, p.submitted_at, p.version, p.owner_name,
	(SELECT jsonb_agg(jsonb_build_object('at', (extract(epoch FROM h.at) * 1000000)::bigint, 'from', h.from_status,
			'to', h.to_status, 'event', h.event, 'operator', h.operator, 'office', h.office, 'message_id', h.message_id)
		ORDER BY h.seq)
		FROM practice_history h WHERE h.tenant = p.tenant AND h.practice_id = p.id),
	(SELECT jsonb_agg(jsonb_build_object('id', m.id, 'author', m.author, 'author_kind', m.author_kind,
			'visibility', m.visibility, 'subject', m.subject, 'body', m.body, 'attachments', m.attachments,
			'created_at', (extract(epoch FROM m.created_at) * 1000000)::bigint)
		ORDER BY m.seq)
		FROM practice_messages m WHERE m.tenant = p.tenant AND m.practice_id = p.id)
	FROM practice_practices p`

// practiceByKey reads the pratica created with an idempotency key ($2) in a
// tenant ($1).
const practiceByKey = practiceSelect + ` WHERE p.tenant = $1 AND p.idempotency_key = $2`

// scanPractice reads a row of practiceSelect. A driver error is returned as
// it is (inside a transaction, retrying needs its SQLSTATE): callers
// translate.
func scanPractice(row pgx.Row) (*practice.Practice, error) {
	var p practice.Practice
	var id, ownerID string
	var related []string
	var data, integrations, outcome, payments, protocols, history, messages []byte
	var status int32
	var idem *string
	var submitted *time.Time
	err := row.Scan(&p.Tenant, &id, &p.Service, &ownerID, &p.Owner.FiscalCode, &p.Owner.Provider, &related,
		&data, &status, &p.Assignee, &p.Office, &integrations, &outcome, &payments, &p.ProtocolNumber, &protocols,
		&idem, &p.CreatedAt, &p.UpdatedAt, &submitted, &p.Version, &p.Owner.Name, &history, &messages)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, practice.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	p.ID, p.Owner.ID, p.Status, p.Related = practice.ID(id), ownerID, practice.Status(status), emptyNil(related)
	if idem != nil {
		p.IdempotencyKey = *idem
	}
	p.CreatedAt, p.UpdatedAt = utc(p.CreatedAt), utc(p.UpdatedAt)
	if submitted != nil {
		p.SubmittedAt = utc(*submitted)
	}
	if data != nil {
		if err := json.Unmarshal(data, &p.Data); err != nil {
			return nil, errCorrupt("form data")
		}
		if len(p.Data) == 0 {
			p.Data = nil
		}
	}
	var ij []integrationJSON
	var oj *outcomeJSON
	var pj []paymentJSON
	var rj []protocolJSON
	var hj []historyJSON
	var mj []messageJSON
	for _, part := range []struct {
		raw  []byte
		into any
		name string
	}{
		{integrations, &ij, "integrations"}, {outcome, &oj, "outcome"}, {payments, &pj, "payments"},
		{protocols, &rj, "protocols"}, {history, &hj, "history"}, {messages, &mj, "messages"},
	} {
		if part.raw == nil {
			continue
		}
		if err := json.Unmarshal(part.raw, part.into); err != nil {
			return nil, errCorrupt(part.name)
		}
	}
	p.Integrations, p.Outcome, p.Payments, p.Protocols = decodeIntegrations(ij), decodeOutcome(oj), decodePayments(pj), decodeProtocols(rj)
	if p.History, err = decodeHistory(hj); err != nil {
		return nil, err
	}
	p.Messages = decodeMessages(mj)
	return &p, nil
}

// rowArgs are the values of the practice_practices columns from $3 on
// ($1 tenant, $2 id).
func rowArgs(p *practice.Practice) ([]any, error) {
	var data *string
	if p.Data != nil {
		d, err := jsonText(p.Data)
		if err != nil {
			return nil, err
		}
		data = &d
	}
	var outcome *string
	if o := encodeOutcome(p.Outcome); o != nil {
		d, err := jsonText(o)
		if err != nil {
			return nil, err
		}
		outcome = &d
	}
	integrations, err := jsonText(encodeIntegrations(p.Integrations))
	if err != nil {
		return nil, err
	}
	payments, err := jsonText(encodePayments(p.Payments))
	if err != nil {
		return nil, err
	}
	protocols, err := jsonText(encodeProtocols(p.Protocols))
	if err != nil {
		return nil, err
	}
	sum := p.Summary()
	return []any{
		p.Tenant, string(p.ID), // $1, $2
		p.Service, p.Owner.ID, p.Owner.FiscalCode, p.Owner.Provider, nonNil(p.Related), // $3-$7
		data, int32(p.Status), p.Assignee, p.Office, integrations, outcome, payments, // $8-$14
		p.ProtocolNumber, protocols, nullString(p.IdempotencyKey), // $15-$17
		p.CreatedAt.UTC(), p.UpdatedAt.UTC(), nullTime(p.SubmittedAt), // $18-$20
		p.LastStatusChange().UTC(),                       // $21: the zero time for none, as the column's default
		p.Owner.Name, sum.Paid, practice.SearchText(sum), // $22-$24
	}, nil
}

// writeChildren makes the stored history and messages of the pratica
// those of p, one statement per step whatever the number of entries. The
// entries are upserted by position and only the changed rows are written:
// history and messages only grow, so an update normally inserts its new
// entries and leaves the others untouched. Entries past the new end are
// deleted (every field is replaced, as the Store contract says).
func writeChildren(ctx context.Context, tx pgx.Tx, p *practice.Practice, update bool) error {
	if update {
		if _, err := tx.Exec(ctx, `DELETE FROM practice_history WHERE tenant = $1 AND practice_id = $2 AND seq >= $3`,
			p.Tenant, string(p.ID), len(p.History)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM practice_messages WHERE tenant = $1 AND practice_id = $2 AND seq >= $3`,
			p.Tenant, string(p.ID), len(p.Messages)); err != nil {
			return err
		}
	}
	if n := len(p.History); n > 0 {
		at := make([]time.Time, n)
		from, to := make([]int32, n), make([]int32, n)
		events, operators, offices, messageIDs := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		for i, h := range p.History {
			at[i], from[i], to[i] = h.At.UTC(), int32(h.From), int32(h.To)
			events[i], operators[i], offices[i], messageIDs[i] = eventName(h.Event), h.Operator, h.Office, h.MessageID
		}
		_, err := tx.Exec(ctx, `INSERT INTO practice_history AS o (tenant, practice_id, seq, at, from_status, to_status, event, operator, office, message_id)
			SELECT $1, $2, (h.ord - 1)::integer, h.at, h.f, h.t, h.e, h.op, h.off, h.m
			FROM unnest($3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[])
				WITH ORDINALITY AS h(at, f, t, e, op, off, m, ord)
			ON CONFLICT ON CONSTRAINT practice_history_pkey DO UPDATE SET at = EXCLUDED.at, from_status = EXCLUDED.from_status,
				to_status = EXCLUDED.to_status, event = EXCLUDED.event, operator = EXCLUDED.operator, office = EXCLUDED.office,
				message_id = EXCLUDED.message_id
			WHERE (o.at, o.from_status, o.to_status, o.event, o.operator, o.office, o.message_id)
				IS DISTINCT FROM (EXCLUDED.at, EXCLUDED.from_status, EXCLUDED.to_status, EXCLUDED.event, EXCLUDED.operator,
					EXCLUDED.office, EXCLUDED.message_id)`,
			p.Tenant, string(p.ID), at, from, to, events, operators, offices, messageIDs)
		if err != nil {
			return err
		}
	}
	if n := len(p.Messages); n > 0 {
		ids, authors, vis, subjects, bodies, atts := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		kinds := make([]int16, n)
		created := make([]time.Time, n)
		for i, m := range p.Messages {
			a, err := jsonText(nonNil(encodeAttachments(m.Attachments)))
			if err != nil {
				return err
			}
			ids[i], authors[i], kinds[i], vis[i], subjects[i], bodies[i], atts[i], created[i] =
				m.ID, m.Author, int16(m.AuthorKind), string(m.Visibility), m.Subject, m.Text, a, m.CreatedAt.UTC()
		}
		_, err := tx.Exec(ctx, `INSERT INTO practice_messages AS o (tenant, practice_id, seq, id, author, author_kind, visibility, subject, body, attachments, created_at)
			SELECT $1, $2, (m.ord - 1)::integer, m.id, m.a, m.k, m.v, m.s, m.b, m.att::jsonb, m.c
			FROM unnest($3::text[], $4::text[], $5::smallint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
				WITH ORDINALITY AS m(id, a, k, v, s, b, att, c, ord)
			ON CONFLICT ON CONSTRAINT practice_messages_pkey DO UPDATE SET id = EXCLUDED.id, author = EXCLUDED.author,
				author_kind = EXCLUDED.author_kind, visibility = EXCLUDED.visibility, subject = EXCLUDED.subject,
				body = EXCLUDED.body, attachments = EXCLUDED.attachments, created_at = EXCLUDED.created_at
			WHERE (o.id, o.author, o.author_kind, o.visibility, o.subject, o.body, o.attachments, o.created_at)
				IS DISTINCT FROM (EXCLUDED.id, EXCLUDED.author, EXCLUDED.author_kind, EXCLUDED.visibility, EXCLUDED.subject,
					EXCLUDED.body, EXCLUDED.attachments, EXCLUDED.created_at)`,
			p.Tenant, string(p.ID), ids, authors, kinds, vis, subjects, bodies, atts, created)
		if err != nil {
			return err
		}
	}
	return nil
}

// Create implements practice.PracticeStore. The idempotency key is guarded
// by a unique constraint: of concurrent creators with one key, the first
// inserts and the others, waiting on the constraint, read its pratica.
func (s *Store) Create(ctx context.Context, p *practice.Practice, notes []practice.Notification) (*practice.Practice, bool, error) {
	args, err := rowArgs(p)
	if err != nil {
		return nil, false, err
	}
	var existing *practice.Practice
	err = s.tx(ctx, func(tx pgx.Tx) error {
		existing = nil
		tag, err := tx.Exec(ctx, `INSERT INTO practice_practices (tenant, id, service, owner_id, owner_fiscal_code, owner_provider,
			related, data, status, assignee, office, integrations, outcome, payments, protocol_number, protocols,
			idempotency_key, created_at, updated_at, submitted_at, status_changed_at, owner_name, paid, search, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, 1)
			ON CONFLICT ON CONSTRAINT practice_practices_idempotency_key DO NOTHING`, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			// The key is taken (by a committed pratica: ON CONFLICT waited
			// for any creator still in flight). Nothing is written.
			existing, err = scanPractice(tx.QueryRow(ctx, practiceByKey, p.Tenant, p.IdempotencyKey))
			return err
		}
		if err := writeChildren(ctx, tx, p, false); err != nil {
			return err
		}
		return insertNotes(ctx, tx, notes)
	})
	if err != nil && p.IdempotencyKey != "" && isUniqueViolation(err, "practice_practices_pkey") {
		// A creator with the same ID and key committed between our check
		// of the key and our insert: the call was a repeat.
		found, ferr := scanPractice(s.pool.QueryRow(ctx, practiceByKey, p.Tenant, p.IdempotencyKey))
		if ferr == nil {
			return found, false, nil
		}
	}
	if err != nil {
		return nil, false, err
	}
	if existing != nil {
		return existing, false, nil
	}
	p.Version = 1
	return p, true, nil
}

func isUniqueViolation(err error, constraint string) bool {
	var ce *practice.ConflictError
	return errors.As(err, &ce) && ce.Field == constraintField[constraint]
}

// Get implements practice.PracticeStore.
func (s *Store) Get(ctx context.Context, tenant string, id practice.ID) (*practice.Practice, error) {
	p, err := scanPractice(s.pool.QueryRow(ctx, practiceSelect+` WHERE p.tenant = $1 AND p.id = $2`, tenant, string(id)))
	return p, translate(err)
}

// Update implements practice.PracticeStore. The guarded UPDATE takes the
// row lock: a concurrent writer of the same version waits, then finds the
// version changed and matches no row.
func (s *Store) Update(ctx context.Context, p *practice.Practice, notes []practice.Notification) error {
	args, err := rowArgs(p)
	if err != nil {
		return err
	}
	args = append(args, p.Version)
	err = s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE practice_practices SET service = $3, owner_id = $4, owner_fiscal_code = $5,
			owner_provider = $6, related = $7, data = $8, status = $9, assignee = $10, office = $11, integrations = $12,
			outcome = $13, payments = $14, protocol_number = $15, protocols = $16, idempotency_key = $17,
			created_at = $18, updated_at = $19, submitted_at = $20, status_changed_at = $21, owner_name = $22, paid = $23,
			search = $24, version = version + 1
			WHERE tenant = $1 AND id = $2 AND version = $25`, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return missingOrStale(ctx, tx, "practice_practices", p.Tenant, string(p.ID))
		}
		if err := writeChildren(ctx, tx, p, true); err != nil {
			return err
		}
		return insertNotes(ctx, tx, notes)
	})
	if err != nil {
		return err
	}
	p.Version++
	return nil
}

// Delete implements practice.PracticeStore. History and messages go with
// the row (ON DELETE CASCADE), and so does the idempotency key.
func (s *Store) Delete(ctx context.Context, tenant string, id practice.ID, version int64, notes []practice.Notification) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM practice_practices WHERE tenant = $1 AND id = $2 AND version = $3`,
			tenant, string(id), version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return missingOrStale(ctx, tx, "practice_practices", tenant, string(id))
		}
		return insertNotes(ctx, tx, notes)
	})
}

// query builds a listing's WHERE clause with numbered arguments.
type query struct {
	where []string
	args  []any
	// fence makes the office listing select its rows before sorting them
	// (see crossRange).
	fence bool
}

// arg adds v and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *query) and(cond string) { q.where = append(q.where, cond) }

// ListForCitizen implements practice.PracticeStore. Owned pratiche come
// through the (tenant, owner_id, id) index, related ones through the GIN
// index on related.
func (s *Store) ListForCitizen(ctx context.Context, tenant string, f practice.CitizenFilter, after practice.ID, limit int) ([]*practice.Practice, error) {
	var q query
	q.and("p.tenant = " + q.arg(tenant))
	// Placeholders are made only for the conditions used: PostgreSQL
	// cannot type an unused parameter.
	owned := func() string {
		if f.OwnerID == "" {
			return "FALSE"
		}
		return "p.owner_id = " + q.arg(f.OwnerID)
	}
	related := func() string {
		if f.FiscalCode == "" {
			return "FALSE"
		}
		return "p.related @> ARRAY[" + q.arg(f.FiscalCode) + "::text]"
	}
	switch f.Scope {
	case practice.ScopeOwned:
		q.and(owned())
	case practice.ScopeRelated:
		q.and(related())
		if f.OwnerID != "" {
			q.and("p.owner_id <> " + q.arg(f.OwnerID))
		}
	default:
		q.and("(" + owned() + " OR " + related() + ")")
	}
	if len(f.Statuses) > 0 {
		q.and("p.status = ANY(" + q.arg(statusCodes(f.Statuses)) + "::int[])")
	}
	return s.list(ctx, &q, after, limit)
}

func (s *Store) list(ctx context.Context, q *query, after practice.ID, limit int) ([]*practice.Practice, error) {
	if limit == 0 {
		return nil, nil
	}
	q.and("p.id > " + q.arg(string(after)))
	return s.query(ctx, q, "p.id", limit)
}

// query runs a listing: the WHERE clause of q, the given ORDER BY, limit
// (negative: none).
func (s *Store) query(ctx context.Context, q *query, order string, limit int) ([]*practice.Practice, error) {
	sql := practiceSelect + " WHERE " + strings.Join(q.where, " AND ") + " ORDER BY " + order + " LIMIT " + q.arg(sqlLimit(limit))
	rows, err := s.pool.Query(ctx, sql, q.args...)
	if err != nil {
		return nil, translate(err)
	}
	return collect(rows, scanPractice)
}
