package pgstore

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sportello/sportello/calendar"
)

// exists reports ErrNotFound for a calendar missing from tenant.
func exists(ctx context.Context, tx pgx.Tx, tenant string, id calendar.ID) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM calendar_calendars WHERE tenant = $1 AND id = $2`, tenant, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return calendar.ErrNotFound
	}
	return err
}

func dateValue(d calendar.Date) *time.Time {
	if d.IsZero() {
		return nil
	}
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return &t
}

func fromDate(t *time.Time) calendar.Date {
	if t == nil {
		return calendar.Date{}
	}
	return calendar.DateOf(*t)
}

// OpeningHours implements calendar.Store.
func (s *Store) OpeningHours(ctx context.Context, tenant string, id calendar.ID) ([]*calendar.OpeningHour, error) {
	out := []*calendar.OpeningHour{}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, tenant, id); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, name, rule, valid_from, valid_to, begin_minute, end_minute,
			meeting_minutes, interval_minutes, queue, moderated, version, created_at, updated_at
			FROM calendar_opening_hours WHERE tenant = $1 AND calendar_id = $2 ORDER BY id`, tenant, id)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*calendar.OpeningHour, error) {
			h := calendar.OpeningHour{Calendar: id, Tenant: tenant}
			var from time.Time
			var to *time.Time
			var begin, end int
			if err := r.Scan(&h.ID, &h.Name, &h.Rule, &from, &to, &begin, &end, &h.MeetingMinutes,
				&h.IntervalMinutes, &h.Queue, &h.Moderated, &h.Version, &h.Created, &h.Updated); err != nil {
				return nil, err
			}
			h.ValidFrom, h.ValidTo = calendar.DateOf(from), fromDate(to)
			h.Begin, h.End = calendar.ClockTime(begin), calendar.ClockTime(end)
			h.Created, h.Updated = h.Created.UTC(), h.Updated.UTC()
			return &h, nil
		})
		return err
	})
	return out, err
}

// Closures implements calendar.Store.
func (s *Store) Closures(ctx context.Context, tenant string, id calendar.ID, from, to time.Time) ([]calendar.Closure, error) {
	var lo, hi *time.Time
	if !from.IsZero() {
		f := utc(from)
		lo = &f
	}
	if !to.IsZero() {
		t := utc(to)
		hi = &t
	}
	out := []calendar.Closure{}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, tenant, id); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, from_at, to_at, reason FROM calendar_closures
			WHERE tenant = $1 AND calendar_id = $2
			  AND ($3::timestamptz IS NULL OR to_at > $3) AND ($4::timestamptz IS NULL OR from_at < $4)
			ORDER BY from_at, id`, tenant, id, lo, hi)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (calendar.Closure, error) {
			c := calendar.Closure{Calendar: id, Tenant: tenant}
			err := r.Scan(&c.ID, &c.From, &c.To, &c.Reason)
			c.From, c.To = c.From.UTC(), c.To.UTC()
			return c, err
		})
		return err
	})
	return out, err
}

// change runs fn in a transaction that first moves calendar c's version
// (checked against c.Version): the calendar's row lock serialises every
// change of one calendar. On success c.Version is incremented.
func (s *Store) change(ctx context.Context, c *calendar.Calendar, fn func(pgx.Tx) error) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE calendar_calendars SET version = version + 1, updated_at = $4
			WHERE tenant = $1 AND id = $2 AND version = $3`, c.Tenant, c.ID, c.Version, utc(c.Updated))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return missingOr(ctx, tx, c.Tenant, c.ID, "calendar")
		}
		return fn(tx)
	})
	if err == nil {
		c.Version++
	}
	return err
}

// hourMissingOr tells a missing opening hour from a stale one.
func hourMissingOr(ctx context.Context, tx pgx.Tx, c *calendar.Calendar, id string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM calendar_opening_hours WHERE tenant = $1 AND calendar_id = $2 AND id = $3`,
		c.Tenant, c.ID, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return calendar.ErrNotFound
	}
	if err != nil {
		return err
	}
	return &calendar.ConflictError{Field: "version"}
}

// SaveOpeningHour implements calendar.Store.
func (s *Store) SaveOpeningHour(ctx context.Context, c *calendar.Calendar, h *calendar.OpeningHour) error {
	args := []any{c.Tenant, c.ID, h.ID, h.Name, h.Rule, dateValue(h.ValidFrom), dateValue(h.ValidTo), int(h.Begin),
		int(h.End), h.MeetingMinutes, h.IntervalMinutes, h.Queue, h.Moderated, utc(h.Updated)}
	var created time.Time
	err := s.change(ctx, c, func(tx pgx.Tx) error {
		if h.Version == 0 {
			_, err := tx.Exec(ctx, `INSERT INTO calendar_opening_hours (tenant, calendar_id, id, name, rule,
				valid_from, valid_to, begin_minute, end_minute, meeting_minutes, interval_minutes, queue,
				moderated, updated_at, version, created_at)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,1,$15)`, append(args, utc(h.Created))...)
			return err
		}
		err := tx.QueryRow(ctx, `UPDATE calendar_opening_hours SET name = $4, rule = $5, valid_from = $6,
			valid_to = $7, begin_minute = $8, end_minute = $9, meeting_minutes = $10, interval_minutes = $11,
			queue = $12, moderated = $13, updated_at = $14, version = version + 1
			WHERE tenant = $1 AND calendar_id = $2 AND id = $3 AND version = $15
			RETURNING created_at`, append(args, h.Version)...).Scan(&created)
		if errors.Is(err, pgx.ErrNoRows) {
			return hourMissingOr(ctx, tx, c, h.ID)
		}
		return err
	})
	if err != nil {
		return err
	}
	h.Calendar, h.Tenant = c.ID, c.Tenant
	h.Version++
	if !created.IsZero() {
		h.Created = created.UTC()
	}
	return nil
}

// DeleteOpeningHour implements calendar.Store.
func (s *Store) DeleteOpeningHour(ctx context.Context, c *calendar.Calendar, hourID string, version int64) error {
	return s.change(ctx, c, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM calendar_opening_hours
			WHERE tenant = $1 AND calendar_id = $2 AND id = $3 AND version = $4`, c.Tenant, c.ID, hourID, version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return hourMissingOr(ctx, tx, c, hourID)
		}
		return nil
	})
}

// ChangeClosures implements calendar.Store.
func (s *Store) ChangeClosures(ctx context.Context, c *calendar.Calendar, add []calendar.Closure, remove []string) error {
	return s.change(ctx, c, func(tx pgx.Tx) error {
		for _, id := range remove {
			tag, err := tx.Exec(ctx, `DELETE FROM calendar_closures WHERE tenant = $1 AND calendar_id = $2 AND id = $3`,
				c.Tenant, c.ID, id)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return calendar.ErrNotFound
			}
		}
		for _, cl := range add {
			if _, err := tx.Exec(ctx, `INSERT INTO calendar_closures (tenant, calendar_id, id, from_at, to_at, reason)
				VALUES ($1, $2, $3, $4, $5, $6)`, c.Tenant, c.ID, cl.ID, utc(cl.From), utc(cl.To), cl.Reason); err != nil {
				return err
			}
		}
		return nil
	})
}
