package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/calendar"
	"github.com/sportello/sportello/internal/outbox/pgoutbox"
	"github.com/sportello/sportello/internal/pgtx"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a PostgreSQL appointment.Store. It is safe for concurrent use,
// and any number of Stores (in any number of processes) may share a
// database.
type Store struct {
	pool *pgxpool.Pool
}

var _ appointment.Store = (*Store)(nil)

// New applies the schema migrations and returns a Store over pool. The
// pool stays the caller's to close.
func New(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	if err := pgtx.Open(ctx, pool, "appointment/pgstore", "appointment", migrations, "migrations"); err != nil {
		return nil, err
	}
	return &Store{pool: pool}, nil
}

var translator = pgtx.Translator{
	Name: "appointment/pgstore",
	Constraints: map[string]string{
		"appointment_bookings_pkey":         "id",
		"appointment_bookings_practice_key": "practice_id",
		"appointment_outbox_pkey":           "notification_id",
	},
	Conflict:    func(f string) error { return &appointment.ConflictError{Field: f} },
	Keep:        []error{appointment.ErrNotFound, appointment.ErrConflict, appointment.ErrValidation},
	Unavailable: appointment.ErrUnavailable,
}

func translate(err error) error { return translator.Translate(err) }

// tx runs fn in a transaction, retrying serialization failures and
// deadlocks, and translates driver errors.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return translate(pgtx.Run(ctx, s.pool, fn))
}

// utc returns t in UTC to the microsecond, what timestamptz keeps.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := utc(t)
	return &u
}

func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

const bookingColumns = `tenant, id, calendar_id, opening_hour, start_at, end_at, status, citizen_id, fiscal_code,
	name, email, phone, notes, video_link, motivation, practice_id, reschedules, draft_expires,
	cancel_token_hash, created_by, created_at, updated_at, version`

func bookingArgs(b *appointment.Booking) []any {
	return []any{b.Tenant, string(b.ID), string(b.Calendar), b.OpeningHour, utc(b.Start), utc(b.End), int16(b.Status),
		b.CitizenID, b.FiscalCode, b.Name, b.Email, b.Phone, b.Notes, b.VideoLink, b.Motivation, b.PracticeID,
		b.Reschedules, nullTime(b.DraftExpires), b.CancelTokenHash, b.CreatedBy, nullTime(b.Created), nullTime(b.Updated)}
}

func scanBooking(row pgx.CollectableRow) (*appointment.Booking, error) {
	var b appointment.Booking
	var status int16
	var expires, created, updated *time.Time
	err := row.Scan(&b.Tenant, &b.ID, &b.Calendar, &b.OpeningHour, &b.Start, &b.End, &status, &b.CitizenID, &b.FiscalCode,
		&b.Name, &b.Email, &b.Phone, &b.Notes, &b.VideoLink, &b.Motivation, &b.PracticeID, &b.Reschedules, &expires,
		&b.CancelTokenHash, &b.CreatedBy, &created, &updated, &b.Version)
	if err != nil {
		return nil, err
	}
	b.Status = appointment.Status(status)
	b.Start, b.End = b.Start.UTC(), b.End.UTC()
	b.DraftExpires, b.Created, b.Updated = fromNull(expires), fromNull(created), fromNull(updated)
	if len(b.CancelTokenHash) == 0 {
		b.CancelTokenHash = nil
	}
	return &b, nil
}

// lockSQL takes the lock rows a capacity decision depends on: the day's,
// then (when $5 is not NULL) the citizen's. The upsert locks each row
// until commit; rows are taken in VALUES order, day first, so two
// transactions never wait for each other in a cycle.
const lockSQL = `INSERT INTO appointment_locks (tenant, calendar_id, key)
	SELECT $1, $2, k FROM unnest(ARRAY[$3::text, $4::text]) WITH ORDINALITY AS l(k, n) WHERE k IS NOT NULL ORDER BY n
	ON CONFLICT (tenant, calendar_id, key) DO UPDATE SET hits = appointment_locks.hits + 1`

