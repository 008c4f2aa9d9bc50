package ticket

import (
	"context"
	"errors"
	"time"
)

// sweepStatuses are the statuses in which a stopwatch may run.
var sweepStatuses = []Status{StatusNew, StatusApproved, StatusAssigned, StatusEscalatedTTO, StatusEscalatedTTR}

// SweepReport counts what a Sweep did.
type SweepReport struct {
	// Scanned is how many requests with SLA work due were looked at.
	Scanned int
	// Warned and Fired count the 75% warnings given and the timeout
	// stimuli fired.
	Warned, Fired int
	// Conflicts counts requests changed concurrently and so skipped; the
	// next sweep takes them again.
	Conflicts int
}

// Sweep applies the SLA rule to every open request of tenant at now, page
// by page: a running stopwatch past 75% of its goal is marked warned, one
// past 100% fires the timeout stimulus (new/approved → escalated_tto for
// tto, assigned → escalated_ttr for ttr), each with a NotifySLAWarning or
// NotifySLAEscalation for the team saved in the same write. Each request
// is saved on its own with a version check; a request changed meanwhile
// is skipped and counted in Conflicts. Sweep is idempotent: sweeping twice
// at the same now changes nothing the second time. Hosts call it on a
// schedule (every minute, say), from any number of instances.
func (d *Desk) Sweep(ctx context.Context, tenant string, now time.Time) (SweepReport, error) {
	var rep SweepReport
	if !possibleID(tenant) {
		return rep, nil // no tenant of that name can exist
	}
	now = now.UTC().Truncate(time.Microsecond)
	f := Filter{Statuses: sweepStatuses, SLADueBy: now}
	after := ""
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		page, err := d.store.ListRequests(ctx, tenant, f, after, d.cfg.SweepPage)
		if err != nil {
			return rep, err
		}
		for _, r := range page {
			rep.Scanned++
			from := r.Status
			out := r.sweep(now, d.clock)
			if !out.Changed() {
				continue
			}
			notes := d.newOutbox()
			for _, m := range out.Warned {
				notes.add(toTeam(r, NotifySLAWarning, m, now))
			}
			for _, m := range out.Fired {
				notes.add(toTeam(r, NotifySLAEscalation, m, now))
			}
			if err := d.store.UpdateRequests(ctx, notes.list(), r); err != nil {
				if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
					rep.Conflicts++
					continue
				}
				return rep, err
			}
			rep.Warned += len(out.Warned)
			rep.Fired += len(out.Fired)
			if len(out.Fired) > 0 {
				d.log.Info().Str("tenant", tenant).Str("request_id", r.ID).Str("action", string(StimulusTimeout)).
					Str("from", string(from)).Str("to", string(r.Status)).Msg("ticket: SLA target missed")
			}
		}
		if len(page) < d.cfg.SweepPage {
			return rep, nil
		}
		after = page[len(page)-1].ID
	}
}
