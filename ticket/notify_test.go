package ticket_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/memstore"
)

// drain delivers every pending notification of t1 and returns them.
func (f *fixture) drain(t *testing.T) []ticket.Notification {
	t.Helper()
	var got []ticket.Notification
	n := ticket.NotifierFunc(func(_ context.Context, n ticket.Notification) error {
		got = append(got, n)
		return nil
	})
	if _, err := f.desk.DeliverNotifications(f.ctx, "t1", n, 1000); err != nil {
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

// failingOutbox wraps a Store to make MarkDelivered fail once: a crash
// between Notify and the removal.
type failingOutbox struct {
	*memstore.Store
	fail bool
}

func (s *failingOutbox) MarkDelivered(ctx context.Context, tenant, id string) error {
	if s.fail {
		s.fail = false
		return errors.New("connection lost")
	}
	return s.Store.MarkDelivered(ctx, tenant, id)
}

// Delivery stops at the first failing Notify and loses nothing; a crash
// after Notify hands the same notification (same ID) again, which the
// notifier drops, so every notification reaches its recipients once.
func TestDeliverNotificationsLosesNothingAndRepeatsOnlyByID(t *testing.T) {
	store := &failingOutbox{Store: memstore.New()}
	f := newFixture(t, func(c *ticket.Config) { c.Store = store })
	for range 3 {
		f.newRequest(t)
	}
	sent := map[string]int{} // what reached recipients, by ID
	calls := 0
	broken := true
	n := ticket.NotifierFunc(func(_ context.Context, n ticket.Notification) error {
		calls++
		if broken && calls == 2 {
			return errors.New("mail server down")
		}
		sent[n.ID]++ // a real notifier drops a repeated ID here
		return nil
	})
	done, err := f.desk.DeliverNotifications(f.ctx, "t1", n, 10)
	if done != 1 || err == nil {
		t.Fatalf("first drain: %d, %v", done, err)
	}
	broken = false
	store.fail = true
	done, err = f.desk.DeliverNotifications(f.ctx, "t1", n, 10)
	if done != 0 || err == nil {
		t.Fatalf("drain with a lost connection: %d, %v", done, err)
	}
	done, err = f.desk.DeliverNotifications(f.ctx, "t1", n, 1)
	if done != 1 || err != nil {
		t.Fatalf("limited drain: %d, %v", done, err)
	}
	done, err = f.desk.DeliverNotifications(f.ctx, "t1", n, 10)
	if done != 1 || err != nil {
		t.Fatalf("last drain: %d, %v", done, err)
	}
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
	if done, _ := f.desk.DeliverNotifications(f.ctx, "t1", n, 10); done != 0 {
		t.Errorf("outbox not empty: %d more", done)
	}
	if _, err := f.desk.DeliverNotifications(f.ctx, "t1", nil, 10); err == nil {
		t.Error("nil notifier accepted")
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