// lockArgs returns lockSQL's arguments for b under c.
func lockArgs(b *appointment.Booking, c appointment.Capacity) []any {
	day := c.DayStart
	if day.IsZero() {
		y, m, d := b.Start.UTC().Date()
		day = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	var citizen *string
	if c.PerCitizen > 0 || c.NoOverlap {
		k := "c:" + b.FiscalCode
		citizen = &k
	}
	return []any{b.Tenant, string(b.Calendar), "d:" + strconv.FormatInt(day.Unix(), 10), citizen}
}

// holds is the SQL condition of a booking holding a place at $4.
const holds = `status NOT IN (2, 5) AND NOT (status = 6 AND draft_expires <= $4)`

// active is the SQL condition of an active booking of a citizen at $4
// (its first term lets the planner use the citizen index).
const active = `status IN (0, 1, 6) AND (status IN (0, 1) OR draft_expires > $4)`

// decideSQL counts, in one statement run after lockSQL, the places that
// Capacity limits (every booking but $3), and runs the write (an INSERT
// ... SELECT or an UPDATE ... FROM, named w) only when every limit allows
// it. It returns the counts and how many rows were written.
func decideSQL(write string) string {
	return `WITH c AS (SELECT
		(SELECT count(*) FROM appointment_bookings
			WHERE tenant = $1 AND calendar_id = $2 AND id <> $3 AND ` + holds + `
			AND start_at >= $5::timestamptz - interval '1 day' AND start_at < $6 AND end_at > $5) AS slot,
		(SELECT count(*) FROM appointment_bookings
			WHERE $12 AND tenant = $1 AND calendar_id = $2 AND id <> $3 AND ` + holds + `
			AND start_at >= $7 AND start_at < $8) AS day,
		(SELECT count(*) FROM appointment_bookings
			WHERE $13 AND tenant = $1 AND calendar_id = $2 AND fiscal_code = $9 AND id <> $3 AND ` + active + `
			AND start_at >= $10 AND ($11::timestamptz IS NULL OR start_at < $11)) AS citizen,
		EXISTS (SELECT 1 FROM appointment_bookings
			WHERE $14 AND tenant = $1 AND calendar_id = $2 AND fiscal_code = $9 AND id <> $3 AND ` + active + `
			AND start_at < $6 AND end_at > $5) AS overlap
	), ok AS (
		SELECT 1 FROM c WHERE c.slot < $15 AND (NOT $12 OR c.day < $16)
			AND (NOT $13 OR c.citizen < $17) AND (NOT $14 OR NOT c.overlap)
	), w AS (` + write + `)
	SELECT c.slot, c.day, c.citizen, c.overlap, (SELECT count(*) FROM w) FROM c`
}

// decideArgs are decideSQL's arguments $1–$17.
func decideArgs(b *appointment.Booking, c appointment.Capacity) []any {
	dayStart, dayEnd := b.Start, b.End
	if c.PerDay > 0 {
		dayStart, dayEnd = c.DayStart, c.DayEnd
	}
	return []any{b.Tenant, string(b.Calendar), string(b.ID), utc(c.Now), utc(b.Start), utc(b.End),
		utc(dayStart), utc(dayEnd), b.FiscalCode, utc(c.CitizenFrom), nullTime(c.CitizenTo),
		c.PerDay > 0, c.PerCitizen > 0, c.NoOverlap, max(c.Queue, 1), c.PerDay, c.PerCitizen}
}

// insertSQL inserts the booking of $18–$39 when ok has a row.
var insertSQL = decideSQL(`INSERT INTO appointment_bookings (` + bookingColumns + `)
	SELECT $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, 1
	FROM ok RETURNING 1`)

// setColumns is the UPDATE's SET list over bookingArgs placed from
// $(base+1).
func setColumns(base int) string {
	cols := []string{"opening_hour", "start_at", "end_at", "status", "citizen_id", "fiscal_code", "name", "email",
		"phone", "notes", "video_link", "motivation", "practice_id", "reschedules", "draft_expires",
		"cancel_token_hash", "created_by", "created_at", "updated_at"}
	var b strings.Builder
	for i, c := range cols {
		fmt.Fprintf(&b, "%s = $%d, ", c, base+4+i)
	}
	b.WriteString("version = version + 1")
	return b.String()
}

// moveSQL updates the booking of $18–$39 at version $40 when ok has a
// row.
var moveSQL = decideSQL(`UPDATE appointment_bookings SET ` + setColumns(17) + `
	FROM ok WHERE tenant = $18 AND id = $19 AND calendar_id = $20 AND version = $40 RETURNING 1`)

// updateSQL updates the booking of $1–$22 at version $23, without
// capacity checks.
var updateSQL = `UPDATE appointment_bookings SET ` + setColumns(0) + `
	WHERE tenant = $1 AND id = $2 AND calendar_id = $3 AND version = $23`

// refusal returns the *CapacityError of the counts, or nil.
func refusal(c appointment.Capacity, slot, day, citizen int, overlap bool) error {
	switch {
	case slot >= max(c.Queue, 1):
		return appointment.Full(appointment.LimitSlot)
	case c.PerDay > 0 && day >= c.PerDay:
		return appointment.Full(appointment.LimitDay)
	case c.PerCitizen > 0 && citizen >= c.PerCitizen, c.NoOverlap && overlap:
		return appointment.Full(appointment.LimitCitizen)
	}
	return nil
}

func checkNotes(tenant string, notes []appointment.Notification) error {
	seen := make(map[string]bool, len(notes))
	for _, n := range notes {
		if n.Tenant != tenant {
			return appointment.ErrNotFound
		}
		if seen[n.ID] {
			return &appointment.ConflictError{Field: "notification_id"}
		}
		seen[n.ID] = true
	}
	return nil
}

const insertNoteSQL = `INSERT INTO appointment_outbox
	(tenant, id, booking_id, kind, calendar_id, status, start_at, end_at, recipients, to_citizen_email, calendar_email, created_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`

// queueNotes adds the outbox inserts to batch.
func queueNotes(batch *pgx.Batch, notes []appointment.Notification) {
	for _, n := range notes {
		recipients := n.Recipients
		if recipients == nil {
			recipients = []string{}
		}
		batch.Queue(insertNoteSQL, n.Tenant, n.ID, string(n.Booking), string(n.Kind), string(n.Calendar), int16(n.Status),
			nullTime(n.Start), nullTime(n.End), recipients, n.ToCitizenEmail, n.CalendarEmail, nullTime(n.CreatedAt))
	}
}

// write runs one booking write with one round trip for its statements:
// the lock rows and the capacity decision (when c is not nil) or the plain
// update, and the notes. Without notes the batch runs as the implicit
// transaction PostgreSQL makes of a pipeline's statements up to its Sync
// (the lock rows are held until it commits; a refusal writes nothing but
// the lock rows' hit counters), saving the BEGIN and COMMIT round trips;
// with notes it runs in an explicit transaction, rolled back when the
// booking was not written, so that no note outlives a refused write. A
// refused capacity is a *CapacityError.
func (s *Store) write(ctx context.Context, b *appointment.Booking, c *appointment.Capacity, insert bool, notes []appointment.Notification) error {
	if err := checkNotes(b.Tenant, notes); err != nil {
		return err
	}
	var slot, day, citizen int
	var overlap bool
	var written int64
	batch := func() *pgx.Batch {
		slot, day, citizen, overlap, written = 0, 0, 0, false, 0
		args := bookingArgs(b)
		if !insert {
			args = append(args, b.Version)
		}
		batch := &pgx.Batch{}
		if c != nil {
			batch.Queue(lockSQL, lockArgs(b, *c)...)
			sql := moveSQL
			if insert {
				sql = insertSQL
			}
			batch.Queue(sql, append(decideArgs(b, *c), args...)...).QueryRow(func(row pgx.Row) error {
				return row.Scan(&slot, &day, &citizen, &overlap, &written)
			})
		} else {
			batch.Queue(updateSQL, args...).Exec(func(tag pgconn.CommandTag) error {
				written = tag.RowsAffected()
				return nil
			})
		}
		queueNotes(batch, notes)
		return batch
	}
	var err error
	if len(notes) == 0 {
		err = pgtx.Retry(ctx, func() error { return s.pool.SendBatch(ctx, batch()).Close() })
	} else {
		err = pgtx.Run(ctx, s.pool, func(tx pgx.Tx) error {
			if err := tx.SendBatch(ctx, batch()).Close(); err != nil {
				return err
			}
			if written != 1 {
				return errNotWritten
			}
			return nil
		})
		if errors.Is(err, errNotWritten) {
			err = nil
		}
	}
	if err != nil {
		return translate(err)
	}
	if written == 1 {
		return nil
	}
	return s.whyNotWritten(ctx, b, c, insert, slot, day, citizen, overlap)
}

// errNotWritten rolls back a transaction whose booking write touched no
// row; whyNotWritten then says why.
var errNotWritten = errors.New("booking not written")

// whyNotWritten explains a write that touched no row: a capacity
// refusal, a missing booking or a stale version.
func (s *Store) whyNotWritten(ctx context.Context, b *appointment.Booking, c *appointment.Capacity, insert bool, slot, day, citizen int, overlap bool) error {
	if c != nil {
		if err := refusal(*c, slot, day, citizen, overlap); err != nil {
			if insert {
				return err
			}
			// A stale or missing booking is reported as such even when the
			// slot is also full.
			if verr := s.checkVersion(ctx, b); verr != nil {
				return verr
			}
			return err
		}
	}
	if insert {
		return translate(errors.New("insert refused without a reason"))
	}
	if err := s.checkVersion(ctx, b); err != nil {
		return err
	}
	// Written by a concurrent writer between the write and this read.
	return &appointment.ConflictError{Field: "version"}
}

// checkVersion returns ErrNotFound or a version conflict when b is not
// stored at b.Version.
func (s *Store) checkVersion(ctx context.Context, b *appointment.Booking) error {
	var version int64
	err := s.pool.QueryRow(ctx, `SELECT version FROM appointment_bookings WHERE tenant = $1 AND id = $2 AND calendar_id = $3`,
		b.Tenant, string(b.ID), string(b.Calendar)).Scan(&version)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return appointment.ErrNotFound
	case err != nil:
		return translate(err)
	case version != b.Version:
		return &appointment.ConflictError{Field: "version"}
	}
	return nil
}

