package tickettest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/internal/conctest"
	"github.com/sportello/sportello/ticket"
)

// note returns a notification of tenant about request r with every field
// set (Ref left empty when ref is "").
func note(tenant, id string, r *ticket.Request, ref string, minute int) ticket.Notification {
	return ticket.Notification{
		ID: id, Tenant: tenant, Kind: ticket.NotifyAssigned, RequestID: r.ID, Ref: ref,
		Recipients: []string{"user-1", "user-2"}, Team: "team-net", Status: ticket.StatusAssigned,
		Metric: ticket.MetricTTR, CreatedAt: at(minute),
	}
}

// peek returns every notification of tenant claimable at base, without
// claiming them (a zero lease holds and changes nothing).
func (k *kit) peek(t *testing.T, s ticket.Store, tenant string) []ticket.Notification {
	t.Helper()
	notes, err := s.ClaimNotifications(k.ctx, tenant, base, 0, 1000)
	require.NoError(t, err)
	return notes
}

// pending returns the IDs of every notification of tenant claimable at
// base.
func (k *kit) pending(t *testing.T, s ticket.Store, tenant string) []string {
	t.Helper()
	return noteIDs(k.peek(t, s, tenant))
}

// claim leases up to limit notifications of tenant at now for lease and
// returns their IDs.
func (k *kit) claim(t *testing.T, s ticket.Store, tenant string, now time.Time, lease time.Duration, limit int) []string {
	t.Helper()
	notes, err := s.ClaimNotifications(k.ctx, tenant, now, lease, limit)
	require.NoError(t, err)
	return noteIDs(notes)
}

// noteIDs returns the IDs of notes, in order (empty, not nil, for none).
func noteIDs(notes []ticket.Notification) []string {
	out := []string{}
	for _, n := range notes {
		out = append(out, n.ID)
	}
	return out
}

// outboxOf creates a request of tenant whose writes save n notes, "n-00"
// to "n-<n-1>" in that order, over several writes (a create and updates
// of up to 4 notes each), and returns the request.
func (k *kit) outboxOf(t *testing.T, s ticket.Store, tenant string, n int) *ticket.Request {
	t.Helper()
	r := k.request(tenant)
	var batch []ticket.Notification
	created := false
	flush := func() {
		if created {
			require.NoError(t, s.UpdateRequests(k.ctx, batch, r))
		} else {
			require.NoError(t, s.CreateRequest(k.ctx, r, batch))
			created = true
		}
		batch = nil
	}
	for i := range n {
		batch = append(batch, note(tenant, fmt.Sprintf("n-%02d", i), r, "", i))
		if len(batch) == 4 {
			flush()
		}
	}
	if len(batch) > 0 || !created {
		flush()
	}
	return r
}

// testOutboxSavedWithWrites: notes given to CreateRequest and
// UpdateRequests come back whole, in order, the create's with the new Ref.
func testOutboxSavedWithWrites(t *testing.T, k *kit) {
	s := k.store(t)
	r := k.request("t1")
	first := note("t1", "n-b", r, "", 1)
	first.Kind, first.Recipients, first.Metric = ticket.NotifyNewRequest, nil, ""
	require.NoError(t, s.CreateRequest(k.ctx, r, []ticket.Notification{first, note("t1", "n-a", r, "R-999999", 2)}))
	require.NoError(t, s.UpdateRequests(k.ctx, []ticket.Notification{note("t1", "n-0", r, r.Ref, 3)}, r))
	r2 := k.create(t, s, k.request("t1"))
	require.NoError(t, s.UpdateRequests(k.ctx, []ticket.Notification{note("t1", "n-c", r2, r2.Ref, 4), note("t1", "n-1", r, r.Ref, 5)}, r2, r))

	notes := k.peek(t, s, "t1")
	require.Len(t, notes, 5)
	assert.Equal(t, []string{"n-b", "n-a", "n-0", "n-c", "n-1"}, noteIDs(notes),
		"oldest write first, then in the order given (not by ID)")
	want := first
	want.Ref = r.Ref
	assert.Equal(t, want, notes[0], "an empty Ref becomes the new request's")
	assert.Equal(t, note("t1", "n-a", r, "R-999999", 2), notes[1], "a given Ref is kept")
	assert.Equal(t, note("t1", "n-c", r2, r2.Ref, 4), notes[3], "every field round-trips")
	for _, n := range notes {
		assert.Equal(t, time.UTC, n.CreatedAt.Location(), "CreatedAt comes back in UTC")
	}

	// Returned notes are copies.
	notes[0].Recipients = append(notes[0].Recipients, "intruder")
	notes[3].Recipients[0] = "intruder"
	again := k.peek(t, s, "t1")
	assert.Nil(t, again[0].Recipients)
	assert.Equal(t, "user-1", again[3].Recipients[0])

	// A leasing claim hands out the same values, in the same order.
	claimed, err := s.ClaimNotifications(k.ctx, "t1", at(10), time.Minute, 10)
	require.NoError(t, err)
	want.Recipients = nil
	assert.Equal(t, want, claimed[0])
	assert.Equal(t, note("t1", "n-c", r2, r2.Ref, 4), claimed[3])
	assert.Equal(t, []string{"n-b", "n-a", "n-0", "n-c", "n-1"}, noteIDs(claimed))
	for _, n := range claimed {
		assert.Equal(t, time.UTC, n.CreatedAt.Location(), "CreatedAt comes back in UTC")
	}
}

