package ticket_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/memstore"
)

func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var ve *ticket.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, ticket.ErrValidation) {
		t.Fatalf("got %v, want *ValidationError", err)
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field+":"+f.Rule)
	}
	return out
}

func (f *fixture) count(t *testing.T) int {
	t.Helper()
	rs, err := f.store.ListRequests(f.ctx, "t1", ticket.Filter{}, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(rs)
}

func TestCreateReportsEveryInvalidFieldAndStoresNothing(t *testing.T) {
	f := newFixture(t, nil)
	_, err := f.desk.Create(f.ctx, f.agent, ticket.NewRequest{
		ServiceID: f.service.ID, SubcategoryID: f.obsoleteSubcategory.ID,
		Type:        ticket.TypeServiceRequest,
		Title:       "  ",
		Extra:       map[string]string{"local_team": "west", "room": "a very long room name", "seats": "many", "colour": "red", "mario.rossi@example.it": "x"},
		Impact:      "planet",
		Urgency:     "whenever",
		Origin:      "pigeon",
		RequesterID: f.requester.ID,
		Contacts:    []string{f.requester.ID},
		ParentID:    "nope",
	})
	if strings.Contains(err.Error(), "mario") {
		t.Errorf("the error echoes a client's key: %v", err)
	}
	got := fieldsOf(t, err)
	// The tagged fields first, in the struct's order, then the checks
	// against the catalogue.
	want := []string{
		"title:required", "description:required", "impact:oneof", "urgency:oneof", "origin:oneof",
		"subcategory_id:service",
		"extra.local_team:choice", "extra.room:max", "extra.seats:number", "extra.colour:unknown", "extra:unknown",
		"contacts[0]:unique", "parent_id:exists",
	}
	if !slices.Equal(got, want) {
		t.Errorf("fields\n got %v\nwant %v", got, want)
	}
	if n := f.count(t); n != 0 {
		t.Errorf("%d requests stored", n)
	}
}

func TestCreateRefusesObsoleteServiceMissingFieldsAndTypeMismatch(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name string
		in   ticket.NewRequest
		want []string
	}{
		{"obsolete", ticket.NewRequest{ServiceID: f.obsolete.ID, SubcategoryID: f.obsoleteSubcategory.ID, Title: "t", Description: "d"},
			[]string{"service_id:obsolete"}},
		{"type", ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID, Type: ticket.TypeServiceRequest, Title: "t", Description: "d",
			Extra: map[string]string{"local_team": "north"}}, []string{"type:type_mismatch"}},
		{"required", ticket.NewRequest{}, []string{"service_id:required", "subcategory_id:required", "title:required", "description:required"}},
		{"required extra", ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID, Title: "t", Description: "d"},
			[]string{"extra.local_team:required"}},
		{"unknown", ticket.NewRequest{ServiceID: "x", SubcategoryID: "y", Title: "t", Description: "d"},
			[]string{"service_id:exists", "subcategory_id:exists"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.desk.Create(f.ctx, f.requester, tt.in)
			if got := fieldsOf(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if n := f.count(t); n != 0 {
		t.Errorf("%d requests stored", n)
	}
}

func TestCreateSetsPriorityReferenceTeamAndStatus(t *testing.T) {
	f := newFixture(t, nil)
	a := f.newRequest(t)
	b, err := f.desk.Create(f.ctx, f.agent, ticket.NewRequest{
		ServiceID: f.service.ID, SubcategoryID: f.svcRequest.ID, Title: "Account", Description: "For a new colleague",
		Extra: map[string]string{"local_team": "south", "seats": "2.5"}, Impact: ticket.ImpactDepartment, Urgency: ticket.UrgencyMedium,
		Origin: ticket.OriginPhone, RequesterID: f.requester.ID,
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.Ref != "R-000001" || b.Ref != "R-000002" || a.Number != 1 || b.Number != 2 {
		t.Errorf("refs %s %s", a.Ref, b.Ref)
	}
	if a.Priority != 4 || b.Priority != 2 {
		t.Errorf("priorities %d %d", a.Priority, b.Priority)
	}
	if a.Status != ticket.StatusNew || a.TeamID != "team-a" || a.Origin != ticket.OriginPortal || a.RequesterID != f.requester.ID {
		t.Errorf("request %+v", a)
	}
	if b.Type != ticket.TypeServiceRequest || b.Origin != ticket.OriginPhone || b.Version != 1 {
		t.Errorf("request %+v", b)
	}
	got, err := f.desk.GetByRef(f.ctx, f.contact, "R-000001")
	if err != nil || got.ID != a.ID {
		t.Errorf("GetByRef: %v", err)
	}
	if _, err := f.desk.GetByRef(f.ctx, f.contact, "R-000002"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("contact of another request: %v", err)
	}
}

func TestCreateIsIdempotent(t *testing.T) {
	f := newFixture(t, nil)
	in := ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID, Title: "t", Description: "d",
		Extra: map[string]string{"local_team": "north"}, IdempotencyKey: "k-1"}
	a := must(f.desk.Create(f.ctx, f.requester, in))(t)
	b := must(f.desk.Create(f.ctx, f.requester, in))(t)
	if a.ID != b.ID || a.Ref != b.Ref {
		t.Errorf("second create gave %s, first %s", b.ID, a.ID)
	}
	if n := f.count(t); n != 1 {
		t.Errorf("%d requests", n)
	}
	if _, err := f.desk.Create(f.ctx, f.other, in); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("someone else's key: %v", err)
	}
}

func TestOnlyStaffFileOnBehalfOrFromOtherChannels(t *testing.T) {
	f := newFixture(t, nil)
	base := ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID, Title: "t", Description: "d",
		Extra: map[string]string{"local_team": "north"}}
	onBehalf := base
	onBehalf.RequesterID = f.other.ID
	if _, err := f.desk.Create(f.ctx, f.requester, onBehalf); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("citizen on behalf: %v", err)
	}
	phone := base
	phone.Origin = ticket.OriginPhone
	if _, err := f.desk.Create(f.ctx, f.requester, phone); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("citizen by phone: %v", err)
	}
	phone.RequesterID = f.other.ID
	r, err := f.desk.Create(f.ctx, f.agent, phone)
	if err != nil || r.RequesterID != f.other.ID || r.Origin != ticket.OriginPhone {
		t.Errorf("agent on behalf: %v", err)
	}
}

