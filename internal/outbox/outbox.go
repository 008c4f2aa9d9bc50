package outbox

import (
	"context"
	"time"
)

const (
	// DefaultLimit is how many entries a claim takes when its limit is <= 0.
	DefaultLimit = 100
	// MaxLimit is the most entries one claim takes, whatever its limit.
	MaxLimit = 1000
	// DefaultLease is the lease the wings use when their Config sets none:
	// long enough for a notifier to deliver a batch, short enough that a
	// crashed deliverer's entries go out again soon.
	DefaultLease = time.Minute
)

// Limit reads a caller's limit: <= 0 is DefaultLimit, and nothing above
// MaxLimit.
func Limit(limit int) int {
	if limit <= 0 {
		return DefaultLimit
	}
	return min(limit, MaxLimit)
}

// Deliverer drains one batch of one tenant's outbox. Its fields are the
// wing's own steps; Deliver applies the shared failure rule to them.
type Deliverer[T any] struct {
	// Claim leases up to limit entries (already read through Limit) under
	// the claim rule and returns them in outbox order.
	Claim func(ctx context.Context, limit int) ([]T, error)
	// Send hands one entry to the host, e.g. Config.Notifier.Notify.
	Send func(ctx context.Context, item T) error
	// Ack removes a delivered entry from the outbox.
	Ack func(ctx context.Context, item T) error
	// Record names the record (aggregate) an entry belongs to.
	Record func(item T) string
	// Failed, when set, is told of every failed delivery (to log it);
	// Deliver still returns the first one.
	Failed func(item T, err error)
}

// Deliver claims up to Limit(limit) entries and delivers them in order,
// acknowledging each one delivered. A failed delivery holds back the later
// entries of its record in the batch, never other records' entries (see the
// package doc). It returns how many entries were delivered and the first
// delivery error, or the error of the claim, of an acknowledgement or of
// ctx, which ends the call.
func (d Deliverer[T]) Deliver(ctx context.Context, limit int) (int, error) {
	items, err := d.Claim(ctx, Limit(limit))
	if err != nil {
		return 0, err
	}
	done := 0
	var first error
	var held map[string]bool
	for _, item := range items {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		rec := d.Record(item)
		if held[rec] {
			continue
		}
		if err := d.Send(ctx, item); err != nil {
			if held == nil {
				held = make(map[string]bool)
			}
			held[rec] = true
			if first == nil {
				first = err
			}
			if d.Failed != nil {
				d.Failed(item, err)
			}
			continue
		}
		if err := d.Ack(ctx, item); err != nil {
			return done, err
		}
		done++
	}
	return done, first
}
