package tickettest

import (
	"context"
	"errors"
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

// Harness makes the stores under test.
type Harness interface {
	// MakeStores returns n stores over one fresh, empty data set, standing
	// for n application instances that share a database (for a PostgreSQL
	// adapter: n connection pools on one new database). An in-memory
	// adapter returns the same store n times.
	MakeStores(ctx context.Context, n int) ([]ticket.Store, error)
	// Close releases what the harness holds.
	Close()
}

// Run runs the whole Store kit. newHarness is called once per subtest,
// and each subtest calls MakeStores once.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, *kit)
	}{
		{"FamilyRoundTripAndVersions", testFamilies},
		{"ServiceRoundTripAndVersions", testServices},
		{"SubcategoryRoundTripAndVersions", testSubcategories},
		{"CatalogueListsOrderedByID", testCatalogueLists},
		{"RequestRoundTripEveryField", testRequestRoundTrip},
		{"RequestZeroValuesStayZero", testRequestZero},
		{"RequestsAreCopies", testRequestCopies},
		{"RequestNumbersPerTenant", testNumbersPerTenant},
		{"RequestCreateConflicts", testCreateConflicts},
		{"RequestLookupsMissing", testLookupsMissing},
		{"UpdateRequestVersionCheck", testUpdateVersion},
		{"UpdateRequestKeepsIdentity", testUpdateIdentity},
		{"UpdateRequestsAllOrNothing", testUpdateAtomic},
		{"ConcurrentUpdatesOneWins", testConcurrentUpdates},
		{"ConcurrentUpdatesLoseNothing", testNoLostUpdate},
		{"ConcurrentMultiUpdatesAtomic", testConcurrentMulti},
		{"ConcurrentCreationDistinctNumbers", testConcurrentNumbers},
		{"ConcurrentIdempotencyKeyOneRecord", testConcurrentIdempotency},
		{"ListFilters", testListFilters},
		{"ListKeysetPagination", testListPagination},
		{"ListPagesUnderConcurrentUpdates", testListUnderUpdates},
		{"ListSLADueFollowsUpdates", testListSLADue},
		{"TenantsAreIsolated", testTenants},
		{"OutboxSavedWithWrites", testOutboxSavedWithWrites},
		{"OutboxOnlyWithSuccessfulWrites", testOutboxOnlyWithSuccessfulWrites},
		{"OutboxAckRemoves", testOutboxAck},
		{"OutboxTenantsAreIsolated", testOutboxTenants},
		{"OutboxConcurrentWritersOneWins", testOutboxConcurrentWriters},
		{"BadTextRefusedByTheDesk", testBadTextRefused},
		{"ImpossibleIDsNotFound", testImpossibleIDsNotFound},
		{"ConcurrentCommentsAllLand", testConcurrentComments},
		{"ConcurrentAppendsAllLand", testConcurrentAppends},
		{"DeskInstantsRoundTrip", testDeskInstantsRoundTrip},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			t.Cleanup(h.Close)
			tc.fn(t, &kit{h: h, ctx: context.Background()})
		})
	}
	t.Run("OutboxSharedRule", func(t *testing.T) { runOutboxSection(t, newHarness) })
}

type kit struct {
	h   Harness
	ctx context.Context
	n   int
}

// stores returns n instances over one fresh data set.
func (k *kit) stores(t *testing.T, n int) []ticket.Store {
	t.Helper()
	ss, err := k.h.MakeStores(k.ctx, n)
	require.NoError(t, err)
	require.Len(t, ss, n)
	return ss
}

func (k *kit) store(t *testing.T) ticket.Store { return k.stores(t, 1)[0] }

// base is a fixed instant with microsecond precision (what SQL keeps).
var base = time.Date(2026, 3, 2, 8, 30, 0, 123456000, time.UTC)

func at(minutes int) time.Time { return base.Add(time.Duration(minutes) * time.Minute) }

// conflictField returns the Field of a *ticket.ConflictError, or "".
func conflictField(err error) string {
	var ce *ticket.ConflictError
	if errors.As(err, &ce) {
		return ce.Field
	}
	return ""
}

// assertConflict checks that err is a *ticket.ConflictError on field that
// matches ticket.ErrConflict.
func assertConflict(t *testing.T, err error, field string, msgAndArgs ...any) {
	t.Helper()
	assert.ErrorIs(t, err, ticket.ErrConflict, msgAndArgs...)
	assert.Equal(t, field, conflictField(err), msgAndArgs...)
}

// assertUTC checks that every non-zero instant of r is in UTC.
func assertUTC(t *testing.T, r *ticket.Request) {
	t.Helper()
	check := func(name string, tm time.Time) {
		if !tm.IsZero() {
			assert.Equal(t, time.UTC, tm.Location(), "%s must come back in UTC", name)
		}
	}
	check("CreatedAt", r.CreatedAt)
	check("UpdatedAt", r.UpdatedAt)
	check("ResolvedAt", r.ResolvedAt)
	check("ClosedAt", r.ClosedAt)
	for _, l := range r.Logs {
		check("Logs.At", l.At)
	}
	for _, a := range r.Attachments {
		check("Attachments.At", a.At)
	}
	for _, w := range []ticket.Stopwatch{r.SLA.TTO, r.SLA.TTR} {
		for _, tm := range []time.Time{w.StartedAt, w.RunningSince, w.WarnAt, w.DueAt, w.WarnedAt, w.FiredAt} {
			check("SLA", tm)
		}
	}
}

// normRequest returns a deep copy of r with empty slices and maps made nil:
// the kit does not ask adapters to tell them apart.
func normRequest(r *ticket.Request) *ticket.Request {
	if r == nil {
		return nil
	}
	c := r.Clone()
	if len(c.Extra) == 0 {
		c.Extra = nil
	}
	if len(c.Contacts) == 0 {
		c.Contacts = nil
	}
	if len(c.Logs) == 0 {
		c.Logs = nil
	}
	if len(c.Attachments) == 0 {
		c.Attachments = nil
	}
	return c
}