func TestContactActsLikeTheRequester(t *testing.T) {
	f := newFixture(t, nil)
	r := f.newRequest(t)
	must(f.desk.Comment(f.ctx, f.contact, r.ID, "Same problem on my PC"))(t)
	must(f.desk.AddContact(f.ctx, f.contact, r.ID, "u-third"))(t)
	if _, err := f.desk.Attach(f.ctx, f.contact, r.ID, "note.txt", strings.NewReader("boot log")); err != nil {
		t.Fatal(err)
	}
	got := must(f.desk.Get(f.ctx, f.requester, r.ID))(t)
	if len(got.Logs) != 1 || got.Logs[0].AuthorID != f.contact.ID || !slices.Contains(got.Contacts, "u-third") || len(got.Attachments) != 1 {
		t.Errorf("request %+v", got)
	}
	third := auth.Principal{ID: "u-third", Tenant: "t1", Kind: auth.KindCitizen}
	if _, err := f.desk.Get(f.ctx, third, r.ID); err != nil {
		t.Errorf("new contact cannot view: %v", err)
	}
	if _, err := f.desk.Comment(f.ctx, f.other, r.ID, "hi"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("other user comments: %v", err)
	}
	must(f.desk.RemoveContact(f.ctx, f.requester, r.ID, "u-third"))(t)
	if _, err := f.desk.Get(f.ctx, third, r.ID); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("removed contact still views: %v", err)
	}
	if _, err := f.desk.RemoveContact(f.ctx, f.contact, r.ID, f.requester.ID); !errors.Is(err, ticket.ErrValidation) {
		t.Errorf("removing the requester: %v", err)
	}
	// The contact closes the resolved request.
	must(f.desk.Assign(f.ctx, f.agent, r.ID, "team-a", f.agent.ID))(t)
	if _, err := f.desk.Resolve(f.ctx, f.contact, r.ID, "fixed", "done"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("contact resolves: %v", err)
	}
	must(f.desk.Resolve(f.ctx, f.agent, r.ID, "fixed", "done"))(t)
	c := must(f.desk.Close(f.ctx, f.contact, r.ID, 1, "Thanks"))(t)
	if c.Status != ticket.StatusClosed || c.Satisfaction != 1 || c.CloseComment != "Thanks" {
		t.Errorf("closed %+v", c)
	}
}

