package pgstore

import (
	"context"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sportello/sportello/practice"
)

// statsPratiche selects the pratiche of a statistic ($1 tenant, $2
// service, $3 and $4 the period, NULL when open): every pratica of the
// service when the period is open, else those submitted in it. The
// (tenant, service, submission time, id) index serves it.
const statsPratiche = `WITH p AS (
	SELECT p.id, p.status, p.submitted_at FROM practice_practices p
	WHERE p.tenant = $1 AND p.service = $2
	  AND ($3::timestamptz IS NULL AND $4::timestamptz IS NULL
	    OR p.submitted_at IS NOT NULL
	      AND COALESCE(p.submitted_at, '0001-01-01 00:00:00+00'::timestamptz) >= COALESCE($3::timestamptz, '-infinity')
	      AND COALESCE(p.submitted_at, '0001-01-01 00:00:00+00'::timestamptz) < COALESCE($4::timestamptz, 'infinity'))
), f AS (
	-- each sent pratica's first take in charge and first outcome at or
	-- after its sending, in microseconds since the sending
	SELECT p.submitted_at,
		min(h.at) FILTER (WHERE h.event = 'take_in_charge') AS charged,
		min(h.at) FILTER (WHERE h.event IN ('accept', 'reject')) AS decided
	FROM p JOIN practice_history h ON h.tenant = $1 AND h.practice_id = p.id AND h.at >= p.submitted_at
	WHERE p.submitted_at IS NOT NULL
	GROUP BY p.id, p.submitted_at
)`

// durationSQL aggregates one duration column (c) of d.
const durationSQL = `count(c), COALESCE(round(avg(c)), 0)::bigint,
	COALESCE(percentile_cont(0.5) WITHIN GROUP (ORDER BY c), 0), COALESCE(percentile_cont(0.9) WITHIN GROUP (ORDER BY c), 0),
	COALESCE(max(c), 0)`

// Stats implements practice.StatsStore with aggregate queries in one
// read-only snapshot: counts per status, the durations' count, mean,
// percentile_cont(0.5) and (0.9) and maximum, and the weekly throughput
// (weeks of Europe/Rome), so that no pratica travels to Go.
func (s *Store) Stats(ctx context.Context, tenant string, q practice.StatsQuery) (practice.ServiceStats, error) {
	b := practice.NewStatsBuilder(q)
	out := b.Stats()
	args := []any{tenant, q.Service, nullTime(q.From), nullTime(q.To)}
	err := translate(pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, statsPratiche+` SELECT status, count(*) FROM p GROUP BY status`, args...)
		if err != nil {
			return err
		}
		var status int32
		var n int
		if _, err := pgx.ForEachRow(rows, []any{&status, &n}, func() error {
			st := practice.Status(status)
			out.ByStatus[st] = n
			out.Total += n
			if practice.Backlogged(st) {
				out.Backlog += n
			}
			return nil
		}); err != nil {
			return err
		}
		for _, part := range []struct {
			col  string
			into *practice.DurationStats
		}{{"charged", &out.ToTakeInCharge}, {"decided", &out.ToOutcome}} {
			var mean, max int64
			var median, p90 float64
			err := tx.QueryRow(ctx, statsPratiche+`, d AS (
				SELECT (extract(epoch FROM `+part.col+`) * 1000000)::bigint - (extract(epoch FROM submitted_at) * 1000000)::bigint AS c
				FROM f WHERE `+part.col+` IS NOT NULL)
				SELECT `+durationSQL+` FROM d`, args...).Scan(&part.into.Count, &mean, &median, &p90, &max)
			if err != nil {
				return err
			}
			part.into.Mean, part.into.Max = time.Duration(mean)*time.Microsecond, time.Duration(max)*time.Microsecond
			part.into.Median, part.into.P90 = roundMicros(median), roundMicros(p90)
		}
		rows, err = tx.Query(ctx, statsPratiche+`, w AS (
				SELECT date_trunc('week', submitted_at AT TIME ZONE 'Europe/Rome') AS week, 1 AS sub, 0 AS dec FROM p WHERE submitted_at IS NOT NULL
				UNION ALL
				SELECT date_trunc('week', decided AT TIME ZONE 'Europe/Rome'), 0, 1 FROM f WHERE decided IS NOT NULL)
			SELECT to_char(week, 'YYYY-MM-DD'), sum(sub)::int, sum(dec)::int FROM w GROUP BY week ORDER BY week`, args...)
		if err != nil {
			return err
		}
		var day string
		var sub, dec int
		_, err = pgx.ForEachRow(rows, []any{&day, &sub, &dec}, func() error {
			d, err := time.Parse("2006-01-02", day)
			if err != nil {
				return errCorrupt("week")
			}
			out.Weekly = append(out.Weekly, practice.WeekStats{Week: practice.WeekOf(d.Add(12 * time.Hour)), Submitted: sub, Decided: dec})
			return nil
		})
		return err
	}))
	if err != nil {
		return practice.ServiceStats{}, err
	}
	return out, nil
}

// roundMicros rounds a number of microseconds as practice.Summarize does.
func roundMicros(us float64) time.Duration { return time.Duration(math.Round(us)) * time.Microsecond }
