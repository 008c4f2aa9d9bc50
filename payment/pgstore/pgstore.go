package pgstore

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/internal/outbox/pgoutbox"
	"github.com/sportello/sportello/internal/pgtx"
	"github.com/sportello/sportello/payment"
)

//go:embed migrations/*.sql
var migrations embed.FS

// component is the name under which pgmigrate records this schema.
const component = "payment"

// Store is a PostgreSQL payment.Store. It is safe for concurrent use, and
// many Stores (in many processes) may share one database.
type Store struct {
	pool *pgxpool.Pool
}

var _ payment.Store = (*Store)(nil)

// New applies the schema migrations (safe to run from many processes at
// once) and returns a Store over pool. The pool stays the caller's to close.
func New(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	if err := pgtx.Open(ctx, pool, "payment/pgstore", component, migrations, "migrations"); err != nil {
		return nil, err
	}
	return &Store{pool: pool}, nil
}

// tx runs fn in a transaction, running it again after a serialization
// failure (40001) or a deadlock (40P01), and translates driver errors into
// payment errors.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return translate(pgtx.Run(ctx, s.pool, fn))
}

// retry runs fn, a single statement (its own transaction), again after a
// serialization failure or a deadlock, and translates the error it ends
// with.
func retry(ctx context.Context, fn func() error) error {
	return translate(pgtx.Retry(ctx, fn))
}

// constraintField names the payment.ConflictError field of each unique
// constraint or index of the schema.
var constraintField = map[string]string{
	"payment_records_pkey":                 "version",
	"payment_records_idempotency_key":      "idempotency_key",
	"payment_records_notice_code_key":      "notice_code",
	"payment_records_stamp_identifier_key": "stamp_identifier",
	"payment_outbox_pkey":                  "event_id",
}

// translate turns driver errors into payment errors; payment errors and
// context errors pass through. No pgx type leaves the package, and no
// driver detail (which may quote values, personal data among them) reaches
// the message.
func translate(err error) error { return translator.Translate(err) }

// translator holds this store's constraint names and pass-through errors.
var translator = pgtx.Translator{
	Name:        "payment/pgstore",
	Constraints: constraintField,
	Conflict:    func(f string) error { return &payment.ConflictError{Field: f} },
	Keep:        []error{payment.ErrNotFound, payment.ErrConflict, payment.ErrValidation, payment.ErrUnavailable},
	Unavailable: payment.ErrUnavailable,
}

// nullTime maps the zero time to NULL and any other to UTC.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// openStatuses is the SQL list of the statuses that are not final; the
// partial index payment_records_due_idx has the same predicate, so it must
// stay a literal. paymenttest's ListDue check covers every status.
const openStatuses = `('creation_pending', 'payment_pending', 'payment_started')`

// splitJSON and changeJSON are the stored shapes of the JSONB columns;
// amounts are integer cents, times UTC.
type splitJSON struct {
	Beneficiary string `json:"beneficiary"`
	AmountCents int64  `json:"amount_cents"`
	Reason      string `json:"reason"`
}

type changeJSON struct {
	At     time.Time      `json:"at"`
	From   payment.Status `json:"from"`
	To     payment.Status `json:"to"`
	Source string         `json:"source"`
	Actor  string         `json:"actor"`
}

// recordColumns lists the columns of payment_records in the order of
// recordArgs and scanRecord.
const recordColumns = `tenant, id, kind, status, amount_cents, reason, payer, subject, service,
	due_at, notice_code, iuv, receipt_paid_at, receipt_psp, receipt_id,
	link_online, link_notice, link_receipt, split, stamp_identifier, stamp_issued_at,
	note_text, note_internal, idempotency_key, created_by, created_at, updated_at, history, version`

// insertRecord and updateRecord are the statements that write a record:
// $1..$28 are recordArgs, in the order of recordColumns; the update's $29
// is the version it expects to replace.
var insertRecord, updateRecord = func() (string, string) {
	cols := strings.Split(recordColumns, ",")
	cols = cols[:len(cols)-1] // version: each statement sets its own
	params := make([]string, len(cols))
	sets := make([]string, 0, len(cols))
	for i, c := range cols {
		params[i] = "$" + strconv.Itoa(i+1)
		if i >= 2 { // tenant and id pick the row
			sets = append(sets, strings.TrimSpace(c)+" = "+params[i])
		}
	}
	insert := `INSERT INTO payment_records (` + recordColumns + `) VALUES (` + strings.Join(params, ", ") + `, 1)`
	update := `UPDATE payment_records SET ` + strings.Join(sets, ", ") + `, version = version + 1
		WHERE tenant = $1 AND id = $2 AND version = $` + strconv.Itoa(len(cols)+1)
	return insert, update
}()

