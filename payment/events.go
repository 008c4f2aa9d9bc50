package payment

import (
	"context"
	"fmt"
)

// eventBatch is how many events DeliverEvents claims at a time.
const eventBatch = 100

// DeliverEvents drains the tenant's outbox through deliver. It claims the
// undelivered events no other deliverer holds, up to 100 at a time and
// oldest first, leasing them for Config.EventLease; it hands each to
// deliver in order and acknowledges it (removes it from the outbox) once
// deliver returns nil, then claims the next batch, until the outbox has
// nothing left to claim. It stops at the first delivery error, which it
// returns: that event and the rest of its batch stay in the outbox,
// claimed, and are handed out again, by this or any other call, once the
// lease ends. It reports how many events were delivered.
//
// Many instances sharing one Store may run DeliverEvents at once: a
// claimed event is handed to one of them only. Events are saved with the
// change that caused them, so a crash loses none; a crash between deliver
// and the acknowledgement, or a delivery outlasting the lease, repeats an
// event, so consumers drop repeats by Event.ID.
func (d *Desk) DeliverEvents(ctx context.Context, tenant string, deliver func(Event) error) (int, error) {
	n := 0
	for {
		events, err := d.store.ClaimEvents(ctx, tenant, d.now(), d.cfg.EventLease, eventBatch)
		if err != nil {
			return n, err
		}
		for _, e := range events {
			if err := deliver(e); err != nil {
				return n, fmt.Errorf("payment: deliver event: %w", err)
			}
			if err := d.store.AckEvent(ctx, tenant, e.ID); err != nil {
				return n, err
			}
			n++
		}
		if len(events) < eventBatch {
			return n, nil
		}
	}
}
