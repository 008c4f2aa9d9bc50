package ticket_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/memstore"
)

// drain delivers every pending notification of t1 and returns them.
func (f *fixture) drain(t *testing.T) []ticket.Notification {
	t.Helper()
	var got []ticket.Notification
	f.notify = func(_ context.Context, n ticket.Notification) error {
		got = append(got, n)
		return nil
	}
	if _, err := f.desk.DeliverNotifications(f.ctx, "t1", 1000); err != nil {
		t.Fatal(err)
	}
	return got
}

// summary is a notification as "kind to recipients|team:status".
func summary(n ticket.Notification) string {
	to := strings.Join(n.Recipients, ",")
	if to == "" {
		to = "team:" + n.Team
	}
	s := string(n.Kind) + " " + to + " " + string(n.Status)
	if n.Metric != "" {
		s += " " + string(n.Metric)
	}
	return s
}

func (f *fixture) expectNotes(t *testing.T, step string, want ...string) {
	t.Helper()
	got := []string{}
	for _, n := range f.drain(t) {
		if n.Tenant != "t1" || n.ID == "" || n.RequestID == "" || !strings.HasPrefix(n.Ref, "R-") || !n.CreatedAt.Equal(f.clock.Now()) {
			t.Errorf("%s: incomplete notification %+v", step, n)
		}
		got = append(got, summary(n))
	}
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: notifications\n got %q\nwant %q", step, got, want)
	}
}

// Every change the outbox promises notifies exactly its recipients; the
// actor is never told of its own action; changes that promise nothing
// notify nobody.
func TestNotificationsFollowTheChanges(t *testing.T) {
	f := newFixture(t, nil)
	r := f.newRequest(t)
	f.expectNotes(t, "create", "new_request team:team-a new")
	must(f.desk.Comment(f.ctx, f.contact, r.ID, "Same here"))(t)
	f.expectNotes(t, "party comment, no agent yet", "party_comment team:team-a new")
	must(f.desk.Assign(f.ctx, f.agent, r.ID, "team-a", f.agent.ID))(t)
	f.expectNotes(t, "assign", "assigned u-req,u-con assigned")
	must(f.desk.Comment(f.ctx, f.requester, r.ID, "Any news?"))(t)
	f.expectNotes(t, "party comment", "party_comment ag-a assigned")
	must(f.desk.Comment(f.ctx, f.agent, r.ID, "On my way"))(t)
	f.expectNotes(t, "agent comment", "agent_comment u-req,u-con assigned")
	must(f.desk.PrivateLog(f.ctx, f.agent, r.ID, "PSU?"))(t)
	must(f.desk.AddContact(f.ctx, f.requester, r.ID, "u-third"))(t)
	must(f.desk.Attach(f.ctx, f.requester, r.ID, "log.txt", strings.NewReader("boot log")))(t)
	f.expectNotes(t, "private log, contact, attachment")
	must(f.desk.SetPending(f.ctx, f.agent, r.ID, "waiting for parts"))(t)
	f.expectNotes(t, "pending", "pending u-req,u-con,u-third pending")
	must(f.desk.Assign(f.ctx, f.agent, r.ID, "", ""))(t)
	f.expectNotes(t, "assign back", "assigned u-req,u-con,u-third assigned")
	must(f.desk.Reassign(f.ctx, f.agent, r.ID, "", "ag-a2"))(t)
	f.expectNotes(t, "reassign", "assigned u-req,u-con,u-third assigned")
	must(f.desk.Resolve(f.ctx, f.admin, r.ID, "fixed", "New PSU"))(t)
	f.expectNotes(t, "resolve", "resolved u-req,u-con,u-third resolved")
	must(f.desk.Reopen(f.ctx, f.requester, r.ID, "Black again"))(t)
	f.expectNotes(t, "reopen by the requester", "reopened u-con,u-third assigned", "party_comment ag-a2 assigned")
	must(f.desk.Resolve(f.ctx, f.admin, r.ID, "fixed", "Newer PSU"))(t)
	f.drain(t)
	must(f.desk.Close(f.ctx, f.contact, r.ID, 1, "Thanks"))(t)
	f.expectNotes(t, "close", "party_comment ag-a2 closed")

	a, b := f.newRequest(t), f.newRequest(t)
	f.drain(t)
	must(f.desk.WaitForApproval(f.ctx, f.agent, a.ID))(t)
	must(f.desk.WaitForApproval(f.ctx, f.agent, b.ID))(t)
	f.expectNotes(t, "wait for approval")
	must(f.desk.Approve(f.ctx, f.agent, a.ID, ""))(t)
	f.expectNotes(t, "approve", "approved u-req,u-con approved")
	must(f.desk.Reject(f.ctx, f.agent, b.ID, "out of scope"))(t)
	f.expectNotes(t, "reject", "rejected u-req,u-con rejected")
}