// testOutboxClaimLimits: limit bounds a claim and leases only what it
// returns; limit <= 0 and a zero lease lease nothing.
func testOutboxClaimLimits(t *testing.T, k *kit) {
	s := k.store(t)
	k.outboxOf(t, s, "t1", 5)
	assert.Empty(t, k.claim(t, s, "t1", at(0), time.Hour, 0), "limit 0 returns none")
	assert.Empty(t, k.claim(t, s, "t1", at(0), time.Hour, -1), "a negative limit returns none")
	assert.Equal(t, []string{"n-00", "n-01", "n-02", "n-03", "n-04"}, k.claim(t, s, "t1", at(0), 0, 10),
		"a zero lease lists every claimable note")
	assert.Equal(t, []string{"n-00", "n-01", "n-02"}, k.claim(t, s, "t1", at(0), -time.Minute, 3),
		"a negative lease lists too")
	assert.Equal(t, []string{"n-00", "n-01"}, k.claim(t, s, "t1", at(0), time.Hour, 2),
		"nothing was leased before: limit bounds the claim, oldest first")
	assert.Equal(t, []string{"n-02", "n-03", "n-04"}, k.claim(t, s, "t1", at(0), time.Hour, 10),
		"the rest, beyond the limit, was not leased")
	assert.Empty(t, k.claim(t, s, "t1", at(0), time.Hour, 10))
}

// testOutboxLeases: a leased note is claimable again exactly when its
// lease ends, with the same content; claims keep creation order across
// leased gaps.
func testOutboxLeases(t *testing.T, k *kit) {
	s := k.store(t)
	k.outboxOf(t, s, "t1", 5)
	const lease = 10 * time.Minute
	before := k.peek(t, s, "t1")
	assert.Equal(t, []string{"n-00", "n-01"}, k.claim(t, s, "t1", at(0), lease, 2))
	assert.Equal(t, []string{"n-02", "n-03"}, k.claim(t, s, "t1", at(5), lease, 2), "leased notes are skipped")
	assert.Equal(t, []string{"n-04"}, k.claim(t, s, "t1", at(9), lease, 10))
	assert.Empty(t, k.claim(t, s, "t1", at(9), lease, 10), "every note is leased")
	assert.Empty(t, k.claim(t, s, "t1", at(0).Add(lease-time.Microsecond), 0, 10), "a lease runs until now+lease")

	again, err := s.ClaimNotifications(k.ctx, "t1", at(10), lease, 10)
	require.NoError(t, err)
	assert.Equal(t, before[:2], again, "an ended lease hands the notes out again, unchanged")
	assert.Empty(t, k.claim(t, s, "t1", at(14), lease, 10), "n-02..n-04 are still leased, n-00 and n-01 leased again")
	assert.Equal(t, []string{"n-02", "n-03"}, k.claim(t, s, "t1", at(15), lease, 10), "n-04's lease runs until minute 19")
	assert.Equal(t, []string{"n-00", "n-01", "n-04"}, k.claim(t, s, "t1", at(20), lease, 10),
		"creation order, across notes leased at different times")
	assert.Equal(t, []string{"n-02", "n-03"}, k.claim(t, s, "t1", at(25), 0, 10), "a zero-lease claim at minute 25")
	assert.Equal(t, []string{"n-02", "n-03"}, k.claim(t, s, "t1", at(25), lease, 10), "... leased nothing")
}