// recordArgs returns p's values for recordColumns without version. It
// refuses, before any I/O, an amount that integer cents cannot hold
// exactly.
func recordArgs(p *payment.Payment) ([]any, error) {
	cents, err := payment.Cents(p.Amount)
	if err != nil {
		return nil, err
	}
	split := make([]splitJSON, len(p.Split))
	for i, sp := range p.Split {
		c, err := payment.Cents(sp.Amount)
		if err != nil {
			return nil, err
		}
		split[i] = splitJSON{Beneficiary: sp.Beneficiary, AmountCents: c, Reason: sp.Reason}
	}
	history := make([]changeJSON, len(p.History))
	for i, c := range p.History {
		history[i] = changeJSON{At: c.At.UTC(), From: c.From, To: c.To, Source: c.Source, Actor: c.Actor}
	}
	splitDoc, err := json.Marshal(split)
	if err != nil {
		return nil, err
	}
	historyDoc, err := json.Marshal(history)
	if err != nil {
		return nil, err
	}
	var paidAt *time.Time
	var psp, receiptID *string
	if r := p.Receipt; r != nil {
		paidAt, psp, receiptID = nullTime(r.PaidAt), &r.PSP, &r.ReceiptID
	}
	var stampID *string
	var issuedAt *time.Time
	if st := p.Stamp; st != nil {
		stampID, issuedAt = &st.Identifier, nullTime(st.IssuedAt)
	}
	var noteText *string
	var noteInternal *bool
	if n := p.Note; n != nil {
		noteText, noteInternal = &n.Text, &n.Internal
	}
	return []any{
		p.Tenant, string(p.ID), string(p.Kind), string(p.Status), cents, p.Reason, p.Payer, p.Subject, p.Service,
		nullTime(p.DueAt), p.NoticeCode, p.IUV, paidAt, psp, receiptID,
		p.Links.Online, p.Links.Notice, p.Links.Receipt, string(splitDoc), stampID, issuedAt,
		noteText, noteInternal, p.IdempotencyKey, p.CreatedBy, nullTime(p.CreatedAt), nullTime(p.UpdatedAt), string(historyDoc),
	}, nil
}

// readRecord reads one row of recordColumns, for pgx's collect
// functions; driver errors come back as they are.
func readRecord(row pgx.CollectableRow) (*payment.Payment, error) {
	var (
		p                                 payment.Payment
		id, kind, status                  string
		cents                             int64
		dueAt, paidAt, issuedAt           *time.Time
		createdAt, updatedAt              *time.Time
		psp, receiptID, stampID, noteText *string
		noteInternal                      *bool
		splitDoc, historyDoc              []byte
	)
	err := row.Scan(&p.Tenant, &id, &kind, &status, &cents, &p.Reason, &p.Payer, &p.Subject, &p.Service,
		&dueAt, &p.NoticeCode, &p.IUV, &paidAt, &psp, &receiptID,
		&p.Links.Online, &p.Links.Notice, &p.Links.Receipt, &splitDoc, &stampID, &issuedAt,
		&noteText, &noteInternal, &p.IdempotencyKey, &p.CreatedBy, &createdAt, &updatedAt, &historyDoc, &p.Version)
	if err != nil {
		return nil, err
	}
	p.ID, p.Kind, p.Status = payment.ID(id), payment.Kind(kind), payment.Status(status)
	p.Amount = payment.FromCents(cents)
	p.DueAt, p.CreatedAt, p.UpdatedAt = fromNull(dueAt), fromNull(createdAt), fromNull(updatedAt)
	if receiptID != nil {
		p.Receipt = &payment.Receipt{PaidAt: fromNull(paidAt), ReceiptID: *receiptID}
		if psp != nil {
			p.Receipt.PSP = *psp
		}
	}
	if stampID != nil {
		p.Stamp = &payment.Stamp{Identifier: *stampID, IssuedAt: fromNull(issuedAt)}
	}
	if noteText != nil {
		p.Note = &payment.Note{Text: *noteText, Internal: noteInternal != nil && *noteInternal}
	}
	var split []splitJSON
	if err := json.Unmarshal(splitDoc, &split); err != nil {
		return nil, fmt.Errorf("payment/pgstore: record %s: malformed split: %w", id, err)
	}
	for _, sp := range split {
		p.Split = append(p.Split, payment.Split{Beneficiary: sp.Beneficiary, Amount: payment.FromCents(sp.AmountCents), Reason: sp.Reason})
	}
	var history []changeJSON
	if err := json.Unmarshal(historyDoc, &history); err != nil {
		return nil, fmt.Errorf("payment/pgstore: record %s: malformed history: %w", id, err)
	}
	for _, c := range history {
		p.History = append(p.History, payment.Change{At: c.At.UTC(), From: c.From, To: c.To, Source: c.Source, Actor: c.Actor})
	}
	return &p, nil
}