func normService(s *ticket.Service) *ticket.Service {
	c := s.Clone()
	if len(c.ExtraFields) == 0 {
		c.ExtraFields = nil
	}
	for i := range c.ExtraFields {
		if len(c.ExtraFields[i].Choices) == 0 {
			c.ExtraFields[i].Choices = nil
		}
	}
	return c
}

// equalRequest compares two requests field by field (nil and empty alike)
// and checks that got's instants are in UTC.
func equalRequest(t *testing.T, want, got *ticket.Request, msgAndArgs ...any) {
	t.Helper()
	require.NotNil(t, got, msgAndArgs...)
	assert.Equal(t, normRequest(want), normRequest(got), msgAndArgs...)
	assertUTC(t, got)
}

func equalService(t *testing.T, want, got *ticket.Service, msgAndArgs ...any) {
	t.Helper()
	require.NotNil(t, got, msgAndArgs...)
	assert.Equal(t, normService(want), normService(got), msgAndArgs...)
}

// --- catalogue ---

func family(tenant, id string) *ticket.Family {
	return &ticket.Family{
		ID: id, Tenant: tenant, Name: "Family " + id, Description: "About " + id,
		Position: 3, CreatedAt: base, UpdatedAt: base,
	}
}

func service(tenant, id string) *ticket.Service {
	return &ticket.Service{
		ID: id, Tenant: tenant, FamilyID: "fam-1", Name: "Service " + id, Description: "About " + id,
		Status: ticket.ServiceProduction, TeamID: "team-net",
		ExtraFields: []ticket.ExtraField{
			{Name: "building", Label: "Building", Type: ticket.FieldChoice, Required: true, Choices: []string{"A", "B", "C"}},
			{Name: "room", Label: "Room", Type: ticket.FieldText, MaxLength: 20},
			{Name: "urgent_by", Label: "Needed by", Type: ticket.FieldDate},
		},
		Position: 7, CreatedAt: base, UpdatedAt: base,
	}
}

func subcategory(tenant, id string) *ticket.Subcategory {
	return &ticket.Subcategory{
		ID: id, Tenant: tenant, ServiceID: "svc-1", Name: "Sub " + id, Description: "About " + id,
		Type: ticket.TypeServiceRequest, Position: 2, CreatedAt: base, UpdatedAt: base,
	}
}

func testFamilies(t *testing.T, k *kit) {
	s := k.store(t)
	f := family("t1", "fam-1")
	require.NoError(t, s.CreateFamily(k.ctx, f))
	assertCovered(t, "Family", f)
	assert.Equal(t, int64(1), f.Version, "create sets Version to 1")
	got, err := s.GetFamily(k.ctx, "t1", "fam-1")
	require.NoError(t, err)
	assert.Equal(t, f, got)
	assertConflict(t, s.CreateFamily(k.ctx, family("t1", "fam-1")), "id", "same ID twice")

	upd := got
	upd.Name, upd.Description, upd.Position, upd.UpdatedAt = "Renamed", "", 9, at(5)
	require.NoError(t, s.UpdateFamily(k.ctx, upd))
	assert.Equal(t, int64(2), upd.Version)
	got, err = s.GetFamily(k.ctx, "t1", "fam-1")
	require.NoError(t, err)
	assert.Equal(t, upd, got)

	stale := upd.Clone()
	stale.Version = 1
	stale.Name = "Stale"
	assertConflict(t, s.UpdateFamily(k.ctx, stale), "version", "stale update")
	assert.Equal(t, int64(1), stale.Version, "a refused update leaves the caller's version")
	missing := family("t1", "fam-none")
	missing.Version = 1
	assert.ErrorIs(t, s.UpdateFamily(k.ctx, missing), ticket.ErrNotFound)

	assertConflict(t, s.DeleteFamily(k.ctx, "t1", "fam-1", 1), "version", "stale delete")
	got, err = s.GetFamily(k.ctx, "t1", "fam-1")
	require.NoError(t, err)
	assert.Equal(t, "Renamed", got.Name, "a refused call changes nothing")
	assert.ErrorIs(t, s.DeleteFamily(k.ctx, "t1", "fam-none", 1), ticket.ErrNotFound)
	require.NoError(t, s.DeleteFamily(k.ctx, "t1", "fam-1", 2))
	_, err = s.GetFamily(k.ctx, "t1", "fam-1")
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	assert.ErrorIs(t, s.DeleteFamily(k.ctx, "t1", "fam-1", 2), ticket.ErrNotFound)
	require.NoError(t, s.CreateFamily(k.ctx, family("t1", "fam-1")), "a deleted ID may be reused")
}