// testOutboxOnlyWithSuccessfulWrites: every refused write saves none of
// its notes, and a note the outbox refuses fails the whole write.
func testOutboxOnlyWithSuccessfulWrites(t *testing.T, k *kit) {
	s := k.store(t)
	r := k.request("t1")
	r.IdempotencyKey = "key-1"
	require.NoError(t, s.CreateRequest(k.ctx, r, []ticket.Notification{note("t1", "n-1", r, "", 1)}))

	dupID := k.request("t1")
	dupID.ID = r.ID
	assertConflict(t, s.CreateRequest(k.ctx, dupID, []ticket.Notification{note("t1", "x-1", dupID, "", 2)}), "id")
	dupKey := k.request("t1")
	dupKey.IdempotencyKey = "key-1"
	assertConflict(t, s.CreateRequest(k.ctx, dupKey, []ticket.Notification{note("t1", "x-2", dupKey, "", 2)}), "idempotency_key")

	stale := r.Clone()
	stale.Version = 7
	assertConflict(t, s.UpdateRequests(k.ctx, []ticket.Notification{note("t1", "x-3", r, "", 3)}, stale), "version")
	missing := k.request("t1")
	missing.Version = 1
	assert.ErrorIs(t, s.UpdateRequests(k.ctx, []ticket.Notification{note("t1", "x-4", r, "", 3)}, missing), ticket.ErrNotFound)
	assert.NoError(t, s.UpdateRequests(k.ctx, []ticket.Notification{note("t1", "x-5", r, "", 3)}), "no request: nothing, not even the note")

	// Notes the outbox refuses: another tenant's, an ID already pending,
	// an ID twice in one write. The request is not changed either.
	fresh := k.request("t1")
	assert.ErrorIs(t, s.CreateRequest(k.ctx, fresh, []ticket.Notification{note("t2", "x-6", fresh, "", 4)}), ticket.ErrNotFound)
	_, err := s.GetRequest(k.ctx, "t1", fresh.ID)
	assert.ErrorIs(t, err, ticket.ErrNotFound, "a refused note fails the create")
	upd := r.Clone()
	upd.Title = "changed"
	assert.ErrorIs(t, s.UpdateRequests(k.ctx, []ticket.Notification{note("t2", "x-7", r, "", 4)}, upd), ticket.ErrNotFound)
	assertConflict(t, s.UpdateRequests(k.ctx, []ticket.Notification{note("t1", "n-1", r, "", 4)}, upd), "notification_id")
	assertConflict(t, s.UpdateRequests(k.ctx, []ticket.Notification{note("t1", "x-8", r, "", 4), note("t1", "x-8", r, "", 5)}, upd), "notification_id")
	got, err := s.GetRequest(k.ctx, "t1", r.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version, "a refused note fails the update")
	assert.NotEqual(t, "changed", got.Title)

	assert.Equal(t, []string{"n-1"}, k.pending(t, s, "t1"))
	assert.Empty(t, k.pending(t, s, "t2"))

	// A later successful write adds its note after the first.
	require.NoError(t, s.UpdateRequests(k.ctx, []ticket.Notification{note("t1", "n-2", r, "", 6)}, upd))
	assert.Equal(t, []string{"n-1", "n-2"}, k.pending(t, s, "t1"))
}

// testOutboxAck: an acknowledged note is never claimed again, leased or
// not; acknowledging twice, an unknown ID or another tenant's is a no-op;
// an acknowledged ID may be used again.
func testOutboxAck(t *testing.T, k *kit) {
	s := k.store(t)
	r := k.outboxOf(t, s, "t1", 5)
	assert.Equal(t, []string{"n-00", "n-01"}, k.claim(t, s, "t1", at(0), time.Minute, 2))
	require.NoError(t, s.AckNotification(k.ctx, "t1", "n-00"), "a leased note")
	require.NoError(t, s.AckNotification(k.ctx, "t1", "n-03"), "a note never claimed")
	assert.Equal(t, []string{"n-01", "n-02", "n-04"}, k.claim(t, s, "t1", at(1), 0, 10))
	assert.NoError(t, s.AckNotification(k.ctx, "t1", "n-00"), "acknowledged already")
	assert.NoError(t, s.AckNotification(k.ctx, "t1", "nope"), "unknown")
	assert.NoError(t, s.AckNotification(k.ctx, "t2", "n-01"), "another tenant's")
	assert.Equal(t, []string{"n-01", "n-02", "n-04"}, k.claim(t, s, "t1", at(1), 0, 10), "those changed nothing")
	for _, id := range []string{"n-01", "n-02", "n-04"} {
		require.NoError(t, s.AckNotification(k.ctx, "t1", id))
	}
	assert.Empty(t, k.claim(t, s, "t1", at(60), time.Minute, 10), "never claimed again, even after the lease")
	require.NoError(t, s.UpdateRequests(k.ctx, []ticket.Notification{note("t1", "n-00", r, "", 9)}, r), "an acknowledged ID is free again")
	assert.Equal(t, []string{"n-00"}, k.claim(t, s, "t1", at(60), time.Minute, 10))
}

