package pgstore

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/outbox/pgoutbox"
	"github.com/sportello/sportello/internal/pgtx"
	"github.com/sportello/sportello/practice"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a PostgreSQL practice.Store. It is safe for concurrent use, and
// many Stores (in many processes) may share one database.
type Store struct {
	pool *pgxpool.Pool
}

var _ practice.Store = (*Store)(nil)

// New applies the schema migrations (safe to run from many processes at
// once) and returns a Store over pool. The pool stays the caller's to close.
func New(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	if err := pgtx.Open(ctx, pool, "practice/pgstore", "practice", migrations, "migrations"); err != nil {
		return nil, err
	}
	return &Store{pool: pool}, nil
}

// tx runs fn in a transaction, retrying on SQLSTATE 40001 and 40P01, and
// translates driver errors into practice errors. fn may run more than once.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return translate(pgtx.Run(ctx, s.pool, fn))
}

// constraintField names the unique field each constraint guards.
var constraintField = map[string]string{
	"practice_services_pkey":             "id",
	"practice_practices_pkey":            "id",
	"practice_practices_idempotency_key": "idempotency_key",
	"practice_outbox_pkey":               "notification_id",
}

// errEncode reports form data that JSON cannot hold (NaN, infinities,
// channels...): the caller's mistake, so it matches practice.ErrValidation
// (the Desk refuses such data before calling the store). The message
// names no value.
var errEncode = &practice.ValidationError{Fields: []practice.FieldError{{Field: "data", Rule: "json",
	Message: "must be representable as JSON"}}}

// errUnreadable is the error of a stored value this version cannot read:
// a storage failure, so it matches practice.ErrUnavailable; errCorrupt
// names the value.
var errUnreadable = fmt.Errorf("%w: practice/pgstore: unreadable stored value", practice.ErrUnavailable)

// errCorrupt reports a stored value this version cannot read.
func errCorrupt(what string) error {
	return fmt.Errorf("%w (%s)", errUnreadable, what)
}

// translate turns driver errors into practice errors; practice errors,
// this package's own (errEncode, errCorrupt) and context errors pass
// through, and every other failure (another SQLSTATE, a refused or broken
// connection) matches practice.ErrUnavailable. No pgx type leaves the
// package, and no driver detail (which may quote values or connection
// details) reaches the message.
func translate(err error) error { return translator.Translate(err) }