// oneRecord collects the one row of recordColumns a query returns; no row
// is ErrNotFound. Driver errors come back as they are: inside a
// transaction, pgtx retries serialization failures before tx translates.
func oneRecord(rows pgx.Rows, err error) (*payment.Payment, error) {
	if err != nil {
		return nil, err
	}
	p, err := pgx.CollectOneRow(rows, readRecord)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, payment.ErrNotFound
	}
	return p, err
}

// getRecord is oneRecord of a query on the pool, its errors translated.
func (s *Store) getRecord(ctx context.Context, q string, args ...any) (*payment.Payment, error) {
	p, err := oneRecord(s.pool.Query(ctx, q, args...))
	return p, translate(err)
}

// listRecords collects every row of recordColumns a query on the pool
// returns, its errors translated.
func (s *Store) listRecords(ctx context.Context, q string, args ...any) ([]*payment.Payment, error) {
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	ps, err := pgx.CollectRows(rows, readRecord)
	return ps, translate(err)
}

// insertEvents saves events in tx's write, as events of tenant.
func insertEvents(ctx context.Context, tx pgx.Tx, tenant string, events []payment.Event) error {
	for _, e := range events {
		_, err := tx.Exec(ctx, `INSERT INTO payment_outbox (tenant, id, payment_id, subject, from_status, to_status, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			tenant, e.ID, string(e.PaymentID), e.Subject, string(e.From), string(e.To), e.At.UTC())
		if err != nil {
			return err
		}
	}
	return nil
}

const selectByKey = `SELECT ` + recordColumns + ` FROM payment_records WHERE tenant = $1 AND idempotency_key = $2`

// Create implements payment.Store. A record with the same idempotency key
// is found by the insert itself (ON CONFLICT on the key's unique index), so
// that of concurrent creates exactly one inserts; a create that instead
// collides on another unique value while a record with its key exists (a
// racing repeat of the same registration) returns that record too.
func (s *Store) Create(ctx context.Context, p *payment.Payment, events []payment.Event) (*payment.Payment, bool, error) {
	if p.Version != 0 {
		// As in memstore, a repeat is a repeat whatever it carries.
		if p.IdempotencyKey != "" {
			if ex, err := s.getRecord(ctx, selectByKey, p.Tenant, p.IdempotencyKey); err == nil {
				return ex, false, nil
			}
		}
		return nil, false, &payment.ConflictError{Field: "version"}
	}
	args, err := recordArgs(p)
	if err != nil {
		return nil, false, err
	}
	insert := insertRecord
	if p.IdempotencyKey != "" {
		insert += ` ON CONFLICT (tenant, idempotency_key) WHERE idempotency_key <> '' DO NOTHING`
	}
	var existing *payment.Payment
	err = s.tx(ctx, func(tx pgx.Tx) error {
		existing = nil
		tag, err := tx.Exec(ctx, insert, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			// The key is taken; under READ COMMITTED this statement sees
			// the committed record the insert waited for.
			existing, err = oneRecord(tx.Query(ctx, selectByKey, p.Tenant, p.IdempotencyKey))
			return err
		}
		return insertEvents(ctx, tx, p.Tenant, events)
	})
	if err != nil {
		if p.IdempotencyKey != "" && errors.Is(err, payment.ErrConflict) {
			if ex, ferr := s.getRecord(ctx, selectByKey, p.Tenant, p.IdempotencyKey); ferr == nil {
				return ex, false, nil
			}
		}
		return nil, false, err
	}
	if existing != nil {
		return existing, false, nil
	}
	p.Version = 1
	return p, true, nil
}

// Get implements payment.Store.
func (s *Store) Get(ctx context.Context, tenant string, id payment.ID) (*payment.Payment, error) {
	return s.getRecord(ctx, `SELECT `+recordColumns+` FROM payment_records
		WHERE tenant = $1 AND id = $2`, tenant, string(id))
}

// FindByIUV implements payment.Store. Should two records share an IUV, the
// one with the lowest ID is returned.
func (s *Store) FindByIUV(ctx context.Context, tenant, iuv string) (*payment.Payment, error) {
	if iuv == "" {
		return nil, payment.ErrNotFound
	}
	return s.getRecord(ctx, `SELECT `+recordColumns+` FROM payment_records
		WHERE tenant = $1 AND iuv = $2 AND iuv <> '' ORDER BY id LIMIT 1`, tenant, iuv)
}

// Update implements payment.Store with a version-guarded UPDATE.
func (s *Store) Update(ctx context.Context, p *payment.Payment, events []payment.Event) error {
	args, err := recordArgs(p)
	if err != nil {
		return err
	}
	err = s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, updateRecord, append(args, p.Version)...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM payment_records WHERE tenant = $1 AND id = $2)`,
				p.Tenant, string(p.ID)).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return payment.ErrNotFound
			}
			return &payment.ConflictError{Field: "version"}
		}
		return insertEvents(ctx, tx, p.Tenant, events)
	})
	if err != nil {
		return err
	}
	p.Version++
	return nil
}

