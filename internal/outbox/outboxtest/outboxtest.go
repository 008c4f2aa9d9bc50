// Package outboxtest is the outbox section of every wing's conformance kit:
// Run checks that a store's outbox claims, leases, orders and acknowledges
// its entries under the rule of package outbox, and that the shared
// Deliverer's failure rule holds on it.
//
// A wing's kit calls it with a harness that turns the kit's abstract steps
// ("save one more entry for record r of tenant t", "claim", "acknowledge")
// into calls on the wing's store:
//
//	t.Run("Outbox", func(t *testing.T) { outboxtest.Run(t, newOutboxHarness) })
package outboxtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/outbox"
)

// Harness is one instance's view of a store's outbox.
type Harness interface {
	// Append makes the store save one new entry for record of tenant, the
	// way the wing does (creating or changing the record with the entry in
	// the same write), and returns the entry's ID. record is a label the
	// kit chooses; the harness maps it to a record of its own. An entry
	// appended later comes later in the store's outbox order (a store that
	// orders by time gets a later instant for each).
	Append(ctx context.Context, tenant, record string) (string, error)
	// Claim runs the store's claim and returns the IDs of the claimed
	// entries in the order the store returned them.
	Claim(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]string, error)
	// Ack runs the store's acknowledgement of tenant's entry id.
	Ack(ctx context.Context, tenant, id string) error
}

// NewHarnesses returns n harnesses on one fresh, empty store: n
// application instances sharing it (for pgstore, n connection pools on one
// database; for memstore, n views of one store). The kit appends through
// the first one only.
type NewHarnesses func(t *testing.T, n int) []Harness

// now is the kit's clock: a fixed instant, moved by hand; nothing sleeps.
var now = time.Date(2031, 3, 14, 9, 0, 0, 0, time.UTC)

const lease = time.Minute

// Run runs the outbox section against the harnesses newHarnesses makes.
func Run(t *testing.T, newHarnesses NewHarnesses) {
	t.Run("ClaimReturnsOrderAndLeases", func(t *testing.T) { claimOrderAndLease(t, newHarnesses) })
	t.Run("LeaseExpiryRedelivers", func(t *testing.T) { leaseExpiry(t, newHarnesses) })
	t.Run("LeaseZeroLeasesNothing", func(t *testing.T) { leaseZero(t, newHarnesses) })
	t.Run("AckRemovesOnce", func(t *testing.T) { ackRemoves(t, newHarnesses) })
	t.Run("LaterEntriesOfRecordWait", func(t *testing.T) { laterEntriesWait(t, newHarnesses) })
	t.Run("FailedEntryHoldsBackOnlyItsRecord", func(t *testing.T) { failureHoldsRecord(t, newHarnesses) })
	t.Run("LimitSemantics", func(t *testing.T) { limits(t, newHarnesses) })
	t.Run("TenantsAreIsolated", func(t *testing.T) { tenants(t, newHarnesses) })
	t.Run("ConcurrentClaimsAreExclusive", func(t *testing.T) { exclusive(t, newHarnesses) })
	t.Run("ConcurrentDeliverersKeepRecordOrder", func(t *testing.T) { recordOrder(t, newHarnesses) })
}

// fixture is one store with the entries the kit appended.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	hs     []Harness
	record map[string]string // entry ID -> record label
	name   map[string]string // entry ID -> "A1", for messages
	count  map[string]int
}

func setup(t *testing.T, newHarnesses NewHarnesses, n int) *fixture {
	t.Helper()
	hs := newHarnesses(t, n)
	if len(hs) != n {
		t.Fatalf("NewHarnesses(%d) gave %d harnesses", n, len(hs))
	}
	return &fixture{t: t, ctx: context.Background(), hs: hs,
		record: map[string]string{}, name: map[string]string{}, count: map[string]int{}}
}

// add appends one entry per record label, in the order given, to tenant.
func (f *fixture) add(tenant string, records ...string) []string {
	f.t.Helper()
	var ids []string
	for _, r := range records {
		id, err := f.hs[0].Append(f.ctx, tenant, r)
		if err != nil {
			f.t.Fatalf("Append(%s, %s): %v", tenant, r, err)
		}
		if _, dup := f.record[id]; dup {
			f.t.Fatalf("Append(%s, %s) returned the ID of an earlier entry", tenant, r)
		}
		f.count[tenant+"/"+r]++
		f.record[id], f.name[id] = r, fmt.Sprintf("%s%d", r, f.count[tenant+"/"+r])
		ids = append(ids, id)
	}
	return ids
}

func (f *fixture) claim(h int, tenant string, at time.Time, lease time.Duration, limit int) []string {
	f.t.Helper()
	ids, err := f.hs[h].Claim(f.ctx, tenant, at, lease, limit)
	if err != nil {
		f.t.Fatalf("Claim(%s, limit %d): %v", tenant, limit, err)
	}
	return ids
}