func TestPortalUsersCannotResolveOrAssign(t *testing.T) {
	f := newFixture(t, nil)
	r := f.newRequest(t)
	for _, who := range []auth.Principal{f.requester, f.contact, f.other, f.otherAgent} {
		if _, err := f.desk.Assign(f.ctx, who, r.ID, "team-a", who.ID); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("%s assigns: %v", who.ID, err)
		}
	}
	must(f.desk.Assign(f.ctx, f.agent, r.ID, "team-a", f.agent.ID))(t)
	if _, err := f.desk.Resolve(f.ctx, f.requester, r.ID, "fixed", "done"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("requester resolves: %v", err)
	}
	if _, err := f.desk.Apply(f.ctx, f.admin, r.ID, ticket.Step{Stimulus: ticket.StimulusTimeout}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("admin fires timeout: %v", err)
	}
}

func TestPrivateLogOnlyForAgents(t *testing.T) {
	f := newFixture(t, nil)
	r := f.newRequest(t)
	f.clock.Set(start.Add(time.Minute))
	must(f.desk.Comment(f.ctx, f.requester, r.ID, "Any news?"))(t)
	f.clock.Set(start.Add(2 * time.Minute))
	must(f.desk.PrivateLog(f.ctx, f.agent, r.ID, "Probably the PSU"))(t)
	if _, err := f.desk.PrivateLog(f.ctx, f.requester, r.ID, "x"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("requester writes private log: %v", err)
	}
	portal := must(f.desk.Get(f.ctx, f.requester, r.ID))(t)
	if len(portal.Logs) != 1 || portal.Logs[0].Visibility != ticket.Public {
		t.Errorf("portal sees %+v", portal.Logs)
	}
	agent := must(f.desk.Get(f.ctx, f.agent, r.ID))(t)
	if len(agent.Logs) != 2 || agent.Logs[0].Text != "Probably the PSU" || agent.Logs[1].Text != "Any news?" {
		t.Errorf("agent sees %+v", agent.Logs)
	}
	if _, err := f.desk.Comment(f.ctx, f.requester, r.ID, " "); !errors.Is(err, ticket.ErrValidation) {
		t.Errorf("blank comment: %v", err)
	}
}