func testServices(t *testing.T, k *kit) {
	s := k.store(t)
	v := service("t1", "svc-1")
	require.NoError(t, s.CreateService(k.ctx, v))
	assertCovered(t, "Service", v)
	assert.Equal(t, int64(1), v.Version)
	got, err := s.GetService(k.ctx, "t1", "svc-1")
	require.NoError(t, err)
	equalService(t, v, got)

	// The caller's value and the returned one are copies.
	v.ExtraFields[0].Choices[0] = "caller-changed"
	got.ExtraFields[0].Choices[1] = "reader-changed"
	got.ExtraFields[1].Label = "reader-changed"
	again, err := s.GetService(k.ctx, "t1", "svc-1")
	require.NoError(t, err)
	assert.Equal(t, []string{"A", "B", "C"}, again.ExtraFields[0].Choices, "stored choices are the store's own copy")
	assert.Equal(t, "Room", again.ExtraFields[1].Label)
	assertConflict(t, s.CreateService(k.ctx, service("t1", "svc-1")), "id")

	again.Status = ticket.ServiceObsolete
	again.TeamID = ""
	again.ExtraFields = again.ExtraFields[:1]
	again.UpdatedAt = at(10)
	require.NoError(t, s.UpdateService(k.ctx, again))
	assert.Equal(t, int64(2), again.Version)
	got, err = s.GetService(k.ctx, "t1", "svc-1")
	require.NoError(t, err)
	equalService(t, again, got)

	noFields := service("t1", "svc-2")
	noFields.ExtraFields = nil
	require.NoError(t, s.CreateService(k.ctx, noFields))
	got, err = s.GetService(k.ctx, "t1", "svc-2")
	require.NoError(t, err)
	equalService(t, noFields, got)

	stale := again.Clone()
	stale.Version = 1
	assertConflict(t, s.UpdateService(k.ctx, stale), "version")
	missing := service("t1", "svc-none")
	missing.Version = 1
	assert.ErrorIs(t, s.UpdateService(k.ctx, missing), ticket.ErrNotFound)
	assertConflict(t, s.DeleteService(k.ctx, "t1", "svc-1", 1), "version")
	require.NoError(t, s.DeleteService(k.ctx, "t1", "svc-1", 2))
	_, err = s.GetService(k.ctx, "t1", "svc-1")
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	assert.ErrorIs(t, s.DeleteService(k.ctx, "t1", "svc-1", 2), ticket.ErrNotFound)
}

func testSubcategories(t *testing.T, k *kit) {
	s := k.store(t)
	v := subcategory("t1", "sub-1")
	require.NoError(t, s.CreateSubcategory(k.ctx, v))
	assertCovered(t, "Subcategory", v)
	assert.Equal(t, int64(1), v.Version)
	got, err := s.GetSubcategory(k.ctx, "t1", "sub-1")
	require.NoError(t, err)
	assert.Equal(t, v, got)
	assertConflict(t, s.CreateSubcategory(k.ctx, subcategory("t1", "sub-1")), "id")

	got.Type = ticket.TypeIncident
	got.Name = "Renamed"
	got.UpdatedAt = at(3)
	require.NoError(t, s.UpdateSubcategory(k.ctx, got))
	assert.Equal(t, int64(2), got.Version)
	again, err := s.GetSubcategory(k.ctx, "t1", "sub-1")
	require.NoError(t, err)
	assert.Equal(t, got, again)

	stale := v.Clone()
	assertConflict(t, s.UpdateSubcategory(k.ctx, stale), "version")
	missing := subcategory("t1", "sub-none")
	missing.Version = 1
	assert.ErrorIs(t, s.UpdateSubcategory(k.ctx, missing), ticket.ErrNotFound)
	assertConflict(t, s.DeleteSubcategory(k.ctx, "t1", "sub-1", 1), "version")
	require.NoError(t, s.DeleteSubcategory(k.ctx, "t1", "sub-1", 2))
	_, err = s.GetSubcategory(k.ctx, "t1", "sub-1")
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	assert.ErrorIs(t, s.DeleteSubcategory(k.ctx, "t1", "sub-1", 2), ticket.ErrNotFound)
}

func testCatalogueLists(t *testing.T, k *kit) {
	s := k.store(t)
	// IDs created out of order, with upper and lower case and digits, so
	// that byte order is what is checked.
	ids := []string{"b-2", "a-10", "B-1", "a-9", "c"}
	for _, id := range ids {
		require.NoError(t, s.CreateFamily(k.ctx, family("t1", id)))
		require.NoError(t, s.CreateService(k.ctx, service("t1", id)))
		require.NoError(t, s.CreateSubcategory(k.ctx, subcategory("t1", id)))
	}
	require.NoError(t, s.CreateFamily(k.ctx, family("t2", "other")))
	want := slices.Sorted(slices.Values(ids))

	fams, err := s.ListFamilies(k.ctx, "t1")
	require.NoError(t, err)
	svcs, err := s.ListServices(k.ctx, "t1")
	require.NoError(t, err)
	subs, err := s.ListSubcategories(k.ctx, "t1")
	require.NoError(t, err)
	var fIDs, sIDs, cIDs []string
	for _, f := range fams {
		fIDs = append(fIDs, f.ID)
		assert.Equal(t, family("t1", f.ID).Name, f.Name)
		assert.Equal(t, int64(1), f.Version)
	}
	for _, v := range svcs {
		sIDs = append(sIDs, v.ID)
		want := service("t1", v.ID)
		want.Version = 1
		equalService(t, want, v)
	}
	for _, v := range subs {
		cIDs = append(cIDs, v.ID)
		assert.Equal(t, ticket.TypeServiceRequest, v.Type)
	}
	assert.Equal(t, want, fIDs, "families ordered by ID")
	assert.Equal(t, want, sIDs, "services ordered by ID")
	assert.Equal(t, want, cIDs, "subcategories ordered by ID")

	// Lists are copies too.
	svcs[0].ExtraFields[0].Choices[0] = "changed"
	again, err := s.ListServices(k.ctx, "t1")
	require.NoError(t, err)
	assert.Equal(t, "A", again[0].ExtraFields[0].Choices[0])

	empty, err := s.ListFamilies(k.ctx, "t-none")
	require.NoError(t, err)
	assert.Empty(t, empty)
}

// --- requests ---

// request returns a minimal valid request of tenant with a fresh ID.
func (k *kit) request(tenant string) *ticket.Request {
	k.n++
	return &ticket.Request{
		ID: fmt.Sprintf("req-%05d", k.n), Tenant: tenant,
		ServiceID: "svc-1", SubcategoryID: "sub-1", Type: ticket.TypeIncident,
		Title: "Printer out of toner", Description: "The printer on floor 2 prints blank pages.",
		Impact: ticket.ImpactPerson, Urgency: ticket.UrgencyLow, Priority: 4,
		Origin: ticket.OriginPortal, RequesterID: "user-1", Status: ticket.StatusNew,
		CreatedAt: base, UpdatedAt: base,
	}
}