// sqlLimit maps limit <= 0 (no limit) to LIMIT NULL.
func sqlLimit(limit int) *int {
	if limit <= 0 {
		return nil
	}
	return &limit
}

// List implements payment.Store.
func (s *Store) List(ctx context.Context, tenant string, f payment.Filter, after payment.ID, limit int) ([]*payment.Payment, error) {
	args := []any{tenant, string(after)}
	where := []string{"tenant = $1", "id > $2"}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, cond+" $"+strconv.Itoa(len(args)))
	}
	if f.Subject != "" {
		add("subject =", f.Subject)
	}
	if f.Payer != "" {
		add("payer =", f.Payer)
	}
	if len(f.Statuses) > 0 {
		sts := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			sts[i] = string(st)
		}
		args = append(args, sts)
		where = append(where, "status = ANY($"+strconv.Itoa(len(args))+")")
	}
	args = append(args, sqlLimit(limit))
	q := `SELECT ` + recordColumns + ` FROM payment_records WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY id LIMIT $` + strconv.Itoa(len(args))
	return s.listRecords(ctx, q, args...)
}

// ListDue implements payment.Store.
func (s *Store) ListDue(ctx context.Context, tenant string, now time.Time, after payment.ID, limit int) ([]*payment.Payment, error) {
	return s.listRecords(ctx, `SELECT `+recordColumns+` FROM payment_records
		WHERE tenant = $1 AND id > $2 AND status IN `+openStatuses+` AND due_at < $3
		ORDER BY id LIMIT $4`, tenant, string(after), now.UTC(), sqlLimit(limit))
}

// NextSequence implements payment.Store with one upsert, a transaction of
// its own: the row lock it takes orders concurrent callers, in any number
// of processes.
func (s *Store) NextSequence(ctx context.Context, tenant, name string) (uint64, error) {
	var v int64
	err := retry(ctx, func() error {
		return s.pool.QueryRow(ctx, `INSERT INTO payment_sequences (tenant, name, value) VALUES ($1, $2, 1)
			ON CONFLICT (tenant, name) DO UPDATE SET value = payment_sequences.value + 1
			RETURNING value`, tenant, name).Scan(&v)
	})
	if err != nil {
		return 0, err
	}
	return uint64(v), nil
}

// outboxTable is payment_outbox as internal/outbox/pgoutbox reads it:
// a payment's events wait behind its earlier ones, in saving order (seq).
var outboxTable = pgoutbox.Table{
	Name:    "payment_outbox",
	Record:  "payment_id",
	Columns: "tenant, id, payment_id, subject, from_status, to_status, at",
}

// scanEvent reads one row of outboxTable.Columns.
func scanEvent(row pgx.CollectableRow) (payment.Event, error) {
	var e payment.Event
	var pid, from, to string
	if err := row.Scan(&e.Tenant, &e.ID, &pid, &e.Subject, &from, &to, &e.At); err != nil {
		return payment.Event{}, err
	}
	e.PaymentID, e.From, e.To, e.At = payment.ID(pid), payment.Status(from), payment.Status(to), e.At.UTC()
	return e, nil
}

// ClaimEvents implements payment.Store with pgoutbox's claim, one
// statement that is a transaction of its own: it picks the claimable rows
// once, skipping rows another claim has locked (FOR UPDATE SKIP LOCKED),
// and re-checks each one's lease and its payment's earlier rows as it
// leases it, so two claimers, in any processes, never get the same event
// while its lease runs, nor split one payment's events.
func (s *Store) ClaimEvents(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]payment.Event, error) {
	var out []payment.Event
	err := retry(ctx, func() error {
		var err error
		out, err = pgoutbox.Claim(ctx, s.pool, outboxTable, tenant, now, lease, limit, scanEvent)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AckEvent implements payment.Store: the delivered event is deleted; no
// row of another tenant can match.
func (s *Store) AckEvent(ctx context.Context, tenant, id string) error {
	return retry(ctx, func() error { return pgoutbox.Ack(ctx, s.pool, outboxTable, tenant, id) })
}
