package payment

import (
	"context"

	"github.com/sportello/sportello/auth"
)

// reconcileBatch is how many open records Reconcile reads at a time.
const reconcileBatch = 100

// Reconcile refreshes every open record of tenant (creation_pending,
// payment_pending, payment_started) with the gateway, as Refresh does (on
// the records as listed, without reading each again), and returns how many
// changed. It is the host's scheduled safety net for lost
// notifications and interrupted creations; it stops at the first error,
// and running it again resumes the work.
func (d *Desk) Reconcile(ctx context.Context, tenant string) (int, error) {
	if !lookupable(tenant) {
		return 0, nil // no record was ever stored for such a tenant
	}
	sys := auth.System(tenant)
	open := Filter{Statuses: []Status{StatusCreationPending, StatusPending, StatusStarted}}
	n := 0
	var after ID
	for {
		batch, err := d.store.List(ctx, tenant, open, after, reconcileBatch)
		if err != nil {
			return n, err
		}
		for _, p := range batch {
			_, out, err := d.refresh(ctx, sys, p)
			if err != nil {
				return n, err
			}
			if out == Applied {
				n++
			}
		}
		if len(batch) < reconcileBatch {
			return n, nil
		}
		after = batch[len(batch)-1].ID
	}
}
