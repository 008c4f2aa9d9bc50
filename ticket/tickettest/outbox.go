package tickettest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/internal/conctest"
	"github.com/sportello/sportello/internal/outbox/outboxtest"
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

// runOutboxSection runs internal/outbox's shared kit section: the claim
// rule (leases, order, a request's later notifications waiting behind an
// earlier one, limits, tenants, exclusive claims across instances) and
// the delivery failure rule, with requests as records.
func runOutboxSection(t *testing.T, newHarness func(t *testing.T) Harness) {
	outboxtest.Run(t, func(t *testing.T, n int) []outboxtest.Harness {
		h := newHarness(t)
		t.Cleanup(h.Close)
		k := &kit{h: h, ctx: context.Background()}
		rs := &outboxtest.Records[*ticket.Request]{}
		var hs []outboxtest.Harness
		for _, s := range k.stores(t, n) {
			hs = append(hs, outboxHarness{k: k, rs: rs, s: s})
		}
		return hs
	})
}

// outboxHarness is one store instance as the shared outbox section sees
// it: an entry is a notification, its record the notification's request.
// k makes the requests; rs, shared by the instances, serializes its use.
type outboxHarness struct {
	k  *kit
	rs *outboxtest.Records[*ticket.Request]
	s  ticket.Store
}

// Append creates the labelled request with one notification, or updates
// it with one more.
func (h outboxHarness) Append(ctx context.Context, tenant, record string) (string, error) {
	return h.rs.Append(tenant, record, func(seq int) (*ticket.Request, string, error) {
		id, r := fmt.Sprintf("n-%05d", seq), h.k.request(tenant)
		return r, id, h.s.CreateRequest(ctx, r, []ticket.Notification{note(tenant, id, r, "", seq)})
	}, func(r *ticket.Request, seq int) (string, error) {
		id := fmt.Sprintf("n-%05d", seq)
		return id, h.s.UpdateRequests(ctx, []ticket.Notification{note(tenant, id, r, r.Ref, seq)}, r)
	})
}

// Claim runs ClaimNotifications and returns the IDs in the store's order.
func (h outboxHarness) Claim(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]string, error) {
	notes, err := h.s.ClaimNotifications(ctx, tenant, now, lease, limit)
	return noteIDs(notes), err
}

// Ack runs AckNotification.
func (h outboxHarness) Ack(ctx context.Context, tenant, id string) error {
	return h.s.AckNotification(ctx, tenant, id)
}
