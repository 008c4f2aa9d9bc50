package practice_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/memstore"
)

// clock is a settable clock for Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// outboxOf saves n notifications for tenant, in one write per five, and
// returns their IDs in the order saved.
func outboxOf(t *testing.T, s practice.Store, n int) []string {
	t.Helper()
	var ids []string
	for w := 0; len(ids) < n; w++ {
		// One notification per pratica: the failure rule holds back only a
		// pratica's later notifications (TestDeliverNotificationsWaitBehindTheirPratica).
		p := &practice.Practice{ID: practice.ID(fmt.Sprintf("p-%03d", w)), Tenant: tenant, Service: serviceID,
			Owner: practice.Owner{ID: "cit-owner"}, Status: practice.StatusDraft}
		id := fmt.Sprintf("n-%03d", len(ids))
		notes := []practice.Notification{{ID: id, Tenant: tenant, Kind: practice.NotifyCitizenStatus,
			Practice: p.ID, Service: serviceID, Status: practice.StatusDraft, Recipient: "cit-owner"}}
		ids = append(ids, id)
		if _, _, err := s.Create(context.Background(), p, notes); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// newDeliveryDesk returns a Desk whose Config.Notifier is n.
func newDeliveryDesk(t *testing.T, s practice.Store, c *clock, lease time.Duration, n practice.Notifier) *practice.Desk {
	t.Helper()
	d, err := practice.New(practice.Config{Store: s, Now: c.now, NotificationLease: lease, Notifier: n})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// switchable is a Notifier that forwards to the one it holds now, so that
// a test can change the notifier of one Desk between drains.
type switchable struct{ to practice.Notifier }

func (s *switchable) Notify(ctx context.Context, n practice.Notification) error {
	return s.to.Notify(ctx, n)
}

// recorder is a Notifier that records what it is handed and fails the IDs
// in fail.
type recorder struct {
	mu   sync.Mutex
	got  []string
	fail map[string]bool
}

var errDown = errors.New("mail server down")

func (r *recorder) Notify(_ context.Context, n practice.Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail[n.ID] {
		return errDown
	}
	r.got = append(r.got, n.ID)
	return nil
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.got
	r.got = nil
	return out
}

func TestDeliverNotificationsLeasesWhatFails(t *testing.T) {
	s := memstore.New()
	ids := outboxOf(t, s, 6)
	c := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	r := &recorder{fail: map[string]bool{ids[1]: true, ids[4]: true}}
	d := newDeliveryDesk(t, s, c, 0, r) // the default lease: 1 minute
	ctx := context.Background()

	n, err := d.DeliverNotifications(ctx, tenant, 0)
	if n != 4 || !errors.Is(err, errDown) {
		t.Fatalf("first drain: %d delivered, %v; want 4 and the delivery error", n, err)
	}
	if got, want := r.take(), []string{ids[0], ids[2], ids[3], ids[5]}; !slices.Equal(got, want) {
		t.Fatalf("delivered %v, want %v: the others go on after a failure, in order", got, want)
	}
	r.fail = nil
	c.advance(time.Minute - time.Microsecond)
	if n, err := d.DeliverNotifications(ctx, tenant, 0); n != 0 || err != nil {
		t.Fatalf("within the lease: %d delivered, %v; want none", n, err)
	}
	c.advance(time.Microsecond)
	if n, err := d.DeliverNotifications(ctx, tenant, 0); n != 2 || err != nil {
		t.Fatalf("after the lease: %d delivered, %v; want 2", n, err)
	}
	if got, want := r.take(), []string{ids[1], ids[4]}; !slices.Equal(got, want) {
		t.Fatalf("redelivered %v, want %v", got, want)
	}
	c.advance(time.Hour)
	if rest := outbox(t, s, c.now()); len(rest) != 0 {
		t.Fatalf("%d notifications left after delivery", len(rest))
	}
	if n, err := d.DeliverNotifications(ctx, tenant, 0); n != 0 || err != nil {
		t.Fatalf("empty outbox: %d, %v", n, err)
	}
}

func TestDeliverNotificationsHonoursLimitAndLease(t *testing.T) {
	s := memstore.New()
	ids := outboxOf(t, s, 7)
	c := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	// A notifier that hangs up: the claimed notifications stay leased.
	stop := practice.NotifierFunc(func(context.Context, practice.Notification) error { return errDown })
	sw := &switchable{to: stop}
	d := newDeliveryDesk(t, s, c, 10*time.Minute, sw)
	ctx := context.Background()
	if n, err := d.DeliverNotifications(ctx, tenant, 3); n != 0 || !errors.Is(err, errDown) {
		t.Fatalf("failing drain: %d, %v", n, err)
	}
	r := &recorder{}
	sw.to = r
	c.advance(9 * time.Minute)
	if n, err := d.DeliverNotifications(ctx, tenant, 0); n != 4 || err != nil {
		t.Fatalf("second drain: %d, %v; want the 4 not leased", n, err)
	}
	c.advance(time.Minute)
	if n, err := d.DeliverNotifications(ctx, tenant, 2); n != 2 || err != nil {
		t.Fatalf("third drain: %d, %v; want 2 (the limit)", n, err)
	}
	if n, err := d.DeliverNotifications(ctx, tenant, 2); n != 1 || err != nil {
		t.Fatalf("fourth drain: %d, %v; want the last one", n, err)
	}
	if got, want := r.take(), append(slices.Clone(ids[3:]), ids[:3]...); !slices.Equal(got, want) {
		t.Fatalf("delivered %v, want %v", got, want)
	}
	none := newDeliveryDesk(t, s, c, 0, nil)
	if _, err := none.DeliverNotifications(ctx, tenant, 0); !errors.Is(err, practice.ErrUnavailable) {
		t.Fatalf("without a Notifier: %v, want ErrUnavailable", err)
	}
}

// Desks of several instances drain one outbox at once: each notification
// is delivered exactly once.
func TestDeliverNotificationsConcurrentDesksDeliverOnce(t *testing.T) {
	s := memstore.New()
	ids := outboxOf(t, s, 120)
	c := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	var mu sync.Mutex
	count := map[string]int{}
	notifier := practice.NotifierFunc(func(_ context.Context, n practice.Notification) error {
		mu.Lock()
		defer mu.Unlock()
		count[n.ID]++
		return nil
	})
	var total atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 6 {
		d := newDeliveryDesk(t, s, c, time.Hour, notifier)
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			// Bounded: a store that ignored leases would never run dry.
			for range len(ids) + 1 {
				n, err := d.DeliverNotifications(context.Background(), tenant, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					return
				}
				total.Add(int64(n))
			}
			t.Error("the outbox never ran dry")
		}()
	}
	close(start)
	wg.Wait()
	if total.Load() != int64(len(ids)) || len(count) != len(ids) {
		t.Fatalf("delivered %d (%d distinct), want %d", total.Load(), len(count), len(ids))
	}
	for id, n := range count {
		if n != 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
}

// A failed delivery holds back the later notifications of its pratica
// only: they go out, in order, after it.
func TestDeliverNotificationsWaitBehindTheirPratica(t *testing.T) {
	s := memstore.New()
	ctx := context.Background()
	mk := func(id practice.ID, nids ...string) {
		p := &practice.Practice{ID: id, Tenant: tenant, Service: serviceID, Owner: practice.Owner{ID: "cit-owner"}, Status: practice.StatusDraft}
		var notes []practice.Notification
		for _, nid := range nids {
			notes = append(notes, practice.Notification{ID: nid, Tenant: tenant, Kind: practice.NotifyCitizenStatus, Practice: id, Service: serviceID})
		}
		if _, _, err := s.Create(ctx, p, notes); err != nil {
			t.Fatal(err)
		}
	}
	mk("p-a", "a-1", "a-2", "a-3")
	mk("p-b", "b-1", "b-2")
	c := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	r := &recorder{fail: map[string]bool{"a-1": true}}
	d := newDeliveryDesk(t, s, c, time.Minute, r)
	if n, err := d.DeliverNotifications(ctx, tenant, 0); n != 2 || !errors.Is(err, errDown) {
		t.Fatalf("first drain: %d, %v; want b-1 and b-2 and the failure", n, err)
	}
	if got, want := r.take(), []string{"b-1", "b-2"}; !slices.Equal(got, want) {
		t.Fatalf("delivered %v, want %v: a-2 and a-3 wait behind a-1", got, want)
	}
	r.fail = nil
	if n, err := d.DeliverNotifications(ctx, tenant, 0); n != 0 || err != nil {
		t.Fatalf("within the lease: %d, %v", n, err)
	}
	c.advance(time.Minute)
	if n, err := d.DeliverNotifications(ctx, tenant, 0); n != 3 || err != nil {
		t.Fatalf("after the lease: %d, %v", n, err)
	}
	if got, want := r.take(), []string{"a-1", "a-2", "a-3"}; !slices.Equal(got, want) {
		t.Fatalf("delivered %v, want %v, in order", got, want)
	}
}