// testOutboxTenants: each tenant claims and acknowledges only its own
// notes, even with the same note IDs.
func testOutboxTenants(t *testing.T, k *kit) {
	s := k.store(t)
	r1, r2 := k.request("t1"), k.request("t2")
	require.NoError(t, s.CreateRequest(k.ctx, r1, []ticket.Notification{note("t1", "n-1", r1, "", 1)}))
	require.NoError(t, s.CreateRequest(k.ctx, r2, []ticket.Notification{note("t2", "n-1", r2, "", 2), note("t2", "n-2", r2, "", 3)}))
	assert.Equal(t, []string{"n-1"}, k.pending(t, s, "t1"))
	assert.Equal(t, []string{"n-1", "n-2"}, k.pending(t, s, "t2"))
	assert.Empty(t, k.pending(t, s, "t3"))

	assert.Equal(t, []string{"n-1", "n-2"}, k.claim(t, s, "t2", at(0), time.Hour, 10))
	notes, err := s.ClaimNotifications(k.ctx, "t1", at(0), time.Hour, 10)
	require.NoError(t, err)
	require.Len(t, notes, 1, "t2's lease does not hold t1's note of the same ID")
	assert.Equal(t, "t1", notes[0].Tenant)
	assert.Equal(t, r1.ID, notes[0].RequestID)
	assert.Empty(t, k.claim(t, s, "t3", at(0), time.Hour, 10))

	require.NoError(t, s.AckNotification(k.ctx, "t2", "n-1"))
	assert.Equal(t, []string{"n-1"}, k.claim(t, s, "t1", at(60), 0, 10), "t2's acknowledgement leaves t1's note")
	assert.Equal(t, []string{"n-2"}, k.claim(t, s, "t2", at(60), 0, 10))
	require.NoError(t, s.AckNotification(k.ctx, "t1", "n-2"), "t1 has no n-2: a no-op")
	assert.Equal(t, []string{"n-2"}, k.claim(t, s, "t2", at(60), 0, 10), "t2's n-2 is left untouched")
}

// testOutboxClaimsExclusive: many claimers over two stores sharing the
// data, all at the same instant, split the outbox: each note goes to
// exactly one claimer while its lease runs, each batch in creation order.
// Once the leases end the notes are split again the same way; concurrent
// acknowledgements (some twice) then empty the outbox.
func testOutboxClaimsExclusive(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	const notes, claimers = 30, 8
	k.outboxOf(t, ss[0], "t1", notes)
	k.outboxOf(t, ss[1], "t2", 3)
	round := func(now time.Time) map[string]int {
		var mu sync.Mutex
		seen := map[string]int{}
		conctest.Run(t, claimers, nil, func(i int) error {
			// A claimer needs at most notes claims; the bound makes a
			// store that leases nothing fail here instead of looping.
			for range notes + 1 {
				got, err := ss[i%2].ClaimNotifications(k.ctx, "t1", now, time.Hour, 3)
				if err != nil || len(got) == 0 {
					return err
				}
				batch := noteIDs(got)
				if !slices.IsSorted(batch) {
					return fmt.Errorf("batch out of creation order: %v", batch)
				}
				mu.Lock()
				for _, id := range batch {
					seen[id]++
				}
				mu.Unlock()
			}
			return nil
		})
		return seen
	}
	check := func(seen map[string]int, when string) {
		t.Helper()
		assert.Len(t, seen, notes, "%s: every note claimed", when)
		for id, c := range seen {
			assert.Equal(t, 1, c, "%s: %s handed out %d times", when, id, c)
		}
	}
	check(round(at(0)), "first round")
	assert.Empty(t, k.claim(t, ss[1], "t1", at(59), time.Hour, 100), "every lease runs")
	check(round(at(60)), "after the leases")

	conctest.Run(t, notes*2, nil, func(i int) error {
		return ss[i%2].AckNotification(k.ctx, "t1", fmt.Sprintf("n-%02d", i/2))
	})
	assert.Empty(t, k.claim(t, ss[0], "t1", at(500), time.Hour, 100), "every note acknowledged")
	assert.Equal(t, []string{"n-00", "n-01", "n-02"}, k.claim(t, ss[0], "t2", at(500), time.Hour, 100), "another tenant's notes untouched")
}

// testOutboxConcurrentWriters: of concurrent updates of one version, on
// two stores, only the winner's notes are saved.
func testOutboxConcurrentWriters(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	r := k.create(t, ss[0], k.request("t1"))
	const n = 12
	winner := ""
	ok, _ := conctest.Run(t, n, ticket.ErrConflict, func(i int) error {
		c := r.Clone()
		c.Title = fmt.Sprintf("writer %d", i)
		id := fmt.Sprintf("n-%02d", i)
		err := ss[i%2].UpdateRequests(k.ctx, []ticket.Notification{note("t1", id, r, "", i), note("t1", id+"-b", r, "", i)}, c)
		if err == nil {
			winner = id
		}
		return err
	})
	require.Equal(t, 1, ok)
	assert.Equal(t, []string{winner, winner + "-b"}, k.pending(t, ss[1], "t1"))
}
