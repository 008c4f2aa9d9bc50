package payment

import (
	"context"
	"time"
)

// sweepBatch is how many overdue records Sweep reads at a time.
const sweepBatch = 100

// Sweep moves every open record of tenant whose due date is before now to
// expired, and returns how many it moved. It is the host's scheduled job
// (the system acting); records are read in pages, so any number is swept
// without loading them all. Running it twice changes nothing the second
// time: expired is final, and a record paid meanwhile is left alone.
func (d *Desk) Sweep(ctx context.Context, tenant string, now time.Time) (int, error) {
	if !lookupable(tenant) {
		return 0, nil // no record was ever stored for such a tenant
	}
	now = instant(now)
	n := 0
	var after ID
	for {
		due, err := d.store.ListDue(ctx, tenant, now, after, sweepBatch)
		if err != nil {
			return n, err
		}
		for _, p := range due {
			moved, from := false, p.Status
			_, err := d.change(ctx, p, func(p *Payment) (*Event, error) {
				moved, from = false, p.Status
				if !p.Status.IsOpen() || !p.DueAt.Before(now) {
					return nil, nil // paid, canceled or postponed since listed
				}
				ev, err := d.move(p, StepExpire, now, "sweep", "system")
				moved = err == nil
				return ev, err
			})
			if err != nil {
				return n, err
			}
			if moved {
				n++
				d.log.Info().Str("tenant", tenant).Str("payment_id", string(p.ID)).Str("action", string(StepExpire)).
					Str("from", string(from)).Str("to", string(StatusExpired)).Msg("payment: expired")
			}
		}
		if len(due) < sweepBatch {
			return n, nil
		}
		after = due[len(due)-1].ID
	}
}