func TestClosedRequestIsReadOnly(t *testing.T) {
	f := newFixture(t, nil)
	r := f.resolved(t)
	if _, err := f.desk.Close(f.ctx, f.requester, r.ID, 7, ""); !errors.Is(err, ticket.ErrValidation) {
		t.Errorf("bad close: %v", err)
	}
	must(f.desk.Close(f.ctx, f.requester, r.ID, 2, "ok"))(t)
	before := must(f.store.GetRequest(f.ctx, "t1", r.ID))(t)
	checks := map[string]error{}
	_, checks["comment"] = f.desk.Comment(f.ctx, f.requester, r.ID, "x")
	_, checks["private"] = f.desk.PrivateLog(f.ctx, f.agent, r.ID, "x")
	_, checks["add contact"] = f.desk.AddContact(f.ctx, f.requester, r.ID, "u-x")
	_, checks["remove contact"] = f.desk.RemoveContact(f.ctx, f.requester, r.ID, f.contact.ID)
	_, checks["attach"] = f.desk.Attach(f.ctx, f.requester, r.ID, "a.txt", strings.NewReader("x"))
	for name, err := range checks {
		if !errors.Is(err, ticket.ErrClosed) {
			t.Errorf("%s on closed: %v", name, err)
		}
	}
	if _, err := f.desk.Reopen(f.ctx, f.requester, r.ID, "again"); !errors.Is(err, ticket.ErrInvalidTransition) {
		t.Errorf("reopen closed: %v", err)
	}
	after := must(f.store.GetRequest(f.ctx, "t1", r.ID))(t)
	if after.Version != before.Version || f.blobs.Len() != 0 {
		t.Errorf("closed request changed")
	}
}

func TestReopenNeedsAComment(t *testing.T) {
	f := newFixture(t, nil)
	r := f.resolved(t)
	if _, err := f.desk.Reopen(f.ctx, f.requester, r.ID, ""); !errors.Is(err, ticket.ErrValidation) {
		t.Errorf("reopen without comment: %v", err)
	}
	got := must(f.desk.Reopen(f.ctx, f.requester, r.ID, "Still black"))(t)
	if got.Status != ticket.StatusAssigned || got.AgentID != f.agent.ID || got.Logs[0].Text != "Still black" {
		t.Errorf("reopened %+v", got)
	}
}

func TestResolvingAParentResolvesItsChildren(t *testing.T) {
	f := newFixture(t, nil)
	parent := f.newRequest(t)
	child := func() *ticket.Request {
		return must(f.desk.Create(f.ctx, f.agent, ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID,
			Title: "same", Description: "same", Extra: map[string]string{"local_team": "north"},
			RequesterID: f.other.ID, Origin: ticket.OriginMonitoring, ParentID: parent.ID}))(t)
	}
	pending, waiting, fresh := child(), child(), child()
	grandchild := must(f.desk.Create(f.ctx, f.agent, ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID,
		Title: "g", Description: "g", Extra: map[string]string{"local_team": "north"}, RequesterID: f.other.ID, ParentID: fresh.ID}))(t)
	must(f.desk.Assign(f.ctx, f.agent, pending.ID, "", f.agent.ID))(t)
	must(f.desk.SetPending(f.ctx, f.agent, pending.ID, "waiting for parts"))(t)
	must(f.desk.WaitForApproval(f.ctx, f.agent, waiting.ID))(t)
	must(f.desk.Assign(f.ctx, f.agent, parent.ID, "team-a", f.agent.ID))(t)
	must(f.desk.Resolve(f.ctx, f.agent, parent.ID, "fixed", "Replaced the switch"))(t)

	for _, c := range []*ticket.Request{pending, fresh, grandchild} {
		got := must(f.store.GetRequest(f.ctx, "t1", c.ID))(t)
		if got.Status != ticket.StatusResolved || got.Solution != "Replaced the switch" || got.ResolutionCode != "fixed" {
			t.Errorf("child %s: %s %q", got.Ref, got.Status, got.Solution)
		}
	}
	if got := must(f.store.GetRequest(f.ctx, "t1", waiting.ID))(t); got.Status != ticket.StatusWaitingForApproval {
		t.Errorf("waiting child moved to %s", got.Status)
	}
	// A child resolved while new had no agent: its requester can still
	// reopen it, and it goes to the agent who resolved the parent.
	back, err := f.desk.Reopen(f.ctx, f.other, fresh.ID, "Not fixed for me")
	if err != nil || back.Status != ticket.StatusAssigned || back.AgentID != f.agent.ID || back.TeamID != "team-a" {
		t.Errorf("reopen a child resolved with its parent: %v", err)
	}
}