// Book implements appointment.BookingStore.
func (s *Store) Book(ctx context.Context, b *appointment.Booking, c appointment.Capacity, notes []appointment.Notification) error {
	err := s.write(ctx, b, &c, true, notes)
	if err == nil {
		b.Version = 1
	}
	return err
}

// Move implements appointment.BookingStore. b.Calendar must be the
// booking's own: a booking never changes calendar.
func (s *Store) Move(ctx context.Context, b *appointment.Booking, c appointment.Capacity, notes []appointment.Notification) error {
	err := s.write(ctx, b, &c, false, notes)
	if err == nil {
		b.Version++
	}
	return err
}

// Update implements appointment.BookingStore.
func (s *Store) Update(ctx context.Context, b *appointment.Booking, notes []appointment.Notification) error {
	err := s.write(ctx, b, nil, false, notes)
	if err == nil {
		b.Version++
	}
	return err
}

// Get implements appointment.BookingStore.
func (s *Store) Get(ctx context.Context, tenant string, id appointment.ID) (*appointment.Booking, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+bookingColumns+` FROM appointment_bookings WHERE tenant = $1 AND id = $2`, tenant, string(id))
	if err != nil {
		return nil, translate(err)
	}
	b, err := pgx.CollectExactlyOneRow(rows, scanBooking)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, appointment.ErrNotFound
	}
	return b, translate(err)
}

