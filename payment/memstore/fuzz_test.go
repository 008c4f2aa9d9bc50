package memstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/sportello/sportello/internal/outbox"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/memstore"
)

// modelEvent is the reference model's view of one outbox event.
type modelEvent struct {
	ev    payment.Event
	saved int
	until time.Time
	acked bool
}

// FuzzOutboxLease plays random sequences of saves (with instants out of
// order and in two tenants), claims, acknowledgements and clock moves on
// a Store and on a plain reference model of the outbox contract, and
// checks that every claim returns exactly what the model says: the
// tenant's unacknowledged events not under lease and not behind an earlier
// event of their payment that is, in saving order, at most
// outbox.Limit(limit) of them.
func FuzzOutboxLease(f *testing.F) {
	f.Add([]byte{3, 0, 0, 3, 5, 1, 3, 2, 0, 0, 2, 1, 0, 1, 3, 2, 1, 0, 0, 2, 6, 0, 0, 0, 0})
	f.Add([]byte{3, 1, 0, 3, 1, 0, 0, 1, 4, 0, 1, 4, 2, 4, 0, 0, 1, 4, 1, 0, 0})
	f.Add([]byte{3, 5, 1, 3, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 2, 7, 0, 0, 2, 3})
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tenants := []string{"t1", "t2"}
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 300 {
			ops = ops[:300]
		}
		ctx := context.Background()
		s := memstore.New()
		var model []*modelEvent
		now := base
		for i := 0; i+2 < len(ops); i += 3 {
			op, a, b := ops[i]%4, int(ops[i+1]), int(ops[i+2])
			tenant := tenants[b%2]
			switch op {
			case 0: // claim
				limit, lease := a%4, time.Duration(b%5-1)*10*time.Second
				got, err := s.ClaimEvents(ctx, tenant, now, lease, limit)
				if err != nil {
					t.Fatal(err)
				}
				var want []*modelEvent
				// In saving order; a payment whose earlier event is
				// under lease holds its later events back.
				waiting := map[payment.ID]bool{}
				for _, m := range model {
					if m.ev.Tenant != tenant || m.acked || waiting[m.ev.PaymentID] || len(want) == outbox.Limit(limit) {
						continue
					}
					if now.Before(m.until) {
						waiting[m.ev.PaymentID] = true
						continue
					}
					want = append(want, m)
				}
				wantEvs := make([]payment.Event, len(want))
				for j, m := range want {
					m.until = now.Add(max(lease, 0))
					wantEvs[j] = m.ev
				}
				if !slices.Equal(got, wantEvs) {
					t.Fatalf("op %d: claim(%s, limit %d, lease %v) at +%v = %v, want %v", i/3, tenant, limit, lease, now.Sub(base), got, wantEvs)
				}
			case 1: // acknowledge, sometimes from the wrong tenant
				if len(model) == 0 {
					continue
				}
				m := model[a%len(model)]
				if err := s.AckEvent(ctx, tenant, m.ev.ID); err != nil {
					t.Fatal(err)
				}
				if m.ev.Tenant == tenant {
					m.acked = true
				}
			case 2: // the clock moves on
				now = now.Add(time.Duration(a%8) * 5 * time.Second)
			case 3: // a write saves one or two events, instants out of order
				id := fmt.Sprintf("p%03d", len(model))
				p := &payment.Payment{ID: payment.ID(id), Tenant: tenant, Kind: payment.KindManual,
					Status: payment.StatusComplete, Amount: decimal.New(1, 0)}
				var evs []payment.Event
				for k := range 1 + (a/6)%2 {
					e := payment.Event{ID: fmt.Sprintf("e%03d", len(model)+k), Tenant: tenant, PaymentID: p.ID,
						To: payment.StatusComplete, At: base.Add(time.Duration(a%6) * time.Second)}
					evs = append(evs, e)
				}
				if _, _, err := s.Create(ctx, p, evs); err != nil {
					t.Fatal(err)
				}
				for _, e := range evs {
					model = append(model, &modelEvent{ev: e, saved: len(model)})
				}
			}
		}
	})
}