// fullRequest sets every field of a request, nested parts included.
func (k *kit) fullRequest(tenant string) *ticket.Request {
	r := k.request(tenant)
	r.Type = ticket.TypeServiceRequest
	r.Extra = map[string]string{"building": "B", "room": "2.14 «north»", "urgent_by": "2026-03-10"}
	r.Impact, r.Urgency, r.Priority = ticket.ImpactDepartment, ticket.UrgencyCritical, 1
	r.Origin = ticket.OriginMonitoring
	r.Contacts = []string{"user-2", "user-3"}
	r.TeamID, r.AgentID = "team-net", "agent-7"
	r.Status = ticket.StatusResolved
	r.PendingReason = "waiting for the supplier"
	r.ResolutionCode, r.Solution = "fixed", "Replaced the toner cartridge.\nTested."
	r.ResolvedAt = at(90)
	r.TimeSpent = 90*time.Minute + 1500*time.Millisecond
	r.Satisfaction, r.CloseComment, r.ClosedAt = 2, "Quick, thanks", at(120)
	r.ParentID = "req-parent"
	r.Logs = []ticket.LogEntry{
		{ID: "log-3", Visibility: ticket.Private, AuthorID: "agent-7", At: at(60), Text: "Called the supplier."},
		{ID: "log-2", Visibility: ticket.Public, AuthorID: "user-2", At: at(30), Text: "Still broken 😞"},
		{ID: "log-1", Visibility: ticket.Public, AuthorID: "system", At: at(1), Text: ""},
	}
	r.Attachments = []ticket.Attachment{
		{ID: "att-1", Name: "photo.png", Size: 123456, MIME: "image/png",
			SHA256:  "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			BlobKey: "t1/req/att-1", AuthorID: "user-1", At: at(2)},
		{ID: "att-2", Name: "", Size: 0, MIME: "text/plain; charset=utf-8",
			SHA256:  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			BlobKey: "t1/req/att-2", AuthorID: "agent-7", At: at(3)},
	}
	// Every stopwatch field is set (the store keeps state, it does not
	// check its consistency).
	r.SLA = ticket.SLA{
		TTO: ticket.Stopwatch{
			Goal: 4 * time.Hour, StartedAt: at(0), RunningSince: at(36), Elapsed: 35*time.Minute + 250*time.Microsecond,
			Paused: true, WarnAt: at(180), DueAt: at(240), Warned: true, WarnedAt: at(20), Fired: true, FiredAt: at(35),
		},
		TTR: ticket.Stopwatch{
			Goal: 48 * time.Hour, StartedAt: at(1), RunningSince: at(40), Elapsed: 40 * time.Minute,
			Paused: true, WarnAt: at(40 + 36*60 - 40), DueAt: at(40 + 48*60 - 40),
			Warned: true, WarnedAt: at(41), Fired: true, FiredAt: at(42),
		},
	}
	r.IdempotencyKey = "idem-" + r.ID
	r.UpdatedAt = at(120)
	return r
}

func (k *kit) create(t *testing.T, s ticket.Store, r *ticket.Request) *ticket.Request {
	t.Helper()
	require.NoError(t, s.CreateRequest(k.ctx, r, nil))
	return r
}

func testRequestRoundTrip(t *testing.T, k *kit) {
	s := k.store(t)
	r := k.fullRequest("t1")
	require.NoError(t, s.CreateRequest(k.ctx, r, nil))
	assertCovered(t, "Request", r)
	assert.Equal(t, int64(1), r.Version)
	assert.Equal(t, int64(1), r.Number, "the first request of a tenant is number 1")
	assert.Equal(t, ticket.FormatRef(1), r.Ref)

	got, err := s.GetRequest(k.ctx, "t1", r.ID)
	require.NoError(t, err)
	equalRequest(t, r, got, "GetRequest")
	got, err = s.GetRequestByNumber(k.ctx, "t1", 1)
	require.NoError(t, err)
	equalRequest(t, r, got, "GetRequestByNumber")
	got, err = s.FindRequestByIdempotencyKey(k.ctx, "t1", r.IdempotencyKey)
	require.NoError(t, err)
	equalRequest(t, r, got, "FindRequestByIdempotencyKey")
	page, err := s.ListRequests(k.ctx, "t1", ticket.Filter{}, "", 10)
	require.NoError(t, err)
	require.Len(t, page, 1)
	equalRequest(t, r, page[0], "ListRequests")

	// Every nested part changes and round-trips through an update.
	got.Logs = append([]ticket.LogEntry{{ID: "log-4", Visibility: ticket.Public, AuthorID: "user-3", At: at(130), Text: "Reopening"}}, got.Logs...)
	got.Contacts = []string{"user-3"}
	got.Attachments = got.Attachments[1:]
	got.Extra["room"] = "3.01"
	delete(got.Extra, "urgent_by")
	got.SLA.TTR.Paused, got.SLA.TTR.RunningSince = false, at(131)
	got.SLA.TTO = ticket.Stopwatch{}
	got.Status, got.AgentID, got.ClosedAt, got.Satisfaction = ticket.StatusAssigned, "agent-8", time.Time{}, 0
	got.UpdatedAt = at(131)
	require.NoError(t, s.UpdateRequests(k.ctx, nil, got))
	assert.Equal(t, int64(2), got.Version)
	again, err := s.GetRequest(k.ctx, "t1", r.ID)
	require.NoError(t, err)
	equalRequest(t, got, again, "after update")
}

func testRequestZero(t *testing.T, k *kit) {
	s := k.store(t)
	r := k.request("t1")
	r.Impact, r.Urgency, r.Priority, r.Origin = "", "", 0, ""
	k.create(t, s, r)
	got, err := s.GetRequest(k.ctx, "t1", r.ID)
	require.NoError(t, err)
	equalRequest(t, r, got)
	for name, tm := range map[string]time.Time{
		"ResolvedAt": got.ResolvedAt, "ClosedAt": got.ClosedAt, "TTO.StartedAt": got.SLA.TTO.StartedAt,
		"TTR.RunningSince": got.SLA.TTR.RunningSince, "TTR.DueAt": got.SLA.TTR.DueAt,
	} {
		assert.True(t, tm.IsZero(), "%s: a zero time stays zero", name)
	}
	assert.Empty(t, got.Logs)
	assert.Empty(t, got.Contacts)
	assert.Empty(t, got.Attachments)
	assert.Empty(t, got.Extra)
	assert.Empty(t, got.IdempotencyKey)
	_, err = s.FindRequestByIdempotencyKey(k.ctx, "t1", "")
	assert.ErrorIs(t, err, ticket.ErrNotFound, "the empty key finds nothing")

	// Requests without a key never conflict on it.
	k.create(t, s, k.request("t1"))
}

func testRequestCopies(t *testing.T, k *kit) {
	s := k.store(t)
	r := k.create(t, s, k.fullRequest("t1"))
	want := r.Clone()
	// Changing the caller's value after the create changes nothing stored.
	r.Logs[0].Text = "caller-changed"
	r.Contacts[0] = "caller-changed"
	r.Attachments[0].Name = "caller-changed"
	r.Extra["building"] = "caller-changed"
	got, err := s.GetRequest(k.ctx, "t1", r.ID)
	require.NoError(t, err)
	equalRequest(t, want, got, "the store keeps its own copy on create")

	// Changing a returned value changes nothing stored.
	got.Logs[0].Text = "reader-changed"
	got.Contacts[0] = "reader-changed"
	got.Attachments[0].Name = "reader-changed"
	got.Extra["building"] = "reader-changed"
	page, err := s.ListRequests(k.ctx, "t1", ticket.Filter{}, "", 1)
	require.NoError(t, err)
	page[0].Logs[1].Text = "list-changed"
	again, err := s.GetRequest(k.ctx, "t1", r.ID)
	require.NoError(t, err)
	equalRequest(t, want, again, "reads return fresh copies")

	// Changing the caller's value after an update changes nothing stored.
	upd := again.Clone()
	require.NoError(t, s.UpdateRequests(k.ctx, nil, upd))
	upd.Logs[0].Text = "after-update"
	again, err = s.GetRequest(k.ctx, "t1", r.ID)
	require.NoError(t, err)
	assert.Equal(t, want.Logs[0].Text, again.Logs[0].Text, "the store keeps its own copy on update")
}

func testNumbersPerTenant(t *testing.T, k *kit) {
	s := k.store(t)
	for i := 1; i <= 3; i++ {
		a := k.create(t, s, k.request("t1"))
		assert.Equal(t, int64(i), a.Number)
		assert.Equal(t, ticket.FormatRef(int64(i)), a.Ref)
	}
	b := k.create(t, s, k.request("t2"))
	assert.Equal(t, int64(1), b.Number, "every tenant counts from 1")
	c := k.create(t, s, k.request("t1"))
	assert.Equal(t, int64(4), c.Number)
	got, err := s.GetRequestByNumber(k.ctx, "t2", 1)
	require.NoError(t, err)
	assert.Equal(t, b.ID, got.ID)
	got, err = s.GetRequestByNumber(k.ctx, "t1", 4)
	require.NoError(t, err)
	assert.Equal(t, c.ID, got.ID)
	assert.Equal(t, "R-000004", got.Ref)
}

func testCreateConflicts(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.request("t1")
	a.IdempotencyKey = "key-a"
	k.create(t, s, a)

	dupID := k.request("t1")
	dupID.ID = a.ID
	dupID.Title = "Intruder"
	assertConflict(t, s.CreateRequest(k.ctx, dupID, nil), "id", "taken ID")
	assert.Zero(t, dupID.Version, "a refused create leaves the caller's version")

	dupKey := k.request("t1")
	dupKey.IdempotencyKey = "key-a"
	assertConflict(t, s.CreateRequest(k.ctx, dupKey, nil), "idempotency_key", "taken idempotency key")
	_, err := s.GetRequest(k.ctx, "t1", dupKey.ID)
	assert.ErrorIs(t, err, ticket.ErrNotFound, "a refused create stores nothing")
	got, err := s.GetRequest(k.ctx, "t1", a.ID)
	require.NoError(t, err)
	equalRequest(t, a, got, "a refused create changes nothing")

	// The same key in another tenant is another request.
	other := k.request("t2")
	other.IdempotencyKey = "key-a"
	k.create(t, s, other)

	// Numbers are never repeated, even after refused creates.
	b := k.create(t, s, k.request("t1"))
	assert.Greater(t, b.Number, a.Number)
	got, err = s.GetRequestByNumber(k.ctx, "t1", a.Number)
	require.NoError(t, err)
	assert.Equal(t, a.ID, got.ID)
	page, err := s.ListRequests(k.ctx, "t1", ticket.Filter{}, "", 100)
	require.NoError(t, err)
	assert.Len(t, page, 2, "only the accepted requests are stored")
}

func testLookupsMissing(t *testing.T, k *kit) {
	s := k.store(t)
	k.create(t, s, k.request("t1"))
	_, err := s.GetRequest(k.ctx, "t1", "req-none")
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	_, err = s.GetRequestByNumber(k.ctx, "t1", 2)
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	_, err = s.GetRequestByNumber(k.ctx, "t1", 0)
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	_, err = s.FindRequestByIdempotencyKey(k.ctx, "t1", "key-none")
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	_, err = s.GetFamily(k.ctx, "t1", "none")
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	_, err = s.GetService(k.ctx, "t1", "none")
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	_, err = s.GetSubcategory(k.ctx, "t1", "none")
	assert.ErrorIs(t, err, ticket.ErrNotFound)
}

func testUpdateVersion(t *testing.T, k *kit) {
	s := k.store(t)
	r := k.create(t, s, k.request("t1"))
	v1 := r.Clone()
	r.Title = "Changed"
	r.UpdatedAt = at(1)
	require.NoError(t, s.UpdateRequests(k.ctx, nil, r))
	assert.Equal(t, int64(2), r.Version)

	v1.Title = "Stale"
	err := s.UpdateRequests(k.ctx, nil, v1)
	assertConflict(t, err, "version", "stale version")
	assert.Equal(t, int64(1), v1.Version, "a refused update leaves the caller's version")
	got, err := s.GetRequest(k.ctx, "t1", r.ID)
	require.NoError(t, err)
	equalRequest(t, r, got, "a stale update changes nothing")

	ahead := r.Clone()
	ahead.Version = 7
	assertConflict(t, s.UpdateRequests(k.ctx, nil, ahead), "version", "a version from the future is stale too")

	missing := k.request("t1")
	missing.Version = 1
	assert.ErrorIs(t, s.UpdateRequests(k.ctx, nil, missing), ticket.ErrNotFound)
	require.NoError(t, s.UpdateRequests(k.ctx, nil), "no request: nothing to do")
}

func testUpdateIdentity(t *testing.T, k *kit) {
	s := k.store(t)
	r := k.request("t1")
	r.IdempotencyKey = "key-1"
	k.create(t, s, r)
	c := r.Clone()
	c.Number, c.Ref, c.IdempotencyKey = 99, "R-000099", "key-2"
	c.Title = "Retitled"
	if err := s.UpdateRequests(k.ctx, nil, c); err != nil {
		// A store may refuse the change instead of ignoring it, but then
		// nothing is written.
		got, gerr := s.GetRequest(k.ctx, "t1", r.ID)
		require.NoError(t, gerr)
		equalRequest(t, r, got)
		return
	}
	got, err := s.GetRequestByNumber(k.ctx, "t1", r.Number)
	require.NoError(t, err, "the number never changes")
	assert.Equal(t, "Retitled", got.Title)
	assert.Equal(t, r.Ref, got.Ref)
	assert.Equal(t, "key-1", got.IdempotencyKey)
	_, err = s.GetRequestByNumber(k.ctx, "t1", 99)
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	got, err = s.FindRequestByIdempotencyKey(k.ctx, "t1", "key-1")
	require.NoError(t, err, "the idempotency key never changes")
	assert.Equal(t, r.ID, got.ID)
	_, err = s.FindRequestByIdempotencyKey(k.ctx, "t1", "key-2")
	assert.ErrorIs(t, err, ticket.ErrNotFound)
}

func testUpdateAtomic(t *testing.T, k *kit) {
	s := k.store(t)
	parent := k.create(t, s, k.request("t1"))
	child1 := k.request("t1")
	child1.ParentID = parent.ID
	k.create(t, s, child1)
	child2 := k.request("t1")
	child2.ParentID = parent.ID
	k.create(t, s, child2)

	// child2 moves on, so the batch below holds a stale version.
	moved := child2.Clone()
	moved.Status = ticket.StatusAssigned
	require.NoError(t, s.UpdateRequests(k.ctx, nil, moved))

	resolve := func(rs ...*ticket.Request) []*ticket.Request {
		out := make([]*ticket.Request, len(rs))
		for i, r := range rs {
			c := r.Clone()
			c.Status, c.Solution = ticket.StatusResolved, "Same as parent"
			out[i] = c
		}
		return out
	}
	want := map[string]*ticket.Request{parent.ID: parent, child1.ID: child1, child2.ID: moved}
	unchanged := func(msg string) {
		t.Helper()
		for id, w := range want {
			got, err := s.GetRequest(k.ctx, "t1", id)
			require.NoError(t, err)
			equalRequest(t, w, got, msg)
		}
	}

	batch := resolve(parent, child1, child2)
	assertConflict(t, s.UpdateRequests(k.ctx, nil, batch...), "version", "one stale request fails the batch")
	for i, r := range batch {
		assert.Equal(t, []int64{1, 1, 1}[i], r.Version, "a refused batch leaves every caller's version")
	}
	unchanged("a stale request in the batch writes nothing")

	ghost := k.request("t1")
	ghost.Version = 1
	batch = resolve(parent, child1, ghost)
	assert.ErrorIs(t, s.UpdateRequests(k.ctx, nil, batch...), ticket.ErrNotFound, "a missing request fails the batch")
	unchanged("a missing request in the batch writes nothing")

	foreign := child1.Clone()
	foreign.Tenant = "t2"
	batch = resolve(parent, foreign)
	assert.ErrorIs(t, s.UpdateRequests(k.ctx, nil, batch...), ticket.ErrNotFound, "another tenant's request fails the batch")
	unchanged("a foreign request in the batch writes nothing")

	batch = resolve(parent, child1, moved)
	require.NoError(t, s.UpdateRequests(k.ctx, nil, batch...))
	for _, r := range batch {
		got, err := s.GetRequest(k.ctx, "t1", r.ID)
		require.NoError(t, err)
		equalRequest(t, r, got, "every request of the batch is written")
		assert.Equal(t, want[r.ID].Version+1, r.Version)
	}
}

func testConcurrentUpdates(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	r := k.create(t, ss[0], k.request("t1"))
	const n = 16
	winners := make([]*ticket.Request, n)
	ok, refused := conctest.Run(t, n, ticket.ErrConflict, func(i int) error {
		c := r.Clone()
		c.Title = fmt.Sprintf("writer %d", i)
		c.Logs = []ticket.LogEntry{{ID: fmt.Sprintf("log-%d", i), Visibility: ticket.Public, AuthorID: "user-1", At: at(i), Text: "hello"}}
		err := ss[i%2].UpdateRequests(k.ctx, nil, c)
		if err == nil {
			winners[i] = c
		} else if conflictField(err) != "version" {
			t.Errorf("writer %d: got %v, want a version conflict", i, err)
		}
		return err
	})
	assert.Equal(t, 1, ok, "exactly one writer of a version wins")
	assert.Equal(t, n-1, refused, "every other writer gets ErrConflict")
	got, err := ss[1].GetRequest(k.ctx, "t1", r.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
	for _, w := range winners {
		if w != nil {
			equalRequest(t, w, got, "the stored request is the winner's")
		}
	}
}

// testNoLostUpdate has writers on two stores each add a log entry with the
// load-change-save-retry loop the Desk uses: every entry must survive.
func testNoLostUpdate(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	r := k.create(t, ss[0], k.request("t1"))
	const n = 12
	ok, _ := conctest.Run(t, n, nil, func(i int) error {
		s := ss[i%2]
		for attempt := 0; attempt < 1000; attempt++ {
			cur, err := s.GetRequest(k.ctx, "t1", r.ID)
			if err != nil {
				return err
			}
			entry := ticket.LogEntry{ID: fmt.Sprintf("log-%02d", i), Visibility: ticket.Private, AuthorID: "agent-1", At: at(i), Text: "note"}
			cur.Logs = append([]ticket.LogEntry{entry}, cur.Logs...)
			err = s.UpdateRequests(k.ctx, nil, cur)
			if !errors.Is(err, ticket.ErrConflict) {
				return err
			}
		}
		return errors.New("too many conflicts")
	})
	require.Equal(t, n, ok)
	got, err := ss[0].GetRequest(k.ctx, "t1", r.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(n+1), got.Version, "one version per successful update")
	var ids []string
	for _, l := range got.Logs {
		ids = append(ids, l.ID)
	}
	slices.Sort(ids)
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("log-%02d", i))
	}
	assert.Equal(t, want, ids, "no update is lost")
}