// asciiLower lowers ASCII letters only, as the Store contract's filters
// do (lower() would also fold other letters under some collations).
const asciiLower = `'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'`

func contains(col, param string) string {
	return `strpos(translate(` + col + `, ` + asciiLower + `), translate(` + param + `, ` + asciiLower + `)) > 0`
}

// List implements appointment.BookingStore.
func (s *Store) List(ctx context.Context, tenant string, f appointment.Filter, after appointment.Position, limit int) ([]*appointment.Booking, error) {
	if limit <= 0 {
		return nil, nil
	}
	args := []any{tenant}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := `tenant = $1`
	and := func(cond string) { where += " AND " + cond }
	if f.Calendar != "" {
		and("calendar_id = " + arg(string(f.Calendar)))
	}
	if !f.From.IsZero() {
		and("start_at >= " + arg(utc(f.From)))
	}
	if !f.To.IsZero() {
		and("start_at < " + arg(utc(f.To)))
	}
	if len(f.Statuses) > 0 {
		st := make([]int16, len(f.Statuses))
		for i, x := range f.Statuses {
			st[i] = int16(x)
		}
		and("status = ANY(" + arg(st) + ")")
	}
	if f.FiscalCode != "" {
		and("fiscal_code = " + arg(f.FiscalCode))
	}
	if f.PracticeID != "" {
		and("practice_id = " + arg(f.PracticeID))
	}
	if f.Name != "" {
		and(contains("name", arg(f.Name)))
	}
	if f.Text != "" {
		p := arg(f.Text)
		and("(" + contains("name", p) + " OR " + contains("email", p) + " OR " + contains("phone", p) +
			" OR " + contains("notes", p) + " OR " + contains("practice_id", p) + ")")
	}
	if f.OwnerID != "" || f.OwnerFiscalCode != "" {
		and("((" + arg(f.OwnerID) + " <> '' AND citizen_id = $" + strconv.Itoa(len(args)) + ") OR (" +
			arg(f.OwnerFiscalCode) + " <> '' AND fiscal_code = $" + strconv.Itoa(len(args)) + "))")
	}
	if !after.Start.IsZero() || after.ID != "" {
		and("(start_at, id) > (" + arg(utc(after.Start)) + ", " + arg(string(after.ID)) + ")")
	}
	rows, err := s.pool.Query(ctx, `SELECT `+bookingColumns+` FROM appointment_bookings WHERE `+where+
		` ORDER BY start_at, id LIMIT `+arg(limit), args...)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, scanBooking)
	return out, translate(err)
}