func (f *fixture) ack(tenant string, ids ...string) {
	f.t.Helper()
	for _, id := range ids {
		if err := f.hs[0].Ack(f.ctx, tenant, id); err != nil {
			f.t.Fatalf("Ack(%s, %s): %v", tenant, f.names(id), err)
		}
	}
}

func (f *fixture) names(ids ...string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		if n, ok := f.name[id]; ok {
			out[i] = n
		} else {
			out[i] = "unknown entry " + id
		}
	}
	return out
}

func (f *fixture) expect(what string, got, want []string) {
	f.t.Helper()
	if !slices.Equal(got, want) {
		f.t.Fatalf("%s: claimed %v, want %v", what, f.names(got...), f.names(want...))
	}
}

func claimOrderAndLease(t *testing.T, nh NewHarnesses) {
	f := setup(t, nh, 1)
	ids := f.add("t1", "A", "B", "C", "B", "A")
	f.expect("first claim", f.claim(0, "t1", now, lease, 0), ids)
	f.expect("claim while leased", f.claim(0, "t1", now, lease, 0), nil)
	f.expect("claim just before the lease ends", f.claim(0, "t1", now.Add(lease-time.Microsecond), lease, 0), nil)
}

func leaseExpiry(t *testing.T, nh NewHarnesses) {
	f := setup(t, nh, 1)
	ids := f.add("t1", "A", "B", "A")
	f.expect("first claim", f.claim(0, "t1", now, lease, 0), ids)
	later := now.Add(lease)
	f.expect("claim when the lease ends", f.claim(0, "t1", later, lease, 0), ids)
	f.expect("claim under the new lease", f.claim(0, "t1", later.Add(lease/2), lease, 0), nil)
	f.ack("t1", ids[0])
	f.expect("claim after the second lease", f.claim(0, "t1", later.Add(lease), lease, 0), ids[1:])
}

func leaseZero(t *testing.T, nh NewHarnesses) {
	f := setup(t, nh, 1)
	ids := f.add("t1", "A", "A", "B")
	f.expect("claim with lease 0", f.claim(0, "t1", now, 0, 0), ids)
	f.expect("claim again", f.claim(0, "t1", now, lease, 0), ids)
}

func ackRemoves(t *testing.T, nh NewHarnesses) {
	f := setup(t, nh, 1)
	ids := f.add("t1", "A", "B", "C")
	f.expect("first claim", f.claim(0, "t1", now, lease, 0), ids)
	f.ack("t1", ids[1], ids[1], "no-such-entry")
	f.expect("claim after the lease", f.claim(0, "t1", now.Add(lease), lease, 0), []string{ids[0], ids[2]})
	f.ack("t1", ids[0], ids[2])
	f.expect("claim after every ack", f.claim(0, "t1", now.Add(3*lease), lease, 0), nil)
}

func laterEntriesWait(t *testing.T, nh NewHarnesses) {
	f := setup(t, nh, 2)
	ids := f.add("t1", "A", "A", "B", "B") // A1 A2 B1 B2
	f.expect("claim of one", f.claim(0, "t1", now, lease, 1), ids[:1])
	f.expect("another instance's claim while A1 is leased", f.claim(1, "t1", now, lease, 10), ids[2:])
	more := f.add("t1", "A", "C")
	f.expect("claim of new entries while A1 and B are leased", f.claim(1, "t1", now, lease, 10), more[1:])
	f.ack("t1", ids[0])
	f.expect("claim after A1's ack", f.claim(1, "t1", now, lease, 10), []string{ids[1], more[0]})
}

func failureHoldsRecord(t *testing.T, nh NewHarnesses) {
	f := setup(t, nh, 1)
	ids := f.add("t1", "A", "B", "A", "B") // A1 B1 A2 B2
	failing := errors.New("notifier down")
	fail := map[string]bool{ids[0]: true}
	var sent []string
	deliver := func(at time.Time) (int, error) {
		return outbox.Deliverer[string]{
			Claim: func(ctx context.Context, limit int) ([]string, error) {
				return f.hs[0].Claim(ctx, "t1", at, lease, limit)
			},
			Send: func(_ context.Context, id string) error {
				if fail[id] {
					return failing
				}
				sent = append(sent, id)
				return nil
			},
			Ack:    func(ctx context.Context, id string) error { return f.hs[0].Ack(ctx, "t1", id) },
			Record: func(id string) string { return f.record[id] },
		}.Deliver(f.ctx, 0)
	}
	n, err := deliver(now)
	if n != 2 || !errors.Is(err, failing) {
		t.Fatalf("Deliver with A1 failing = %d, %v; want 2 and the notifier's error", n, err)
	}
	f.expect("delivered with A1 failing", sent, []string{ids[1], ids[3]})
	more := f.add("t1", "A", "B") // A3 B3
	sent = nil
	if n, err := deliver(now); n != 1 || err != nil {
		t.Fatalf("Deliver while A1 waits for its lease = %d, %v; want 1, nil", n, err)
	}
	f.expect("delivered while A1 waits", sent, more[1:])
	delete(fail, ids[0])
	sent = nil
	if n, err := deliver(now.Add(lease)); n != 3 || err != nil {
		t.Fatalf("Deliver after the lease = %d, %v; want 3, nil", n, err)
	}
	f.expect("delivered after the lease", sent, []string{ids[0], ids[2], more[0]})
	f.expect("claim of an empty outbox", f.claim(0, "t1", now.Add(3*lease), lease, 0), nil)
}