// testConcurrentMulti races batches over overlapping pairs of requests:
// a batch is written whole or not at all, so every request's version
// counts exactly the batches that touched it and won.
func testConcurrentMulti(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	var rs []*ticket.Request
	for range 3 {
		rs = append(rs, k.create(t, ss[0], k.request("t1")))
	}
	const n = 12
	var mu sync.Mutex
	wins := map[string]int{}
	conctest.Run(t, n, nil, func(i int) error {
		s := ss[i%2]
		// Batches in both orders, to expose lock-order deadlocks.
		a, b := rs[i%3].ID, rs[(i+1)%3].ID
		if i%2 == 1 {
			a, b = b, a
		}
		for attempt := 0; attempt < 1000; attempt++ {
			x, err := s.GetRequest(k.ctx, "t1", a)
			if err != nil {
				return err
			}
			y, err := s.GetRequest(k.ctx, "t1", b)
			if err != nil {
				return err
			}
			tag := ticket.LogEntry{ID: fmt.Sprintf("batch-%02d", i), Visibility: ticket.Private, AuthorID: "agent-1", At: at(i), Text: "pair"}
			x.Logs = append(x.Logs, tag)
			y.Logs = append(y.Logs, tag)
			err = s.UpdateRequests(k.ctx, nil, x, y)
			if err == nil {
				mu.Lock()
				wins[a]++
				wins[b]++
				mu.Unlock()
				return nil
			}
			if !errors.Is(err, ticket.ErrConflict) {
				return err
			}
		}
		return errors.New("too many conflicts")
	})
	seen := map[string][]string{}
	for _, r := range rs {
		got, err := ss[1].GetRequest(k.ctx, "t1", r.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(1+wins[r.ID]), got.Version, "version counts the winning batches")
		assert.Len(t, got.Logs, wins[r.ID], "one entry per winning batch")
		for _, l := range got.Logs {
			seen[l.ID] = append(seen[l.ID], r.ID)
		}
	}
	assert.Len(t, seen, n, "every batch was written")
	for id, where := range seen {
		assert.Len(t, where, 2, "batch %s written on both of its requests", id)
	}
}