// translator holds this store's constraint names and pass-through errors.
var translator = pgtx.Translator{
	Name:        "practice/pgstore",
	Constraints: constraintField,
	Conflict:    func(f string) error { return &practice.ConflictError{Field: f} },
	NotFound:    practice.ErrNotFound,
	Keep:        []error{practice.ErrNotFound, practice.ErrConflict, errEncode, errUnreadable},
	Unavailable: practice.ErrUnavailable,
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nonNil maps nil to an empty slice, for NOT NULL array and JSON values.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func emptyNil(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func statusCodes(ss []practice.Status) []int32 {
	out := make([]int32, len(ss))
	for i, s := range ss {
		out[i] = int32(s)
	}
	return out
}

// Services.

const serviceColumns = `tenant, id, name, office, status, workflow, payment, payment_amount::text, payment_reason,
	protocol_required, allow_integration_request, allow_withdraw, allow_reopening, allow_status_change,
	max_response_days, required_level, templates, created_at, updated_at, version`

func serviceArgs(s *practice.Service) ([]any, error) {
	templates, err := jsonText(encodeTemplates(s.Templates))
	if err != nil {
		return nil, err
	}
	return []any{s.Tenant, s.ID, s.Name, s.Office, string(s.Status), string(s.Workflow), string(s.Payment),
		s.PaymentAmount.String(), s.PaymentReason, s.ProtocolRequired, s.AllowIntegrationRequest, s.AllowWithdraw,
		s.AllowReopening, s.AllowStatusChange, s.MaxResponseDays, int16(s.RequiredLevel), templates,
		s.CreatedAt.UTC(), s.UpdatedAt.UTC()}, nil
}

// scanService reads a row of serviceColumns. A driver error is returned as
// it is: callers translate.
func scanService(row pgx.Row) (*practice.Service, error) {
	var s practice.Service
	var status, workflow, pay, amount string
	var level int16
	var templates []byte
	err := row.Scan(&s.Tenant, &s.ID, &s.Name, &s.Office, &status, &workflow, &pay, &amount, &s.PaymentReason,
		&s.ProtocolRequired, &s.AllowIntegrationRequest, &s.AllowWithdraw, &s.AllowReopening, &s.AllowStatusChange,
		&s.MaxResponseDays, &level, &templates, &s.CreatedAt, &s.UpdatedAt, &s.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, practice.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	s.Status, s.Workflow, s.Payment = practice.ServiceStatus(status), practice.Workflow(workflow), practice.PaymentMode(pay)
	s.RequiredLevel = auth.Level(level)
	if s.PaymentAmount, err = decimal.NewFromString(amount); err != nil {
		return nil, errCorrupt("service amount")
	}
	var ts map[string]templateJSON
	if err := json.Unmarshal(templates, &ts); err != nil {
		return nil, errCorrupt("service templates")
	}
	if s.Templates, err = decodeTemplates(ts); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = utc(s.CreatedAt), utc(s.UpdatedAt)
	return &s, nil
}

// CreateService implements practice.ServiceStore.
func (s *Store) CreateService(ctx context.Context, svc *practice.Service) error {
	args, err := serviceArgs(svc)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO practice_services (tenant, id, name, office, status, workflow, payment,
		payment_amount, payment_reason, protocol_required, allow_integration_request, allow_withdraw, allow_reopening,
		allow_status_change, max_response_days, required_level, templates, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::numeric, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1)`, args...)
	if err != nil {
		return translate(err)
	}
	svc.Version = 1
	return nil
}

// GetService implements practice.ServiceStore.
func (s *Store) GetService(ctx context.Context, tenant, id string) (*practice.Service, error) {
	svc, err := scanService(s.pool.QueryRow(ctx, `SELECT `+serviceColumns+` FROM practice_services
		WHERE tenant = $1 AND id = $2`, tenant, id))
	return svc, translate(err)
}

// UpdateService implements practice.ServiceStore.
func (s *Store) UpdateService(ctx context.Context, svc *practice.Service) error {
	args, err := serviceArgs(svc)
	if err != nil {
		return err
	}
	args = append(args, svc.Version)
	tag, err := s.pool.Exec(ctx, `UPDATE practice_services SET name = $3, office = $4, status = $5, workflow = $6,
		payment = $7, payment_amount = $8::text::numeric, payment_reason = $9, protocol_required = $10,
		allow_integration_request = $11, allow_withdraw = $12, allow_reopening = $13, allow_status_change = $14,
		max_response_days = $15, required_level = $16, templates = $17, created_at = $18, updated_at = $19,
		version = version + 1
		WHERE tenant = $1 AND id = $2 AND version = $20`, args...)
	if err != nil {
		return translate(err)
	}
	if tag.RowsAffected() == 0 {
		return translate(missingOrStale(ctx, s.pool, "practice_services", svc.Tenant, svc.ID))
	}
	svc.Version++
	return nil
}

// rowQuerier is what *pgxpool.Pool and pgx.Tx share for reading one row.
type rowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// missingOrStale tells why a version-guarded write to table (a constant of
// this package) matched no row: ErrNotFound if the record (tenant, id) is
// gone, a version conflict if it is there. A driver error is returned as
// it is: inside a transaction, retrying needs its SQLSTATE.
func missingOrStale(ctx context.Context, db rowQuerier, table, tenant, id string) error {
	var ok bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE tenant = $1 AND id = $2)`,
		tenant, id).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return practice.ErrNotFound
	}
	return &practice.ConflictError{Field: "version"}
}

// ListServices implements practice.ServiceStore.
func (s *Store) ListServices(ctx context.Context, tenant, after string, limit int) ([]*practice.Service, error) {
	if limit == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT `+serviceColumns+` FROM practice_services
		WHERE tenant = $1 AND id > $2 ORDER BY id LIMIT $3`, tenant, after, sqlLimit(limit))
	if err != nil {
		return nil, translate(err)
	}
	return collect(rows, scanService)
}

// collect reads every row with scan (pgx.CollectRows closes rows) and
// translates the driver's errors.
func collect[T any](rows pgx.Rows, scan func(pgx.Row) (T, error)) ([]T, error) {
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) { return scan(row) })
	return out, translate(err)
}

// sqlLimit maps a negative limit (no limit) to NULL, which LIMIT ignores.
func sqlLimit(limit int) *int {
	if limit < 0 {
		return nil
	}
	return &limit
}

// Outbox.

func insertNotes(ctx context.Context, tx pgx.Tx, notes []practice.Notification) error {
	if len(notes) == 0 {
		return nil
	}
	// One statement; WITH ORDINALITY keeps the given order in seq.
	n := len(notes)
	tenants, ids, kinds, pids, services, recipients, subjects, bodies := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	statuses := make([]int32, n)
	created := make([]time.Time, n)
	for i, x := range notes {
		tenants[i], ids[i], kinds[i], pids[i], services[i] = x.Tenant, x.ID, string(x.Kind), string(x.Practice), x.Service
		recipients[i], subjects[i], bodies[i] = x.Recipient, x.Subject, x.Body
		statuses[i], created[i] = int32(x.Status), x.CreatedAt.UTC()
	}
	_, err := tx.Exec(ctx, `INSERT INTO practice_outbox (tenant, id, kind, practice_id, service, status, recipient, subject, body, created_at)
		SELECT t, i, k, p, s, st, r, su, b, c
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
			WITH ORDINALITY AS n(t, i, k, p, s, st, r, su, b, c, ord)
		ORDER BY ord`, tenants, ids, kinds, pids, services, statuses, recipients, subjects, bodies, created)
	return err
}

// outboxTable is practice_outbox as internal/outbox/pgoutbox reads it: a
// pratica's notifications wait behind its earlier ones, in saving order
// (seq).
var outboxTable = pgoutbox.Table{
	Name:    "practice_outbox",
	Record:  "practice_id",
	Columns: "tenant, id, kind, practice_id, service, status, recipient, subject, body, created_at",
}

// scanNote reads one row of outboxTable.Columns.
func scanNote(row pgx.CollectableRow) (practice.Notification, error) {
	var n practice.Notification
	var kind, pid string
	var status int32
	if err := row.Scan(&n.Tenant, &n.ID, &kind, &pid, &n.Service, &status, &n.Recipient, &n.Subject, &n.Body, &n.CreatedAt); err != nil {
		return practice.Notification{}, err
	}
	n.Kind, n.Practice, n.Status, n.CreatedAt = practice.NotificationKind(kind), practice.ID(pid), practice.Status(status), utc(n.CreatedAt)
	return n, nil
}

// ClaimNotifications implements practice.Outbox with pgoutbox's claim, one
// statement that is a transaction of its own: it picks the claimable rows
// once, skipping rows another claim has locked (FOR UPDATE SKIP LOCKED),
// and re-checks each one's lease and its pratica's earlier rows as it
// leases it, so two claimers, in any processes, never get the same
// notification while its lease runs, nor split one pratica's
// notifications.
func (s *Store) ClaimNotifications(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]practice.Notification, error) {
	var out []practice.Notification
	err := pgtx.Retry(ctx, func() error {
		var err error
		out, err = pgoutbox.Claim(ctx, s.pool, outboxTable, tenant, now, lease, limit, scanNote)
		return err
	})
	return out, translate(err)
}

// AckNotification implements practice.Outbox: the acknowledged row is
// deleted; an unknown ID, or another tenant's, deletes nothing.
func (s *Store) AckNotification(ctx context.Context, tenant, id string) error {
	return translate(pgtx.Retry(ctx, func() error { return pgoutbox.Ack(ctx, s.pool, outboxTable, tenant, id) }))
}