func limits(t *testing.T, nh NewHarnesses) {
	f := setup(t, nh, 1)
	records := make([]string, outbox.DefaultLimit+1)
	for i := range records {
		records[i] = fmt.Sprintf("R%d-", i%7)
	}
	ids := f.add("t1", records...)
	at := now
	for _, c := range []struct {
		limit int
		want  []string
	}{
		{0, ids[:outbox.DefaultLimit]},
		{-1, ids[:outbox.DefaultLimit]},
		{3, ids[:3]},
		{outbox.MaxLimit * 5, ids},
	} {
		f.expect(fmt.Sprintf("claim with limit %d", c.limit), f.claim(0, "t1", at, lease, c.limit), c.want)
		at = at.Add(lease)
	}
}

func tenants(t *testing.T, nh NewHarnesses) {
	f := setup(t, nh, 1)
	one := f.add("t1", "A", "A")
	two := f.add("t2", "A")
	f.expect("t2's claim", f.claim(0, "t2", now, lease, 0), two)
	f.expect("t1's claim while t2's A is leased", f.claim(0, "t1", now, lease, 0), one)
	f.ack("t2", one...)
	f.expect("t1's claim after t2 acknowledged t1's IDs", f.claim(0, "t1", now.Add(lease), lease, 0), one)
	f.expect("t3's claim", f.claim(0, "t3", now.Add(lease), lease, 0), nil)
}

func exclusive(t *testing.T, nh NewHarnesses) {
	f := setup(t, nh, 2)
	var records []string
	for i := range 24 {
		records = append(records, fmt.Sprintf("R%d-", i))
	}
	ids := f.add("t1", records...)
	const claimers = 8
	got := make([][]string, claimers)
	errs := make([]error, claimers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range claimers {
		wg.Go(func() {
			<-start
			got[i], errs[i] = f.hs[i%2].Claim(f.ctx, "t1", now, lease, 3)
		})
	}
	close(start)
	wg.Wait()
	seen := map[string]int{}
	for i := range claimers {
		if errs[i] != nil {
			t.Fatalf("concurrent Claim: %v", errs[i])
		}
		if len(got[i]) > 3 {
			t.Errorf("a claim with limit 3 took %d entries", len(got[i]))
		}
		for _, id := range got[i] {
			seen[id]++
		}
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s claimed by %d concurrent claimers", f.names(id), n)
		}
	}
	rest := f.claim(0, "t1", now, lease, 0)
	for _, id := range rest {
		seen[id]++
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Errorf("%s claimed %d times under one lease, want once", f.names(id), seen[id])
		}
	}
}

func recordOrder(t *testing.T, nh NewHarnesses) {
	f := setup(t, nh, 2)
	var records []string
	for range 5 {
		records = append(records, "A", "B", "C", "D", "E", "F")
	}
	ids := f.add("t1", records...)
	var mu sync.Mutex
	var log []string
	delivered := 0
	const deliverers = 6
	errs := make([]error, deliverers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range deliverers {
		wg.Go(func() {
			<-start
			h := f.hs[i%2]
			d := outbox.Deliverer[string]{
				Claim: func(ctx context.Context, limit int) ([]string, error) {
					return h.Claim(ctx, "t1", now, lease, limit)
				},
				Send: func(_ context.Context, id string) error {
					mu.Lock()
					defer mu.Unlock()
					log = append(log, id)
					return nil
				},
				Ack:    func(ctx context.Context, id string) error { return h.Ack(ctx, "t1", id) },
				Record: func(id string) string { return f.record[id] },
			}
			for range 1000 {
				n, err := d.Deliver(f.ctx, 4)
				if err != nil {
					errs[i] = err
					return
				}
				mu.Lock()
				delivered += n
				finished := delivered >= len(ids)
				mu.Unlock()
				if finished {
					return
				}
				if n == 0 {
					time.Sleep(time.Millisecond)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("concurrent Deliver: %v", err)
		}
	}
	// Every entry once, and each record's entries in the order appended.
	if !sameSet(log, ids) {
		t.Fatalf("delivered %v, want each of %v once", f.names(log...), f.names(ids...))
	}
	for _, r := range []string{"A", "B", "C", "D", "E", "F"} {
		var want, got []string
		for _, id := range ids {
			if f.record[id] == r {
				want = append(want, id)
			}
		}
		for _, id := range log {
			if f.record[id] == r {
				got = append(got, id)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("record %s delivered as %v, want %v", r, f.names(got...), f.names(want...))
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