func testConcurrentNumbers(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	const n = 24
	numbers := make([]int64, n)
	ok, _ := conctest.Run(t, n, nil, func(i int) error {
		r := &ticket.Request{
			ID: fmt.Sprintf("req-c%03d", i), Tenant: "t1", ServiceID: "svc-1", SubcategoryID: "sub-1",
			Type: ticket.TypeIncident, Title: "t", Description: "d", RequesterID: "user-1",
			Status: ticket.StatusNew, CreatedAt: base, UpdatedAt: base,
		}
		if i%3 == 0 {
			r.Tenant = "t2"
		}
		err := ss[i%2].CreateRequest(k.ctx, r, nil)
		numbers[i] = r.Number
		return err
	})
	require.Equal(t, n, ok)
	perTenant := map[string][]int64{}
	for i, num := range numbers {
		tenant := "t1"
		if i%3 == 0 {
			tenant = "t2"
		}
		perTenant[tenant] = append(perTenant[tenant], num)
		got, err := ss[(i+1)%2].GetRequestByNumber(k.ctx, tenant, num)
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("req-c%03d", i), got.ID, "number %d names its own request", num)
		assert.Equal(t, ticket.FormatRef(num), got.Ref)
	}
	for tenant, nums := range perTenant {
		slices.Sort(nums)
		want := make([]int64, len(nums))
		for i := range want {
			want[i] = int64(i + 1)
		}
		assert.Equal(t, want, nums, "tenant %s: distinct numbers 1..n", tenant)
	}
}