func TestAttachmentsAreSniffedLimitedAndHashed(t *testing.T) {
	f := newFixture(t, func(c *ticket.Config) { c.MaxAttachmentSize = 64 })
	r := f.newRequest(t)
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
	a, err := f.desk.Attach(f.ctx, f.requester, r.ID, `C:\Users\x\invoice.exe`, bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pdf)
	if a.MIME != "application/pdf" || a.Name != "invoice.exe" || a.Size != int64(len(pdf)) || a.SHA256 != hex.EncodeToString(sum[:]) || a.AuthorID != f.requester.ID {
		t.Errorf("attachment %+v", a)
	}
	meta, rc, err := f.desk.OpenAttachment(f.ctx, f.contact, r.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	content, _ := io.ReadAll(rc)
	_ = rc.Close()
	if !bytes.Equal(content, pdf) || meta.ID != a.ID {
		t.Errorf("content differs")
	}
	if _, _, err := f.desk.OpenAttachment(f.ctx, f.other, r.ID, a.ID); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("other opens: %v", err)
	}
	bad := map[string][]byte{
		"content:max_size":  bytes.Repeat([]byte("a"), 65),
		"content:mime_type": []byte("<html><body>hi</body></html>"),
		"content:required":  nil,
	}
	for want, data := range bad {
		_, err := f.desk.Attach(f.ctx, f.requester, r.ID, "x", bytes.NewReader(data))
		if got := fieldsOf(t, err); !slices.Equal(got, []string{want}) {
			t.Errorf("got %v, want %s", got, want)
		}
	}
	got := must(f.store.GetRequest(f.ctx, "t1", r.ID))(t)
	if len(got.Attachments) != 1 || f.blobs.Len() != 1 {
		t.Errorf("%d attachments, %d blobs", len(got.Attachments), f.blobs.Len())
	}
}

func TestSweepWarnsFiresAndIsIdempotent(t *testing.T) {
	f := newFixture(t, func(c *ticket.Config) {
		c.Targets = []ticket.Target{
			{Priority: 4, Metric: ticket.MetricTTO, Duration: time.Hour},
			{Metric: ticket.MetricTTO, Duration: 2 * time.Hour},
			{Priority: 4, Type: ticket.TypeIncident, Metric: ticket.MetricTTR, Duration: 8 * time.Hour},
		}
	})
	r := f.newRequest(t)
	if r.SLA.TTO.Goal != time.Hour || r.SLA.TTR.Goal != 8*time.Hour || !r.SLA.TTO.DueAt.Equal(start.Add(time.Hour)) {
		t.Fatalf("SLA %+v", r.SLA)
	}
	rep := must(f.desk.Sweep(f.ctx, "t1", start.Add(45*time.Minute)))(t)
	if rep.Scanned != 1 || rep.Warned != 1 || rep.Fired != 0 {
		t.Errorf("at 75%%: %+v", rep)
	}
	rep = must(f.desk.Sweep(f.ctx, "t1", start.Add(time.Hour)))(t)
	if rep.Fired != 1 {
		t.Errorf("at 100%%: %+v", rep)
	}
	if got := must(f.store.GetRequest(f.ctx, "t1", r.ID))(t); got.Status != ticket.StatusEscalatedTTO || !got.SLA.TTO.Fired {
		t.Errorf("status %s", got.Status)
	}
	rep = must(f.desk.Sweep(f.ctx, "t1", start.Add(time.Hour)))(t)
	if rep.Warned+rep.Fired != 0 {
		t.Errorf("second sweep: %+v", rep)
	}
	// Another tenant's sweep sees nothing.
	if rep := must(f.desk.Sweep(f.ctx, "t2", start.Add(100*time.Hour)))(t); rep.Scanned != 0 {
		t.Errorf("t2 sweep: %+v", rep)
	}
}

