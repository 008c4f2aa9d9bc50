package tickettest

import (
	"fmt"
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

// pending returns the IDs of every pending notification of tenant.
func (k *kit) pending(t *testing.T, s ticket.Store, tenant string) []string {
	t.Helper()
	notes, err := s.PendingNotifications(k.ctx, tenant, 1000)
	require.NoError(t, err)
	out := []string{}
	for _, n := range notes {
		out = append(out, n.ID)
	}
	return out
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

	notes, err := s.PendingNotifications(k.ctx, "t1", 10)
	require.NoError(t, err)
	require.Len(t, notes, 5)
	assert.Equal(t, []string{"n-b", "n-a", "n-0", "n-c", "n-1"}, []string{notes[0].ID, notes[1].ID, notes[2].ID, notes[3].ID, notes[4].ID},
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
	again, err := s.PendingNotifications(k.ctx, "t1", 10)
	require.NoError(t, err)
	assert.Nil(t, again[0].Recipients)
	assert.Equal(t, "user-1", again[3].Recipients[0])

	page, err := s.PendingNotifications(k.ctx, "t1", 2)
	require.NoError(t, err)
	assert.Len(t, page, 2, "limit bounds the result")
	none, err := s.PendingNotifications(k.ctx, "t1", 0)
	require.NoError(t, err)
	assert.Empty(t, none, "limit 0 returns none")
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

// testOutboxMarkDelivered: a delivered note is never returned again;
// unknown, repeated and foreign IDs are ErrNotFound; a delivered ID may be
// used again.
func testOutboxMarkDelivered(t *testing.T, k *kit) {
	s := k.store(t)
	r := k.request("t1")
	var notes []ticket.Notification
	for i := range 5 {
		notes = append(notes, note("t1", fmt.Sprintf("n-%d", i), r, "", i))
	}
	require.NoError(t, s.CreateRequest(k.ctx, r, notes))
	require.NoError(t, s.MarkDelivered(k.ctx, "t1", "n-0"))
	require.NoError(t, s.MarkDelivered(k.ctx, "t1", "n-3"))
	assert.Equal(t, []string{"n-1", "n-2", "n-4"}, k.pending(t, s, "t1"))
	assert.ErrorIs(t, s.MarkDelivered(k.ctx, "t1", "n-0"), ticket.ErrNotFound, "already delivered")
	assert.ErrorIs(t, s.MarkDelivered(k.ctx, "t1", "nope"), ticket.ErrNotFound, "unknown")
	assert.ErrorIs(t, s.MarkDelivered(k.ctx, "t2", "n-1"), ticket.ErrNotFound, "another tenant's")
	assert.Equal(t, []string{"n-1", "n-2", "n-4"}, k.pending(t, s, "t1"), "a foreign MarkDelivered removes nothing")
	for _, id := range []string{"n-1", "n-2", "n-4"} {
		require.NoError(t, s.MarkDelivered(k.ctx, "t1", id))
	}
	assert.Empty(t, k.pending(t, s, "t1"))
	require.NoError(t, s.UpdateRequests(k.ctx, []ticket.Notification{note("t1", "n-0", r, "", 9)}, r), "a delivered ID is free again")
	assert.Equal(t, []string{"n-0"}, k.pending(t, s, "t1"))
}

// testOutboxTenants: each tenant sees and drains only its own notes, even
// with the same note IDs.
func testOutboxTenants(t *testing.T, k *kit) {
	s := k.store(t)
	r1, r2 := k.request("t1"), k.request("t2")
	require.NoError(t, s.CreateRequest(k.ctx, r1, []ticket.Notification{note("t1", "n-1", r1, "", 1)}))
	require.NoError(t, s.CreateRequest(k.ctx, r2, []ticket.Notification{note("t2", "n-1", r2, "", 2), note("t2", "n-2", r2, "", 3)}))
	assert.Equal(t, []string{"n-1"}, k.pending(t, s, "t1"))
	assert.Equal(t, []string{"n-1", "n-2"}, k.pending(t, s, "t2"))
	assert.Empty(t, k.pending(t, s, "t3"))
	require.NoError(t, s.MarkDelivered(k.ctx, "t2", "n-1"))
	assert.Equal(t, []string{"n-1"}, k.pending(t, s, "t1"), "t2's delivery leaves t1's note")
	notes, err := s.PendingNotifications(k.ctx, "t1", 10)
	require.NoError(t, err)
	assert.Equal(t, "t1", notes[0].Tenant)
	assert.Equal(t, r1.ID, notes[0].RequestID)
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
