package pgstore

import (
	"context"
	"embed"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/calendar"
	"github.com/sportello/sportello/internal/pgtx"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a PostgreSQL calendar.Store. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
}

var _ calendar.Store = (*Store)(nil)

// New applies the schema migrations (safe to run from many processes at
// once) and returns a Store over pool. The pool stays the caller's to
// close.
func New(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	if err := pgtx.Open(ctx, pool, "calendar/pgstore", "calendar", migrations, "migrations"); err != nil {
		return nil, err
	}
	return &Store{pool: pool}, nil
}

// translator holds this store's constraint names and pass-through errors.
var translator = pgtx.Translator{
	Name: "calendar/pgstore",
	Constraints: map[string]string{
		"calendar_calendars_pkey":      "id",
		"calendar_calendars_title_key": "title",
		"calendar_opening_hours_pkey":  "id",
		"calendar_closures_pkey":       "id",
	},
	Conflict:    func(f string) error { return &calendar.ConflictError{Field: f} },
	NotFound:    calendar.ErrNotFound,
	Keep:        []error{calendar.ErrNotFound, calendar.ErrConflict, calendar.ErrValidation},
	Unavailable: calendar.ErrUnavailable,
}

// tx runs fn in a transaction, retrying on SQLSTATE 40001 and 40P01, and
// translates driver errors into calendar errors.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return translator.Translate(pgtx.Run(ctx, s.pool, fn))
}

// utc returns t in UTC to the microsecond, what timestamptz keeps.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// nullStrings maps an empty slice to NULL, and back to nil.
func nullStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

const calendarColumns = `id, tenant, title, owner, moderators, location, contact_email, zone, slots,
	rolling_days, min_notice_hours, allow_cancel_days, moderated, allow_overlaps, drafts_duration_ns,
	notifications, video_calls, external_calendars, limit_per_day, limit_per_citizen,
	limit_citizen_period_ns, italian_holidays, patron_days, version, created_at, updated_at`

func scanCalendar(row pgx.Row) (*calendar.Calendar, error) {
	var c calendar.Calendar
	var slots int16
	var drafts, period int64
	err := row.Scan(&c.ID, &c.Tenant, &c.Title, &c.Owner, &c.Moderators, &c.Location, &c.ContactEmail, &c.Zone,
		&slots, &c.RollingDays, &c.MinNoticeHours, &c.AllowCancelDays, &c.Moderated, &c.AllowOverlaps, &drafts,
		&c.Notifications, &c.VideoCalls, &c.ExternalCalendars, &c.Limits.PerDay, &c.Limits.PerCitizen,
		&period, &c.ItalianHolidays, &c.PatronDays, &c.Version, &c.Created, &c.Updated)
	if err != nil {
		return nil, err
	}
	c.Slots = calendar.SlotKind(slots)
	c.DraftsDuration, c.Limits.CitizenPeriod = time.Duration(drafts), time.Duration(period)
	c.Created, c.Updated = c.Created.UTC(), c.Updated.UTC()
	c.Moderators, c.ExternalCalendars = nullStrings(c.Moderators), nullStrings(c.ExternalCalendars)
	if len(c.PatronDays) == 0 {
		c.PatronDays = nil
	}
	return &c, nil
}

// calendarArgs are the values of every column but id, tenant, version and
// created_at, in the order $3.. of the statements below.
func calendarArgs(c *calendar.Calendar) []any {
	return []any{c.Title, calendar.TitleKey(c.Title), c.Owner, nullStrings(c.Moderators), c.Location, c.ContactEmail,
		c.Zone, int16(c.Slots), c.RollingDays, c.MinNoticeHours, c.AllowCancelDays, c.Moderated, c.AllowOverlaps,
		int64(c.DraftsDuration), c.Notifications, c.VideoCalls, nullStrings(c.ExternalCalendars), c.Limits.PerDay,
		c.Limits.PerCitizen, int64(c.Limits.CitizenPeriod), utc(c.Updated), c.ItalianHolidays, patronDays(c.PatronDays)}
}

// patronDays is the patron_days column of days: NULL when there are none.
func patronDays(days []calendar.YearlyDay) any {
	if len(days) == 0 {
		return nil
	}
	return days
}