// Children resolved with their parent notify their own parties, in the
// same write as the parent's.
func TestResolvingAParentNotifiesTheChildrensParties(t *testing.T) {
	f := newFixture(t, nil)
	parent := f.newRequest(t)
	must(f.desk.Create(f.ctx, f.agent, ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID,
		Title: "same", Description: "same", Extra: map[string]string{"local_team": "north"},
		RequesterID: f.other.ID, ParentID: parent.ID}))(t)
	must(f.desk.Assign(f.ctx, f.agent, parent.ID, "team-a", f.agent.ID))(t)
	f.drain(t)
	must(f.desk.Resolve(f.ctx, f.agent, parent.ID, "fixed", "Replaced the switch"))(t)
	f.expectNotes(t, "resolve parent", "resolved u-req,u-con resolved", "resolved u-other resolved")
}

// The sweep's warnings and escalations go to the team, with the metric.
func TestSweepNotifiesTheTeam(t *testing.T) {
	f := newFixture(t, func(c *ticket.Config) {
		c.Targets = []ticket.Target{{Metric: ticket.MetricTTO, Duration: time.Hour}}
	})
	f.newRequest(t)
	f.drain(t)
	f.clock.Set(start.Add(45 * time.Minute))
	must(f.desk.Sweep(f.ctx, "t1", f.clock.Now()))(t)
	f.expectNotes(t, "75%", "sla_warning team:team-a new tto")
	f.clock.Set(start.Add(time.Hour))
	must(f.desk.Sweep(f.ctx, "t1", f.clock.Now()))(t)
	f.expectNotes(t, "100%", "sla_escalation team:team-a escalated_tto tto")
	must(f.desk.Sweep(f.ctx, "t1", f.clock.Now()))(t)
	f.expectNotes(t, "again")
}

// failingOutbox wraps a Store to make AckNotification fail once: a crash
// between Notify and the acknowledgement.
type failingOutbox struct {
	*memstore.Store
	fail bool
}

func (s *failingOutbox) AckNotification(ctx context.Context, tenant, id string) error {
	if s.fail {
		s.fail = false
		return errors.New("connection lost")
	}
	return s.Store.AckNotification(ctx, tenant, id)
}

// A failed delivery loses nothing and holds back no other request: the
// other notifications of the batch are delivered, the failed one once its
// lease (default one minute) has ended. A crash after Notify hands the
// same notification (same ID) again after the lease, which the notifier
// drops, so every notification reaches its recipients once.
func TestDeliverNotificationsLosesNothingAndRepeatsOnlyByID(t *testing.T) {
	store := &failingOutbox{Store: memstore.New()}
	f := newFixture(t, func(c *ticket.Config) { c.Store = store })
	for range 3 {
		f.newRequest(t)
	}
	sent := map[string]int{} // what reached recipients, by ID
	calls := 0
	broken := true
	f.notify = func(_ context.Context, n ticket.Notification) error {
		calls++
		if broken && calls == 2 {
			return errors.New("mail server down")
		}
		sent[n.ID]++ // a real notifier drops a repeated ID here
		return nil
	}
	drain := func(step string, limit, wantDone int, wantErr bool) {
		t.Helper()
		done, err := f.desk.DeliverNotifications(f.ctx, "t1", limit)
		if done != wantDone || (err != nil) != wantErr {
			t.Fatalf("%s: delivered %d, %v; want %d, error %v", step, done, err, wantDone, wantErr)
		}
	}
	drain("first drain: the second fails, the other requests' go", 10, 2, true)
	broken = false
	drain("same instant: the failed one is leased", 10, 0, false)
	f.clock.Set(start.Add(time.Minute - time.Microsecond))
	drain("just before the lease ends", 10, 0, false)
	f.clock.Set(start.Add(time.Minute))
	store.fail = true
	drain("lease ended, connection lost after Notify", 10, 0, true)
	f.clock.Set(start.Add(2 * time.Minute))
	drain("limited drain", 1, 1, false)
	drain("the rest", 10, 0, false)
	if len(sent) != 3 {
		t.Errorf("delivered %d distinct notifications, want 3", len(sent))
	}
	repeated := 0
	for _, c := range sent {
		repeated += c - 1
	}
	if repeated != 1 {
		t.Errorf("%d repeats, want exactly the one after the lost connection", repeated)
	}
	f.clock.Set(start.Add(time.Hour))
	drain("outbox empty", 10, 0, false)
	none, err := ticket.New(ticket.Config{Store: f.store, Blobs: f.blobs})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := none.DeliverNotifications(f.ctx, "t1", 10); err == nil {
		t.Error("a Desk without Notifier delivered")
	}
}