func testConcurrentIdempotency(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	const n = 12
	ok, refused := conctest.Run(t, n, ticket.ErrConflict, func(i int) error {
		r := &ticket.Request{
			ID: fmt.Sprintf("req-i%03d", i), Tenant: "t1", ServiceID: "svc-1", SubcategoryID: "sub-1",
			Type: ticket.TypeIncident, Title: "t", Description: "d", RequesterID: "user-1",
			Status: ticket.StatusNew, IdempotencyKey: "same-key", CreatedAt: base, UpdatedAt: base,
		}
		err := ss[i%2].CreateRequest(k.ctx, r, nil)
		if err != nil && conflictField(err) != "idempotency_key" {
			t.Errorf("creator %d: got %v, want an idempotency_key conflict", i, err)
		}
		return err
	})
	assert.Equal(t, 1, ok, "one record per key")
	assert.Equal(t, n-1, refused)
	all, err := ss[0].ListRequests(k.ctx, "t1", ticket.Filter{}, "", 100)
	require.NoError(t, err)
	require.Len(t, all, 1, "exactly one request stored")
	got, err := ss[1].FindRequestByIdempotencyKey(k.ctx, "t1", "same-key")
	require.NoError(t, err)
	assert.Equal(t, all[0].ID, got.ID)
	next := k.create(t, ss[1], k.request("t1"))
	assert.Greater(t, next.Number, got.Number, "numbers are never repeated")
}