// CreateCalendar implements calendar.Store.
func (s *Store) CreateCalendar(ctx context.Context, c *calendar.Calendar) error {
	args := append([]any{c.Tenant, c.ID}, calendarArgs(c)...)
	args = append(args, utc(c.Created))
	err := s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO calendar_calendars (tenant, id, title, title_key, owner, moderators,
			location, contact_email, zone, slots, rolling_days, min_notice_hours, allow_cancel_days, moderated,
			allow_overlaps, drafts_duration_ns, notifications, video_calls, external_calendars, limit_per_day,
			limit_per_citizen, limit_citizen_period_ns, updated_at, italian_holidays, patron_days, created_at, version)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,1)`, args...)
		return err
	})
	if err == nil {
		c.Version = 1
	}
	return err
}

// GetCalendar implements calendar.Store.
func (s *Store) GetCalendar(ctx context.Context, tenant string, id calendar.ID) (*calendar.Calendar, error) {
	var c *calendar.Calendar
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		c, err = getCalendar(ctx, tx, tenant, id)
		return err
	})
	return c, err
}

func getCalendar(ctx context.Context, tx pgx.Tx, tenant string, id calendar.ID) (*calendar.Calendar, error) {
	c, err := scanCalendar(tx.QueryRow(ctx, `SELECT `+calendarColumns+` FROM calendar_calendars
		WHERE tenant = $1 AND id = $2`, tenant, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, calendar.ErrNotFound
	}
	return c, err
}

// missingOr tells, after a guarded write touched no row, a missing
// calendar (ErrNotFound) from a stale version (conflict).
func missingOr(ctx context.Context, tx pgx.Tx, tenant string, id calendar.ID, conflict string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM calendar_calendars WHERE tenant = $1 AND id = $2`, tenant, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return calendar.ErrNotFound
	}
	if err != nil {
		return err
	}
	return &calendar.ConflictError{Field: conflict}
}

// UpdateCalendar implements calendar.Store.
func (s *Store) UpdateCalendar(ctx context.Context, c *calendar.Calendar) error {
	args := append([]any{c.Tenant, c.ID}, calendarArgs(c)...)
	args = append(args, c.Version)
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE calendar_calendars SET title = $3, title_key = $4, owner = $5,
			moderators = $6, location = $7, contact_email = $8, zone = $9, slots = $10, rolling_days = $11,
			min_notice_hours = $12, allow_cancel_days = $13, moderated = $14, allow_overlaps = $15,
			drafts_duration_ns = $16, notifications = $17, video_calls = $18, external_calendars = $19,
			limit_per_day = $20, limit_per_citizen = $21, limit_citizen_period_ns = $22, updated_at = $23,
			italian_holidays = $24, patron_days = $25, version = version + 1
			WHERE tenant = $1 AND id = $2 AND version = $26`, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return missingOr(ctx, tx, c.Tenant, c.ID, "version")
		}
		return nil
	})
	if err == nil {
		c.Version++
	}
	return err
}

// DeleteCalendar implements calendar.Store; the opening hours and
// closures go with it (ON DELETE CASCADE).
func (s *Store) DeleteCalendar(ctx context.Context, tenant string, id calendar.ID, version int64) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM calendar_calendars WHERE tenant = $1 AND id = $2 AND version = $3`,
			tenant, id, version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return missingOr(ctx, tx, tenant, id, "version")
		}
		return nil
	})
}

// ListCalendars implements calendar.Store.
func (s *Store) ListCalendars(ctx context.Context, tenant string, f calendar.CalendarFilter, after calendar.ID, limit int) ([]*calendar.Calendar, error) {
	ids := make([]string, len(f.IDs))
	for i, id := range f.IDs {
		ids[i] = string(id)
	}
	var out []*calendar.Calendar
	err := s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+calendarColumns+` FROM calendar_calendars
			WHERE tenant = $1 AND id > $2
			  AND ($3 OR id = ANY($4::text[]) OR ($5 <> '' AND (owner = $5 OR $5 = ANY(moderators))))
			ORDER BY id LIMIT $6`, tenant, after, f.All, ids, f.Member, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*calendar.Calendar, error) { return scanCalendar(r) })
		return err
	})
	return out, err
}
