package appointmenttest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/internal/outbox/outboxtest"
)

// outboxHarnesses adapts the stores of a Harness to the shared outbox
// section: a record label is a booking, booked with its first entry and
// updated with each later one.
func outboxHarnesses(newHarness func(t *testing.T) Harness) outboxtest.NewHarnesses {
	return func(t *testing.T, n int) []outboxtest.Harness {
		h := newHarness(t)
		t.Cleanup(h.Close)
		stores, err := h.MakeStores(context.Background(), n)
		if err != nil {
			t.Fatalf("MakeStores: %v", err)
		}
		rs := &outboxtest.Records[*appointment.Booking]{}
		out := make([]outboxtest.Harness, n)
		for i, s := range stores {
			out[i] = &outboxHarness{s: s, rs: rs}
		}
		return out
	}
}

// outboxHarness is one store instance as the shared outbox section sees
// it: an entry is a notification, its record the notification's booking.
type outboxHarness struct {
	s  appointment.Store
	rs *outboxtest.Records[*appointment.Booking]
}

// Append books the record's booking with its first entry, and updates it
// with each later one.
func (h *outboxHarness) Append(ctx context.Context, tenant, record string) (string, error) {
	note := func(b *appointment.Booking, seq int) (string, []appointment.Notification) {
		id := fmt.Sprintf("note-%04d", seq)
		return id, []appointment.Notification{{ID: id, Tenant: tenant, Kind: appointment.NotifyModified, Booking: b.ID, CreatedAt: T0}}
	}
	return h.rs.Append(tenant, record, func(seq int) (*appointment.Booking, string, error) {
		start := T0.Add(time.Duration(seq) * time.Hour)
		b := &appointment.Booking{ID: appointment.ID("rec-" + record), Tenant: tenant, Calendar: cal, OpeningHour: "oh-1",
			Start: start, End: start.Add(30 * time.Minute), Status: appointment.StatusApproved, FiscalCode: "RSSMRA80A01H501U",
			Created: T0, Updated: T0}
		id, n := note(b, seq)
		return b, id, h.s.Book(ctx, b, open(1000), n)
	}, func(b *appointment.Booking, seq int) (string, error) {
		id, n := note(b, seq)
		b.Notes = id
		return id, h.s.Update(ctx, b, n)
	})
}

// Claim runs the store's claim and returns the claimed IDs in order.
func (h *outboxHarness) Claim(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]string, error) {
	got, err := h.s.ClaimNotifications(ctx, tenant, now, lease, limit)
	ids := make([]string, len(got))
	for i, n := range got {
		ids[i] = n.ID
	}
	return ids, err
}

// Ack runs the store's acknowledgement.
func (h *outboxHarness) Ack(ctx context.Context, tenant, id string) error {
	return h.s.AckNotification(ctx, tenant, id)
}