// --- tenants ---

func testTenants(t *testing.T, k *kit) {
	s := k.store(t)
	f := family("t1", "fam-1")
	require.NoError(t, s.CreateFamily(k.ctx, f))
	v := service("t1", "svc-1")
	require.NoError(t, s.CreateService(k.ctx, v))
	c := subcategory("t1", "sub-1")
	require.NoError(t, s.CreateSubcategory(k.ctx, c))
	r := k.fullRequest("t1")
	r.RequesterID, r.Contacts, r.TeamID, r.AgentID = "user-1", []string{"user-2"}, "team-1", "agent-1"
	k.create(t, s, r)

	_, err := s.GetFamily(k.ctx, "t2", f.ID)
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	_, err = s.GetService(k.ctx, "t2", v.ID)
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	_, err = s.GetSubcategory(k.ctx, "t2", c.ID)
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	_, err = s.GetRequest(k.ctx, "t2", r.ID)
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	_, err = s.GetRequestByNumber(k.ctx, "t2", r.Number)
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	_, err = s.FindRequestByIdempotencyKey(k.ctx, "t2", r.IdempotencyKey)
	assert.ErrorIs(t, err, ticket.ErrNotFound)

	fams, err := s.ListFamilies(k.ctx, "t2")
	require.NoError(t, err)
	assert.Empty(t, fams)
	svcs, err := s.ListServices(k.ctx, "t2")
	require.NoError(t, err)
	assert.Empty(t, svcs)
	subs, err := s.ListSubcategories(k.ctx, "t2")
	require.NoError(t, err)
	assert.Empty(t, subs)
	for _, flt := range []ticket.Filter{{}, {Party: "user-1"}, {Party: "user-2"}, {Team: "team-1"}, {Agent: "agent-1"}, {Statuses: []ticket.Status{r.Status}}} {
		page, err := s.ListRequests(k.ctx, "t2", flt, "", 100)
		require.NoError(t, err)
		assert.Empty(t, page, "another tenant lists nothing with %+v", flt)
	}

	ff := f.Clone()
	ff.Tenant, ff.Name = "t2", "stolen"
	assert.ErrorIs(t, s.UpdateFamily(k.ctx, ff), ticket.ErrNotFound)
	fv := v.Clone()
	fv.Tenant, fv.Name = "t2", "stolen"
	assert.ErrorIs(t, s.UpdateService(k.ctx, fv), ticket.ErrNotFound)
	fc := c.Clone()
	fc.Tenant, fc.Name = "t2", "stolen"
	assert.ErrorIs(t, s.UpdateSubcategory(k.ctx, fc), ticket.ErrNotFound)
	fr := r.Clone()
	fr.Tenant, fr.Title = "t2", "stolen"
	assert.ErrorIs(t, s.UpdateRequests(k.ctx, nil, fr), ticket.ErrNotFound)
	assert.ErrorIs(t, s.DeleteFamily(k.ctx, "t2", f.ID, 1), ticket.ErrNotFound)
	assert.ErrorIs(t, s.DeleteService(k.ctx, "t2", v.ID, 1), ticket.ErrNotFound)
	assert.ErrorIs(t, s.DeleteSubcategory(k.ctx, "t2", c.ID, 1), ticket.ErrNotFound)

	// The same IDs and key in another tenant are other records.
	require.NoError(t, s.CreateFamily(k.ctx, family("t2", f.ID)))
	require.NoError(t, s.CreateService(k.ctx, service("t2", v.ID)))
	require.NoError(t, s.CreateSubcategory(k.ctx, subcategory("t2", c.ID)))
	twin := k.request("t2")
	twin.ID, twin.IdempotencyKey, twin.Title = r.ID, r.IdempotencyKey, "Twin"
	k.create(t, s, twin)
	assert.Equal(t, int64(1), twin.Number)

	gf, err := s.GetFamily(k.ctx, "t1", f.ID)
	require.NoError(t, err)
	assert.Equal(t, f, gf, "nothing changed in the owner's tenant")
	gv, err := s.GetService(k.ctx, "t1", v.ID)
	require.NoError(t, err)
	equalService(t, v, gv)
	gc, err := s.GetSubcategory(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, gc)
	gr, err := s.GetRequest(k.ctx, "t1", r.ID)
	require.NoError(t, err)
	equalRequest(t, r, gr, "nothing changed in the owner's tenant")
	gr, err = s.FindRequestByIdempotencyKey(k.ctx, "t2", r.IdempotencyKey)
	require.NoError(t, err)
	assert.Equal(t, "Twin", gr.Title)
	page, err := s.ListRequests(k.ctx, "t1", ticket.Filter{}, "", 100)
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Equal(t, "t1", page[0].Tenant)
}