func TestListsAndKeysetPagination(t *testing.T) {
	f := newFixture(t, nil)
	var mine []string
	for i := 0; i < 5; i++ {
		mine = append(mine, f.newRequest(t).ID)
	}
	// A request of someone else naming the requester as contact.
	theirs := must(f.desk.Create(f.ctx, f.other, ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID,
		Title: "t", Description: "d", Extra: map[string]string{"local_team": "south"}, Contacts: []string{f.requester.ID}}))(t)
	mine = append(mine, theirs.ID)
	closed := f.resolved(t)
	must(f.desk.Close(f.ctx, f.requester, closed.ID, 3, "meh"))(t)

	var got []string
	cursor := ""
	pages := 0
	for {
		p := must(f.desk.Ongoing(f.ctx, f.requester, cursor, 2))(t)
		pages++
		for _, r := range p.Items {
			got = append(got, r.ID)
		}
		if p.Next == "" {
			break
		}
		cursor = p.Next
	}
	slices.Reverse(mine)
	if !slices.Equal(got, mine) || pages != 3 {
		t.Errorf("ongoing %v in %d pages, want %v", got, pages, mine)
	}
	cl := must(f.desk.Closed(f.ctx, f.requester, "", 10))(t)
	if len(cl.Items) != 1 || cl.Items[0].ID != closed.ID || cl.Next != "" {
		t.Errorf("closed %+v", cl)
	}
	// A row is the summary of the stored request, as Get loads it.
	if full := must(f.desk.Get(f.ctx, f.requester, closed.ID))(t); len(cl.Items) == 1 && cl.Items[0] != full.Summary() {
		t.Errorf("closed row %+v, want %+v", cl.Items[0], full.Summary())
	}
	other := must(f.desk.Ongoing(f.ctx, f.other, "", 10))(t)
	if len(other.Items) != 1 || other.Items[0].ID != theirs.ID {
		t.Errorf("other's list %+v", other)
	}
	q := must(f.desk.Queue(f.ctx, f.agent, "team-a", "", 100))(t)
	if len(q.Items) != 6 {
		t.Errorf("queue has %d", len(q.Items))
	}
	if _, err := f.desk.Queue(f.ctx, f.otherAgent, "team-a", "", 10); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("other agent's queue: %v", err)
	}
	if _, err := f.desk.Ongoing(f.ctx, f.requester, "garbage!", 10); !errors.Is(err, ticket.ErrValidation) {
		t.Errorf("bad cursor: %v", err)
	}
}

func TestTenantIsolation(t *testing.T) {
	f := newFixture(t, nil)
	r := f.newRequest(t)
	foreign := f.admin
	foreign.Tenant = "t2"
	if _, err := f.desk.Get(f.ctx, foreign, r.ID); !errors.Is(err, ticket.ErrNotFound) {
		t.Errorf("foreign get: %v", err)
	}
	if _, err := f.desk.Comment(f.ctx, foreign, r.ID, "x"); !errors.Is(err, ticket.ErrNotFound) {
		t.Errorf("foreign comment: %v", err)
	}
	c := must(f.desk.Catalogue(f.ctx, foreign))(t)
	if len(c.Families) != 0 {
		t.Errorf("foreign catalogue %+v", c)
	}
}

