package payment

import (
	"context"
	"errors"
	"fmt"
)

// eventBatch is how many events DeliverEvents reads at a time.
const eventBatch = 100

// DeliverEvents hands the tenant's undelivered events to deliver, oldest
// first, removing each from the outbox once deliver returns nil; it stops
// at the first error, which it returns (the event stays for the next
// call), and reports how many were delivered. Events are saved with the
// change that caused them, so a crash loses none; a crash between deliver
// and the removal repeats one, so consumers drop repeats by Event.ID.
func (d *Desk) DeliverEvents(ctx context.Context, tenant string, deliver func(Event) error) (int, error) {
	n := 0
	for {
		events, err := d.store.PendingEvents(ctx, tenant, eventBatch)
		if err != nil {
			return n, err
		}
		for _, e := range events {
			if err := deliver(e); err != nil {
				return n, fmt.Errorf("payment: deliver event: %w", err)
			}
			if err := d.store.MarkEventDelivered(ctx, tenant, e.ID); err != nil {
				if errors.Is(err, ErrNotFound) {
					continue // a concurrent deliverer removed it first
				}
				return n, err
			}
			n++
		}
		if len(events) < eventBatch {
			return n, nil
		}
	}
}