// HeldPlaces implements appointment.BookingStore: one grouped query.
func (s *Store) HeldPlaces(ctx context.Context, tenant string, cal calendar.ID, from, to, now time.Time) ([]calendar.Held, error) {
	rows, err := s.pool.Query(ctx, `SELECT start_at, end_at, count(*) FROM appointment_bookings
		WHERE tenant = $1 AND calendar_id = $2 AND `+holds+`
		AND start_at >= $3::timestamptz - interval '1 day' AND start_at < $5 AND end_at > $3
		GROUP BY start_at, end_at ORDER BY start_at, end_at`,
		tenant, string(cal), utc(from), utc(now), utc(to))
	if err != nil {
		return nil, translate(err)
	}
	held, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (calendar.Held, error) {
		var h calendar.Held
		var n int64
		err := row.Scan(&h.Start, &h.End, &n)
		h.Start, h.End, h.Places = h.Start.UTC(), h.End.UTC(), int(n)
		return h, err
	})
	return held, translate(err)
}

// CountActive implements appointment.BookingStore.
func (s *Store) CountActive(ctx context.Context, tenant string, cal calendar.ID, openingHour string, after, now time.Time) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM appointment_bookings
		WHERE tenant = $1 AND calendar_id = $2 AND opening_hour = $3 AND start_at >= $4
		AND (status IN (0, 1) OR (status = 6 AND draft_expires > $5))`,
		tenant, string(cal), openingHour, utc(after), utc(now)).Scan(&n)
	return n, translate(err)
}

// DeleteExpiredDrafts implements appointment.BookingStore. The DELETE
// re-checks the status on each row it locks, so a draft confirmed
// concurrently is left alone.
func (s *Store) DeleteExpiredDrafts(ctx context.Context, tenant string, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM appointment_bookings WHERE tenant = $1 AND id IN (
			SELECT id FROM appointment_bookings WHERE tenant = $1 AND status = 6 AND draft_expires <= $2 LIMIT $3)
		AND status = 6 AND draft_expires <= $2`, tenant, utc(now), limit)
	if err != nil {
		return 0, translate(err)
	}
	return int(tag.RowsAffected()), nil
}

var outboxTable = pgoutbox.Table{
	Name:    "appointment_outbox",
	Record:  "booking_id",
	Columns: `tenant, id, booking_id, kind, calendar_id, status, start_at, end_at, recipients, to_citizen_email, calendar_email, created_at`,
}

func scanNote(row pgx.CollectableRow) (appointment.Notification, error) {
	var n appointment.Notification
	var status int16
	var start, end, created *time.Time
	var recipients []string
	err := row.Scan(&n.Tenant, &n.ID, &n.Booking, &n.Kind, &n.Calendar, &status, &start, &end, &recipients,
		&n.ToCitizenEmail, &n.CalendarEmail, &created)
	n.Status = appointment.Status(status)
	n.Start, n.End, n.CreatedAt = fromNull(start), fromNull(end), fromNull(created)
	if len(recipients) > 0 {
		n.Recipients = recipients
	}
	return n, err
}

// ClaimNotifications implements appointment.Outbox with the shared claim
// (internal/outbox/pgoutbox): one statement picks, leases and returns the
// claimable rows in order.
func (s *Store) ClaimNotifications(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]appointment.Notification, error) {
	var out []appointment.Notification
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = pgoutbox.Claim(ctx, tx, outboxTable, tenant, utc(now), lease, limit, scanNote)
		return err
	})
	return out, err
}

// AckNotification implements appointment.Outbox.
func (s *Store) AckNotification(ctx context.Context, tenant, id string) error {
	return translate(pgoutbox.Ack(ctx, s.pool, outboxTable, tenant, id))
}