// A failed notification holds back the later notifications of its own
// request only, which are then delivered after it, in order.
func TestFailedNotificationHoldsBackItsRequestOnly(t *testing.T) {
	f := newFixture(t, nil)
	a := f.newRequest(t)
	must(f.desk.Assign(f.ctx, f.agent, a.ID, "team-a", f.agent.ID))(t)
	b := f.newRequest(t)
	var got []string
	f.notify = func(_ context.Context, n ticket.Notification) error {
		if n.RequestID == a.ID && n.Kind == ticket.NotifyNewRequest && f.clock.Now().Equal(start) {
			return errors.New("mail server down")
		}
		got = append(got, n.Ref+" "+string(n.Kind))
		return nil
	}
	done, err := f.desk.DeliverNotifications(f.ctx, "t1", 10)
	if done != 1 || err == nil {
		t.Fatalf("first drain: %d, %v; want 1 and the error", done, err)
	}
	f.clock.Set(start.Add(time.Minute))
	if done, err := f.desk.DeliverNotifications(f.ctx, "t1", 10); done != 2 || err != nil {
		t.Fatalf("after the lease: %d, %v", done, err)
	}
	want := []string{b.Ref + " new_request", a.Ref + " new_request", a.Ref + " assigned"}
	if !slices.Equal(got, want) {
		t.Errorf("delivered %q, want %q", got, want)
	}
}

// Config.NotificationLease is how long a failed notification waits before
// it is delivered again; zero or negative means the one-minute default.
func TestDeliverNotificationsLease(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lease time.Duration
		want  time.Duration
	}{
		{"default", 0, time.Minute},
		{"negative is the default", -time.Second, time.Minute},
		{"five minutes", 5 * time.Minute, 5 * time.Minute},
		{"one second", time.Second, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(c *ticket.Config) { c.NotificationLease = tc.lease })
			f.newRequest(t)
			f.notify = func(context.Context, ticket.Notification) error { return errors.New("down") }
			if done, err := f.desk.DeliverNotifications(f.ctx, "t1", 10); done != 0 || err == nil {
				t.Fatalf("failing drain: %d, %v", done, err)
			}
			delivered := 0
			f.notify = func(context.Context, ticket.Notification) error { delivered++; return nil }
			f.clock.Set(start.Add(tc.want - time.Microsecond))
			must(f.desk.DeliverNotifications(f.ctx, "t1", 10))(t)
			if delivered != 0 {
				t.Fatalf("delivered %d before the lease ended", delivered)
			}
			f.clock.Set(start.Add(tc.want))
			must(f.desk.DeliverNotifications(f.ctx, "t1", 10))(t)
			if delivered != 1 {
				t.Fatalf("delivered %d when the lease ended, want 1", delivered)
			}
		})
	}
}

// Many deliverers (two Desks standing for two instances, several
// goroutines each) draining one outbox at once deliver every notification
// exactly once, without relying on the notifier to drop repeats.
func TestConcurrentDeliverersSendEachOnce(t *testing.T) {
	f := newFixture(t, nil)
	const requests = 40
	for range requests {
		f.newRequest(t)
	}
	var mu sync.Mutex
	sent := map[string]int{}
	f.notify = func(_ context.Context, n ticket.Notification) error {
		mu.Lock()
		defer mu.Unlock()
		sent[n.ID]++
		return nil
	}
	second, err := ticket.New(ticket.Config{Store: f.store, Blobs: f.blobs, Now: f.clock.Now, Notifier: f.notifier()})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var total atomic.Int64
	for i := range 8 {
		desk := f.desk
		if i%2 == 1 {
			desk = second
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				done, err := desk.DeliverNotifications(f.ctx, "t1", 3)
				if err != nil {
					t.Error(err)
					return
				}
				if done == 0 {
					return
				}
				total.Add(int64(done))
			}
		}()
	}
	wg.Wait()
	if len(sent) != requests || total.Load() != requests {
		t.Errorf("delivered %d distinct notifications (%d reported), want %d", len(sent), total.Load(), requests)
	}
	for id, c := range sent {
		if c != 1 {
			t.Errorf("%s delivered %d times", id, c)
		}
	}
	if left := f.pendingNotes(t); len(left) != 0 {
		t.Errorf("%d notifications left in the outbox", len(left))
	}
}

// A refused change saves no notification.
func TestRefusedChangesNotifyNobody(t *testing.T) {
	f := newFixture(t, nil)
	r := f.newRequest(t)
	f.drain(t)
	stale := must(f.store.GetRequest(f.ctx, "t1", r.ID))(t)
	must(f.desk.Assign(f.ctx, f.agent, r.ID, "team-a", f.agent.ID))(t)
	f.drain(t)
	stale.Title = "changed meanwhile"
	if err := f.store.UpdateRequests(f.ctx, nil, stale); !errors.Is(err, ticket.ErrConflict) {
		t.Fatalf("stale write: %v", err)
	}
	for _, try := range []func() error{
		func() error { _, err := f.desk.Resolve(f.ctx, f.agent, r.ID, "", ""); return err },
		func() error { _, err := f.desk.Resolve(f.ctx, f.requester, r.ID, "fixed", "x"); return err },
		func() error { _, err := f.desk.Comment(f.ctx, f.requester, r.ID, ""); return err },
		func() error { _, err := f.desk.Approve(f.ctx, f.agent, r.ID, ""); return err },
	} {
		if err := try(); err == nil {
			t.Fatal("a bad change was accepted")
		}
	}
	f.expectNotes(t, "refused changes")
}
