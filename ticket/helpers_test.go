package ticket_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/memstore"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// seqIDs returns increasing IDs, so listings have a known order.
func seqIDs(prefix string) func() string {
	var n atomic.Int64
	return func() string { return fmt.Sprintf("%s%08d", prefix, n.Add(1)) }
}

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type fixture struct {
	ctx   context.Context
	desk  *ticket.Desk
	store *memstore.Store
	blobs *memstore.Blobs
	clock *fakeClock

	requester, contact, other, agent, otherAgent, admin auth.Principal

	// notify is what Config.Notifier does; tests set it before draining.
	notify func(context.Context, ticket.Notification) error

	family               *ticket.Family
	service, obsolete    *ticket.Service
	incident, svcRequest *ticket.Subcategory
	obsoleteSubcategory  *ticket.Subcategory
}

func newFixture(t testing.TB, mod func(*ticket.Config)) *fixture {
	t.Helper()
	f := &fixture{
		ctx:        context.Background(),
		store:      memstore.New(),
		blobs:      memstore.NewBlobs(),
		clock:      &fakeClock{t: start},
		requester:  auth.Principal{ID: "u-req", Tenant: "t1", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}},
		contact:    auth.Principal{ID: "u-con", Tenant: "t1", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}},
		other:      auth.Principal{ID: "u-other", Tenant: "t1", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}},
		agent:      auth.Principal{ID: "ag-a", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Offices: []string{"team-a"}},
		otherAgent: auth.Principal{ID: "ag-b", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Offices: []string{"team-b"}},
		admin:      auth.Principal{ID: "adm", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}},
	}
	f.notify = func(context.Context, ticket.Notification) error { return nil }
	cfg := ticket.Config{Store: f.store, Blobs: f.blobs, Now: f.clock.Now, NewID: seqIDs("id-"), Notifier: f.notifier()}
	if mod != nil {
		mod(&cfg)
	}
	d, err := ticket.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.desk = d
	f.family = must(d.CreateFamily(f.ctx, f.admin, ticket.FamilyInput{Name: "Digital"}))(t)
	f.service = must(d.CreateService(f.ctx, f.admin, ticket.ServiceInput{
		FamilyID: f.family.ID, Name: "Workplace", TeamID: "team-a",
		ExtraFields: []ticket.ExtraField{
			{Name: "local_team", Label: "Local support team", Type: ticket.FieldChoice, Required: true, Choices: []string{"north", "south"}},
			{Name: "room", Label: "Room", Type: ticket.FieldText, MaxLength: 10},
			{Name: "seats", Label: "Seats", Type: ticket.FieldNumber},
		},
	}))(t)
	f.incident = must(d.CreateSubcategory(f.ctx, f.admin, ticket.SubcategoryInput{ServiceID: f.service.ID, Name: "Broken PC", Type: ticket.TypeIncident}))(t)
	f.svcRequest = must(d.CreateSubcategory(f.ctx, f.admin, ticket.SubcategoryInput{ServiceID: f.service.ID, Name: "New account", Type: ticket.TypeServiceRequest}))(t)
	f.obsolete = must(d.CreateService(f.ctx, f.admin, ticket.ServiceInput{FamilyID: f.family.ID, Name: "Fax", Status: ticket.ServiceObsolete}))(t)
	f.obsoleteSubcategory = must(d.CreateSubcategory(f.ctx, f.admin, ticket.SubcategoryInput{ServiceID: f.obsolete.ID, Name: "Paper jam", Type: ticket.TypeIncident}))(t)
	return f
}

// notifier is a Notifier that calls f.notify.
func (f *fixture) notifier() ticket.Notifier {
	return ticket.NotifierFunc(func(ctx context.Context, n ticket.Notification) error { return f.notify(ctx, n) })
}

func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// newRequest files a valid incident as the requester, with the contact.
func (f *fixture) newRequest(t testing.TB) *ticket.Request {
	t.Helper()
	r, err := f.desk.Create(f.ctx, f.requester, ticket.NewRequest{
		ServiceID: f.service.ID, SubcategoryID: f.incident.ID,
		Title: "PC does not boot", Description: "Black screen since this morning",
		Extra:    map[string]string{"local_team": "north"},
		Contacts: []string{f.contact.ID},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// resolved files a request, assigns it to the agent and resolves it.
func (f *fixture) resolved(t testing.TB) *ticket.Request {
	t.Helper()
	r := f.newRequest(t)
	must(f.desk.Assign(f.ctx, f.agent, r.ID, "team-a", f.agent.ID))(t)
	return must(f.desk.Resolve(f.ctx, f.agent, r.ID, "fixed", "Replaced the power supply"))(t)
}

// pendingNotes returns every notification of t1 claimable now, without
// claiming them (a zero lease holds nothing).
func (f *fixture) pendingNotes(t testing.TB) []ticket.Notification {
	t.Helper()
	return must(f.store.ClaimNotifications(f.ctx, "t1", f.clock.Now(), 0, 1000))(t)
}