func TestCatalogueProjectionsAndAdministration(t *testing.T) {
	f := newFixture(t, nil)
	portal := must(f.desk.Catalogue(f.ctx, f.requester))(t)
	tree := portal.Tree()
	if len(tree) != 1 || len(tree[0].Services) != 1 || tree[0].Services[0].Service.ID != f.service.ID || len(tree[0].Services[0].Subcategories) != 2 {
		t.Fatalf("portal tree %+v", tree)
	}
	list := portal.List()
	if len(list) != 2 || list[0].Path != "Digital > Workplace > Broken PC" || list[1].Type != ticket.TypeServiceRequest {
		t.Errorf("list %+v", list)
	}
	if m := portal.Mosaic(); len(m) != 1 || m[0].Subcategories != 2 || m[0].FamilyName != "Digital" {
		t.Errorf("mosaic %+v", m)
	}
	all := must(f.desk.Catalogue(f.ctx, f.admin))(t)
	if len(all.Mosaic()) != 2 {
		t.Errorf("admin mosaic %+v", all.Mosaic())
	}
	if _, err := f.desk.CreateFamily(f.ctx, f.agent, ticket.FamilyInput{Name: "x"}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("agent edits catalogue: %v", err)
	}
	if err := f.desk.DeleteFamily(f.ctx, f.admin, f.family.ID, f.family.Version); !errors.Is(err, ticket.ErrConflict) {
		t.Errorf("delete family with services: %v", err)
	}
	_, err := f.desk.CreateService(f.ctx, f.admin, ticket.ServiceInput{FamilyID: "nope", Name: "", Status: "dead",
		ExtraFields: []ticket.ExtraField{{Name: "Bad Name", Type: "colour"}, {Name: "c", Label: "C", Type: ticket.FieldChoice}}})
	want := []string{"name:required", "status:oneof", "extra_fields[0].name:field_name", "extra_fields[0].label:required",
		"extra_fields[0].type:oneof", "extra_fields[1].choices:required", "family_id:exists"}
	if got := fieldsOf(t, err); !slices.Equal(got, want) {
		t.Errorf("service fields\n got %v\nwant %v", got, want)
	}
	// Making the service obsolete stops new requests.
	svc := must(f.desk.UpdateService(f.ctx, f.admin, f.service.ID, f.service.Version, ticket.ServiceInput{
		FamilyID: f.family.ID, Name: "Workplace", Status: ticket.ServiceObsolete}))(t)
	if svc.Version != 2 {
		t.Errorf("version %d", svc.Version)
	}
	if _, err := f.desk.UpdateService(f.ctx, f.admin, f.service.ID, f.service.Version, ticket.ServiceInput{FamilyID: f.family.ID, Name: "W"}); !errors.Is(err, ticket.ErrConflict) {
		t.Errorf("stale update: %v", err)
	}
	_, err = f.desk.Create(f.ctx, f.requester, ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID, Title: "t", Description: "d"})
	if got := fieldsOf(t, err); !slices.Equal(got, []string{"service_id:obsolete"}) {
		t.Errorf("create on obsolete: %v", got)
	}
	sub := must(f.desk.UpdateSubcategory(f.ctx, f.admin, f.incident.ID, f.incident.Version, ticket.SubcategoryInput{
		ServiceID: f.service.ID, Name: "Broken laptop", Type: ticket.TypeIncident}))(t)
	if err := f.desk.DeleteSubcategory(f.ctx, f.admin, sub.ID, sub.Version); err != nil {
		t.Errorf("delete subcategory: %v", err)
	}
	fam := must(f.desk.UpdateFamily(f.ctx, f.admin, f.family.ID, f.family.Version, ticket.FamilyInput{Name: "Digital services"}))(t)
	if fam.Name != "Digital services" || fam.Version != 2 {
		t.Errorf("family %+v", fam)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	store, blobs := memstore.New(), memstore.NewBlobs()
	bad := []ticket.Config{
		{Blobs: blobs},
		{Store: store},
		{Store: store, Blobs: blobs, Zone: "Mars/Olympus"},
		{Store: store, Blobs: blobs, Targets: []ticket.Target{{Metric: "tta", Duration: time.Hour}}},
		{Store: store, Blobs: blobs, Coverage: &ticket.Coverage{}},
		{Store: store, Blobs: blobs, AllowedTypes: []string{"not a type/"}},
	}
	for i, cfg := range bad {
		if _, err := ticket.New(cfg); err == nil {
			t.Errorf("config %d accepted", i)
		}
	}
}
