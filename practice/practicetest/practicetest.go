package practicetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/conctest"
	"github.com/sportello/sportello/internal/outbox/outboxtest"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/practice"
)

// Harness makes the stores under test.
type Harness interface {
	// MakeStores returns n stores over one fresh, empty data set, standing
	// for n application instances that share a database. An in-memory
	// adapter returns the same store n times.
	MakeStores(ctx context.Context, n int) ([]practice.Store, error)
	// Close releases what the harness holds.
	Close()
}

// Run runs the whole kit. newHarness is called once per subtest.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, *kit)
	}{
		{"FixturesSetEveryField", testFixtures},
		{"ServiceRoundTrip", testServiceRoundTrip},
		{"ServiceStaleUpdateConflicts", testServiceStaleUpdate},
		{"ServiceListPagesByID", testServiceList},
		{"PracticeRoundTrip", testPracticeRoundTrip},
		{"PracticeMinimalRoundTrip", testPracticeMinimal},
		{"PracticeUpdateRoundTrip", testPracticeUpdate},
		{"RecordsAreCopies", testCopies},
		{"MissingIsNotFound", testMissing},
		{"DuplicateIDConflicts", testDuplicateID},
		{"IdempotentCreate", testIdempotentCreate},
		{"ConcurrentCreateOneKeyOneRecord", testConcurrentCreate},
		{"IdempotencyKeyTakenByUpdate", testIdempotencyKeyUpdate},
		{"StaleUpdateConflictsAndWritesNothing", testStaleUpdate},
		{"StaleDeleteConflicts", testStaleDelete},
		{"AcceptRejectRaceOneWins", testAcceptRejectRace},
		{"ConcurrentUpdatesOneWins", testConcurrentUpdates},
		{"TenantsAreIsolated", testTenants},
		{"CitizenListing", testCitizenListing},
		{"OfficeListing", testOfficeListing},
		{"ListingsFollowUpdates", testListingsFollowUpdates},
		{"ServiceAssigneeListingFollowsReassignments", testServiceAssigneeListing},
		{"SummariesAndExport", testSummariesAndExport},
		{"ImportIsIdempotentPerID", testImport},
		{"StatsAsTheBuilderComputesThem", testStats},
		{"OutboxOrderAndDelivery", testOutbox},
		{"OutboxTenantsAreIsolated", testOutboxTenants},
		{"CanceledContextWritesNothing", testCanceled},
		{"DeskBadTextIsValidationOnEveryStore", testBadText},
		{"DeskConcurrentAppendsAllLand", testConcurrentAppends},
		{"DeskLosingAcceptCancelsItsPayment", testLosingAcceptCancelsItsPayment},
		{"DeskAcceptRetryWithAnotherAmount", testAcceptRetryWithAnotherAmount},
		{"DeskSweepCancelsUnwantedPayments", testSweepCancelsUnwantedPayments},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			t.Cleanup(h.Close)
			tc.fn(t, &kit{h: h, ctx: context.Background()})
		})
	}
	t.Run("OutboxSharedRule", func(t *testing.T) {
		outboxtest.Run(t, func(t *testing.T, n int) []outboxtest.Harness {
			h := newHarness(t)
			t.Cleanup(h.Close)
			k := &kit{h: h, ctx: context.Background()}
			rs := &outboxtest.Records[*practice.Practice]{}
			var hs []outboxtest.Harness
			for _, s := range k.stores(t, n) {
				hs = append(hs, outboxHarness{rs: rs, s: s})
			}
			return hs
		})
	})
}

// outboxHarness is one store instance as internal/outbox/outboxtest sees
// it: an entry is a notification, its record the notification's pratica.
type outboxHarness struct {
	rs *outboxtest.Records[*practice.Practice]
	s  practice.Store
}

// Append creates the labelled pratica with one notification, or updates
// it with one more.
func (h outboxHarness) Append(ctx context.Context, tenant, record string) (string, error) {
	notes := func(p *practice.Practice, seq int) (string, []practice.Notification) {
		id := fmt.Sprintf("n-%04d", seq)
		return id, []practice.Notification{note(tenant, id, p.ID, p.Status, at(seq))}
	}
	return h.rs.Append(tenant, record, func(seq int) (*practice.Practice, string, error) {
		p := minimalPractice(tenant, practice.ID("p-"+record))
		id, ns := notes(p, seq)
		stored, _, err := h.s.Create(ctx, p, ns)
		return stored, id, err
	}, func(p *practice.Practice, seq int) (string, error) {
		id, ns := notes(p, seq)
		return id, h.s.Update(ctx, p, ns)
	})
}

func (h outboxHarness) Claim(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]string, error) {
	ns, err := h.s.ClaimNotifications(ctx, tenant, now, lease, limit)
	return noteIDs(ns), err
}

func (h outboxHarness) Ack(ctx context.Context, tenant, id string) error {
	return h.s.AckNotification(ctx, tenant, id)
}

type kit struct {
	h   Harness
	ctx context.Context
}

// stores returns n instances over one fresh data set.
func (k *kit) stores(t *testing.T, n int) []practice.Store {
	t.Helper()
	ss, err := k.h.MakeStores(k.ctx, n)
	require.NoError(t, err)
	require.Len(t, ss, n)
	return ss
}

func (k *kit) store(t *testing.T) practice.Store { return k.stores(t, 1)[0] }

// base is a fixed instant with microsecond precision (what SQL keeps).
var base = time.Date(2026, 3, 2, 8, 30, 0, 123000, time.UTC)

func at(minutes int) time.Time { return base.Add(time.Duration(minutes) * time.Minute) }

// fullService sets every field of a service.
func fullService(tenant, id string) *practice.Service {
	return &practice.Service{
		ID:                      id,
		Tenant:                  tenant,
		Name:                    "Contributo affitto " + id,
		Office:                  "office-social",
		Status:                  practice.ServiceAvailable,
		Workflow:                practice.WorkflowApproval,
		Payment:                 practice.PaymentDeferred,
		PaymentAmount:           decimal.RequireFromString("16.50"),
		PaymentReason:           "Diritti di segreteria",
		ProtocolRequired:        true,
		AllowIntegrationRequest: true,
		AllowWithdraw:           true,
		AllowReopening:          true,
		AllowStatusChange:       true,
		MaxResponseDays:         30,
		RequiredLevel:           auth.LevelL2,
		Templates: map[practice.Status]practice.MessageTemplate{
			practice.StatusSubmitted: {Active: true, Subject: "Pratica acquisita", Body: "La pratica è stata acquisita."},
			practice.StatusComplete:  {Active: true, Subject: "Accettata", Body: "Esito: accettata.\nCordiali saluti"},
			practice.StatusCancelled: {Active: false, Subject: "", Body: "non inviato"},
		},
		CreatedAt: at(0),
		UpdatedAt: at(1),
	}
}

func minimalService(tenant, id string) *practice.Service {
	return &practice.Service{
		ID: id, Tenant: tenant, Name: "Servizio " + id,
		Status: practice.ServiceAvailable, Workflow: practice.WorkflowForward, Payment: practice.PaymentNone,
		CreatedAt: at(0), UpdatedAt: at(0),
	}
}

func att(id string) practice.Attachment {
	return practice.Attachment{ID: id, Name: id + ".pdf", MediaType: "application/pdf"}
}

// fullPractice sets every field of a pratica, nested parts included.
func fullPractice(tenant string, id practice.ID) *practice.Practice {
	return &practice.Practice{
		ID:      id,
		Tenant:  tenant,
		Service: "svc-full",
		Owner:   practice.Owner{ID: "citizen-1", FiscalCode: "RSSMRA80A01H501U", Provider: "spid", Name: "Mario Rossi"},
		Related: []string{"VRDGPP75B02F205X", "BNCLRA90C43L219K"},
		Data: map[string]any{
			"name":     "Mario",
			"income":   23456.78,
			"children": float64(2),
			"married":  true,
			"notes":    nil,
			"address":  map[string]any{"street": "Via Roma 1", "zip": "00100", "geo": []any{41.9, 12.5}},
			"members":  []any{map[string]any{"cf": "X", "age": float64(7)}, "text", false},
			"unicode":  "àèìòù €",
		},
		Status:   practice.StatusPendingAfterIntegration,
		Assignee: "operator-1",
		Office:   "office-social",
		History: []practice.HistoryEntry{
			{At: at(0), From: practice.StatusNone, To: practice.StatusDraft, Event: practice.ActionCreate, Operator: "citizen-1"},
			{At: at(5), From: practice.StatusDraft, To: practice.StatusPreSubmit, Event: practice.ActionSubmit, Operator: "citizen-1"},
			{At: at(6), From: practice.StatusPreSubmit, To: practice.StatusSubmitted, Event: practice.ActionAcquire, Operator: "system", Office: "office-social"},
			{At: at(60), From: practice.StatusRegistered, To: practice.StatusPending, Event: practice.ActionTakeInCharge, Operator: "operator-1", Office: "office-social"},
			{At: at(70), From: practice.StatusPending, To: practice.StatusPending, Event: practice.ActionNote, Operator: "operator-1", Office: "office-social", MessageID: "m-2"},
			{At: at(80), From: practice.StatusPending, To: practice.StatusRequestIntegration, Event: practice.ActionRequestIntegration, Operator: "operator-1", Office: "office-social", MessageID: "m-3"},
		},
		Messages: []practice.Message{
			{ID: "m-1", Author: "citizen-1", AuthorKind: auth.KindCitizen, Visibility: practice.VisibilityApplicant, Subject: "Domanda", Text: "Buongiorno,\nallego.", Attachments: []practice.Attachment{att("a-1"), att("a-2")}, CreatedAt: at(61)},
			{ID: "m-2", Author: "operator-1", AuthorKind: auth.KindOperator, Visibility: practice.VisibilityInternal, Text: "nota privata", CreatedAt: at(70)},
			{ID: "m-3", Author: "operator-1", AuthorKind: auth.KindOperator, Visibility: practice.VisibilityApplicant, Subject: "Integrazione", Text: "Serve l'ISEE", Attachments: []practice.Attachment{att("a-3")}, CreatedAt: at(80)},
			{ID: "m-4", Author: "system", AuthorKind: auth.KindSystem, Visibility: practice.VisibilityApplicant, Text: "automatico", CreatedAt: at(81)},
		},
		Integrations: []practice.IntegrationRequest{
			{ID: "i-1", RequestedAt: at(80), RequestedBy: "operator-1", MessageID: "m-3", Attachments: []practice.Attachment{att("a-3")},
				State: practice.IntegrationAnswered, ProtocolNumber: "PROT-2",
				Answer:   &practice.IntegrationAnswer{At: at(90), By: "citizen-1", MessageID: "m-5", Attachments: []practice.Attachment{att("a-4")}, ProtocolNumber: "PROT-3"},
				ClosedAt: at(90)},
			{ID: "i-2", RequestedAt: at(95), RequestedBy: "operator-2", State: practice.IntegrationCancelled, ClosedAt: at(96)},
			{ID: "i-3", RequestedAt: at(97), RequestedBy: "operator-1", MessageID: "m-6", State: practice.IntegrationOpen},
		},
		Outcome: &practice.Outcome{Accepted: true, Motivation: "Requisiti soddisfatti", Attachments: []practice.Attachment{att("a-9")},
			DecidedBy: "operator-1", DecidedAt: at(120), DeferredAmount: decimal.RequireFromString("32.10"), ProtocolNumber: "PROT-9"},
		Payments: []practice.PaymentRef{
			{ID: "pay-1", Purpose: practice.PurposeUpFront, Amount: decimal.RequireFromString("16.5"), Status: payment.StatusComplete, CreatedAt: at(3)},
			{ID: "pay-2", Purpose: practice.PurposeStampDuty, Amount: decimal.RequireFromString("16.00"), Status: payment.StatusPending, CreatedAt: at(100)},
		},
		ProtocolNumber: "PROT-1",
		Protocols: []practice.ProtocolRecord{
			{Document: practice.DocumentApplication, Number: "PROT-1", RegisteredAt: at(7)},
			{Document: practice.DocumentIntegrationRequest, Ref: "i-1", Number: "PROT-2", RegisteredAt: at(81)},
			{Document: practice.DocumentIntegrationAnswer, Ref: "i-1", Number: "PROT-3", RegisteredAt: at(91)},
		},
		IdempotencyKey: "idem-" + string(id),
		CreatedAt:      at(0),
		UpdatedAt:      at(120),
		SubmittedAt:    at(5),
	}
}

// minimalPractice sets only what every pratica has.
func minimalPractice(tenant string, id practice.ID) *practice.Practice {
	return &practice.Practice{
		ID: id, Tenant: tenant, Service: "svc-1",
		Owner:     practice.Owner{ID: "citizen-1", FiscalCode: "RSSMRA80A01H501U"},
		Status:    practice.StatusDraft,
		History:   []practice.HistoryEntry{{At: at(0), To: practice.StatusDraft, Event: practice.ActionCreate, Operator: "citizen-1"}},
		CreatedAt: at(0), UpdatedAt: at(0),
	}
}

func note(tenant, id string, p practice.ID, st practice.Status, at time.Time) practice.Notification {
	return practice.Notification{ID: id, Tenant: tenant, Kind: practice.NotifyCitizenStatus, Practice: p, Service: "svc-1",
		Status: st, Recipient: "citizen-1", Subject: "Oggetto " + id, Body: "Testo " + id, CreatedAt: at}
}

func (k *kit) create(t *testing.T, s practice.Store, p *practice.Practice, notes ...practice.Notification) *practice.Practice {
	t.Helper()
	got, created, err := s.Create(k.ctx, p, notes)
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, int64(1), p.Version)
	return got
}

func (k *kit) get(t *testing.T, s practice.Store, tenant string, id practice.ID) *practice.Practice {
	t.Helper()
	p, err := s.Get(k.ctx, tenant, id)
	require.NoError(t, err)
	return p
}

func conflictField(err error) string {
	var ce *practice.ConflictError
	if errors.As(err, &ce) {
		return ce.Field
	}
	return ""
}

// assertSame compares two records field by field the way the Store contract
// defines equality: nil and empty slices and maps are equal, decimals are
// compared by value, and every non-zero time must be in UTC.
func assertSame(t *testing.T, want, got any, msgAndArgs ...any) bool {
	t.Helper()
	return assert.Equal(t, canon(reflect.ValueOf(want)), canon(reflect.ValueOf(got)), msgAndArgs...)
}

var (
	decimalType = reflect.TypeFor[decimal.Decimal]()
	timeType    = reflect.TypeFor[time.Time]()
)

// canon turns v into plain maps, slices and scalars in which equal records
// are deep-equal.
func canon(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	switch v.Type() {
	case decimalType:
		return "decimal " + v.Interface().(decimal.Decimal).String()
	case timeType:
		tm := v.Interface().(time.Time)
		if tm.IsZero() {
			return "time zero"
		}
		// The location is part of the value: a non-UTC time shows up in
		// the diff.
		return "time " + tm.Format(time.RFC3339Nano) + " " + tm.Location().String()
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return canon(v.Elem())
	case reflect.Struct:
		m := map[string]any{}
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				m[f.Name] = canon(v.Field(i))
			}
		}
		return m
	case reflect.Slice, reflect.Array:
		if v.Len() == 0 {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = canon(v.Index(i))
		}
		return out
	case reflect.Map:
		if v.Len() == 0 {
			return nil
		}
		out := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			out[fmt.Sprint(it.Key().Interface())] = canon(it.Value())
		}
		return out
	}
	return v.Interface()
}

// peek is the instant of the kit's reads of the outbox: earlier than any
// lease the kit takes.
var peek = base.Add(-24 * time.Hour)

// pending returns the tenant's notifications claimable at peek: with a
// zero lease the claim leaves them claimable, so it is a read. Where the
// kit takes no lease, that is every undelivered notification.
func (k *kit) pending(t *testing.T, s practice.Store, tenant string) []practice.Notification {
	t.Helper()
	ns, err := s.ClaimNotifications(k.ctx, tenant, peek, 0, 1000)
	require.NoError(t, err)
	return ns
}

// claim claims up to limit notifications of the tenant at now for lease
// and returns their IDs.
func (k *kit) claim(t *testing.T, s practice.Store, tenant string, now time.Time, lease time.Duration, limit int) []string {
	t.Helper()
	ns, err := s.ClaimNotifications(k.ctx, tenant, now, lease, limit)
	require.NoError(t, err)
	return noteIDs(ns)
}

func noteIDs(ns []practice.Notification) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, n.ID)
	}
	return out
}

func notesOf(ns []practice.Notification, id practice.ID) []string {
	out := []string{}
	for _, n := range ns {
		if n.Practice == id {
			out = append(out, n.ID)
		}
	}
	return out
}

func testServiceRoundTrip(t *testing.T, k *kit) {
	s := k.store(t)
	svc := fullService("t1", "svc-full")
	require.NoError(t, s.CreateService(k.ctx, svc))
	assert.Equal(t, int64(1), svc.Version)
	want := svc.Clone()
	// Changing the caller's value after the write changes nothing stored.
	svc.Templates[practice.StatusSubmitted] = practice.MessageTemplate{Subject: "changed"}
	svc.Name = "changed"

	got, err := s.GetService(k.ctx, "t1", "svc-full")
	require.NoError(t, err)
	assertSame(t, want, got)
	got.Templates[practice.StatusComplete] = practice.MessageTemplate{Subject: "changed"}
	again, err := s.GetService(k.ctx, "t1", "svc-full")
	require.NoError(t, err)
	assertSame(t, want, again, "a returned service must be a copy")

	minimal := minimalService("t1", "svc-min")
	require.NoError(t, s.CreateService(k.ctx, minimal))
	got, err = s.GetService(k.ctx, "t1", "svc-min")
	require.NoError(t, err)
	assertSame(t, minimal, got)
	assert.True(t, got.PaymentAmount.IsZero())

	err = s.CreateService(k.ctx, minimalService("t1", "svc-full"))
	assert.ErrorIs(t, err, practice.ErrConflict)
	assert.Equal(t, "id", conflictField(err))
	got, _ = s.GetService(k.ctx, "t1", "svc-full")
	assertSame(t, want, got, "a refused create changes nothing")
	require.NoError(t, s.CreateService(k.ctx, minimalService("t2", "svc-full")), "another tenant may reuse the ID")

	// Every setting can change, templates included.
	upd := again.Clone()
	upd.Name = "Nuovo nome"
	upd.Office = ""
	upd.Status = practice.ServiceSuspended
	upd.Workflow = practice.WorkflowForward
	upd.Payment = practice.PaymentRequired
	upd.PaymentAmount = decimal.RequireFromString("0.01")
	upd.PaymentReason = ""
	upd.ProtocolRequired, upd.AllowIntegrationRequest, upd.AllowWithdraw, upd.AllowReopening, upd.AllowStatusChange = false, false, false, false, false
	upd.MaxResponseDays = 0
	upd.RequiredLevel = auth.LevelL3
	upd.Templates = map[practice.Status]practice.MessageTemplate{practice.StatusWithdrawn: {Active: true, Subject: "Ritirata", Body: "x"}}
	upd.UpdatedAt = at(30)
	require.NoError(t, s.UpdateService(k.ctx, upd))
	assert.Equal(t, int64(2), upd.Version)
	got, err = s.GetService(k.ctx, "t1", "svc-full")
	require.NoError(t, err)
	assertSame(t, upd, got)

	upd.Templates = nil
	require.NoError(t, s.UpdateService(k.ctx, upd))
	got, _ = s.GetService(k.ctx, "t1", "svc-full")
	assert.Empty(t, got.Templates, "templates removed")
	assert.Equal(t, int64(3), got.Version)
}

func testServiceStaleUpdate(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	svc := minimalService("t1", "svc-1")
	require.NoError(t, ss[0].CreateService(k.ctx, svc))
	first, err := ss[0].GetService(k.ctx, "t1", "svc-1")
	require.NoError(t, err)
	second, err := ss[1].GetService(k.ctx, "t1", "svc-1")
	require.NoError(t, err)
	first.Name = "first"
	require.NoError(t, ss[0].UpdateService(k.ctx, first))
	second.Name = "second"
	err = ss[1].UpdateService(k.ctx, second)
	assert.ErrorIs(t, err, practice.ErrConflict)
	assert.Equal(t, "version", conflictField(err))
	got, _ := ss[1].GetService(k.ctx, "t1", "svc-1")
	assert.Equal(t, "first", got.Name)
	assert.Equal(t, int64(2), got.Version)

	ok, _ := conctest.Run(t, 10, practice.ErrConflict, func(i int) error {
		c := got.Clone()
		c.Name = fmt.Sprintf("writer %d", i)
		return ss[i%2].UpdateService(k.ctx, c)
	})
	assert.Equal(t, 1, ok, "exactly one writer of a version wins")

	err = ss[0].UpdateService(k.ctx, minimalService("t1", "missing"))
	assert.ErrorIs(t, err, practice.ErrNotFound)
}

func testServiceList(t *testing.T, k *kit) {
	s := k.store(t)
	var ids []string
	for i := range 7 {
		id := fmt.Sprintf("svc-%02d", 7-i) // created out of order
		require.NoError(t, s.CreateService(k.ctx, minimalService("t1", id)))
		ids = append(ids, id)
	}
	require.NoError(t, s.CreateService(k.ctx, minimalService("t2", "svc-00")))
	require.NoError(t, s.CreateService(k.ctx, minimalService("t2", "svc-99")))
	slices.Sort(ids)
	for _, size := range []int{1, 3, 7, 50} {
		var got []string
		after := ""
		for range 20 {
			page, err := s.ListServices(k.ctx, "t1", after, size)
			require.NoError(t, err)
			require.LessOrEqual(t, len(page), size)
			for _, svc := range page {
				assert.Equal(t, "t1", svc.Tenant)
				got = append(got, svc.ID)
			}
			if len(page) < size {
				break
			}
			after = page[len(page)-1].ID
		}
		assert.Equal(t, ids, got, "page size %d", size)
	}
	page, err := s.ListServices(k.ctx, "t1", "svc-03", 2)
	require.NoError(t, err)
	require.Len(t, page, 2)
	assert.Equal(t, "svc-04", page[0].ID)
	assertSame(t, minimalService("t1", "svc-04"), func() *practice.Service { c := page[0].Clone(); c.Version = 0; return c }())
}

func testPracticeRoundTrip(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	p := fullPractice("t1", "p-full")
	want := p.Clone()
	got, created, err := ss[0].Create(k.ctx, p, []practice.Notification{note("t1", "n-1", p.ID, p.Status, at(0))})
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, int64(1), p.Version)
	want.Version = 1
	assertSame(t, want, got, "Create returns the stored pratica")
	for i, s := range ss {
		got := k.get(t, s, "t1", "p-full")
		assertSame(t, want, got, "store %d", i)
	}
}

func testPracticeMinimal(t *testing.T, k *kit) {
	s := k.store(t)
	p := minimalPractice("t1", "p-min")
	k.create(t, s, p)
	got := k.get(t, s, "t1", "p-min")
	assertSame(t, p, got)
	assert.Nil(t, got.Outcome, "no outcome stays nil")
	assert.True(t, got.SubmittedAt.IsZero(), "a zero time comes back zero")
	assert.Empty(t, got.Data)
	assert.Empty(t, got.Related)

	// Empty (not nil) collections are equal to nil ones.
	e := minimalPractice("t1", "p-empty")
	e.Related, e.Data, e.Messages, e.Integrations, e.Payments, e.Protocols = []string{}, map[string]any{}, []practice.Message{}, []practice.IntegrationRequest{}, []practice.PaymentRef{}, []practice.ProtocolRecord{}
	e.Data = map[string]any{"empty": map[string]any{}, "list": []any{}}
	k.create(t, s, e)
	assertSame(t, e, k.get(t, s, "t1", "p-empty"))
}

func testPracticeUpdate(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	p := fullPractice("t1", "p-1")
	k.create(t, ss[0], p)

	// A reopening: the outcome goes, history and messages grow, nested
	// parts change.
	u := k.get(t, ss[1], "t1", "p-1")
	u.Status = practice.StatusPending
	u.Outcome = nil
	u.Assignee = "operator-2"
	u.Office = "office-2"
	u.Related = []string{"BNCLRA90C43L219K"}
	u.Data["income"] = 1.5
	delete(u.Data, "members")
	u.History = append(u.History, practice.HistoryEntry{At: at(200), From: practice.StatusComplete, To: practice.StatusPending, Event: practice.ActionReopen, Operator: "operator-2", Office: "office-2", MessageID: "m-7"})
	u.Messages = append(u.Messages, practice.Message{ID: "m-7", Author: "operator-2", AuthorKind: auth.KindOperator, Visibility: practice.VisibilityApplicant, Text: "Riaperta", CreatedAt: at(200)})
	// Entries are only appended by the Desk, but the store replaces
	// every field: an edited old entry is stored as edited.
	u.History[1].Operator = "citizen-2"
	u.Messages[0].Attachments = u.Messages[0].Attachments[:1]
	u.Messages[1].Text = "nota corretta"
	u.Integrations[2].State = practice.IntegrationAnswered
	u.Integrations[2].ClosedAt = at(150)
	u.Integrations[2].Answer = &practice.IntegrationAnswer{At: at(150), By: "citizen-1", MessageID: "m-8"}
	u.Payments[1].Status = payment.StatusComplete
	u.Protocols = append(u.Protocols, practice.ProtocolRecord{Document: practice.DocumentOutcome, Number: "PROT-10", RegisteredAt: at(160)})
	u.UpdatedAt = at(200)
	require.NoError(t, ss[1].Update(k.ctx, u, nil))
	assert.Equal(t, int64(2), u.Version)
	for i, s := range ss {
		assertSame(t, u, k.get(t, s, "t1", "p-1"), "store %d", i)
	}

	// Shrinking works too: every field is replaced, not merged.
	v := u.Clone()
	v.History = v.History[:2]
	v.Messages = nil
	v.Integrations = nil
	v.Payments = v.Payments[1:]
	v.Protocols = nil
	v.Related = nil
	v.Data = nil
	v.ProtocolNumber = ""
	v.SubmittedAt = time.Time{}
	v.Outcome = &practice.Outcome{Accepted: false, Motivation: "Documentazione incompleta", DecidedBy: "operator-2", DecidedAt: at(300)}
	require.NoError(t, ss[0].Update(k.ctx, v, nil))
	assert.Equal(t, int64(3), v.Version)
	for i, s := range ss {
		assertSame(t, v, k.get(t, s, "t1", "p-1"), "store %d", i)
	}
}

func testCopies(t *testing.T, k *kit) {
	s := k.store(t)
	p := fullPractice("t1", "p-1")
	k.create(t, s, p)
	want := p.Clone()
	// The caller's value is not shared with the store.
	p.Data["address"].(map[string]any)["street"] = "changed"
	p.History[0].Operator = "changed"
	p.Messages[0].Attachments[0].ID = "changed"
	p.Integrations[0].Answer.By = "changed"
	p.Outcome.Motivation = "changed"
	p.Related[0] = "changed"
	got := k.get(t, s, "t1", "p-1")
	assertSame(t, want, got, "changing the written value changes nothing stored")
	// Nor is a returned value.
	got.Data["address"].(map[string]any)["street"] = "changed"
	got.Messages[0].Attachments[0].ID = "changed"
	got.Integrations[0].Answer.Attachments[0].ID = "changed"
	got.Outcome.Attachments[0].ID = "changed"
	got.Payments[0].Amount = decimal.NewFromInt(1)
	assertSame(t, want, k.get(t, s, "t1", "p-1"), "changing a returned value changes nothing stored")
	list, err := s.ListForCitizen(k.ctx, "t1", practice.CitizenFilter{OwnerID: "citizen-1"}, "", 10)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assertSame(t, want, list[0], "listings return whole pratiche")
	list[0].Data["name"] = "changed"
	assertSame(t, want, k.get(t, s, "t1", "p-1"), "changing a listed value changes nothing stored")
}

func testMissing(t *testing.T, k *kit) {
	s := k.store(t)
	_, err := s.Get(k.ctx, "t1", "nope")
	assert.ErrorIs(t, err, practice.ErrNotFound)
	err = s.Update(k.ctx, minimalPractice("t1", "nope"), []practice.Notification{note("t1", "n-x", "nope", practice.StatusDraft, base)})
	assert.ErrorIs(t, err, practice.ErrNotFound)
	err = s.Delete(k.ctx, "t1", "nope", 1, nil)
	assert.ErrorIs(t, err, practice.ErrNotFound)
	_, err = s.GetService(k.ctx, "t1", "nope")
	assert.ErrorIs(t, err, practice.ErrNotFound)
	err = s.UpdateService(k.ctx, minimalService("t1", "nope"))
	assert.ErrorIs(t, err, practice.ErrNotFound)
	assert.NoError(t, s.AckNotification(k.ctx, "t1", "nope"), "acknowledging an unknown notification is a no-op")
	assert.Empty(t, k.pending(t, s, "t1"), "a refused update queues nothing")
	list, err := s.ListSummaries(k.ctx, "t1", practice.OfficeFilter{}, practice.Position{}, 10)
	require.NoError(t, err)
	assert.Empty(t, list)
	svcs, err := s.ListServices(k.ctx, "t1", "", 10)
	require.NoError(t, err)
	assert.Empty(t, svcs)
}

func testDuplicateID(t *testing.T, k *kit) {
	s := k.store(t)
	p := fullPractice("t1", "p-1")
	k.create(t, s, p)
	dup := minimalPractice("t1", "p-1")
	dup.IdempotencyKey = "another-key"
	_, created, err := s.Create(k.ctx, dup, []practice.Notification{note("t1", "n-dup", "p-1", practice.StatusDraft, base)})
	assert.ErrorIs(t, err, practice.ErrConflict)
	assert.Equal(t, "id", conflictField(err))
	assert.False(t, created)
	dup = minimalPractice("t1", "p-1")
	_, _, err = s.Create(k.ctx, dup, nil)
	assert.Equal(t, "id", conflictField(err), "without a key")
	assertSame(t, p, k.get(t, s, "t1", "p-1"), "a refused create changes nothing")
	assert.Empty(t, k.pending(t, s, "t1"), "a refused create queues nothing")
	// The key of the refused create was not taken.
	other := minimalPractice("t1", "p-2")
	other.IdempotencyKey = "another-key"
	k.create(t, s, other)
}

func testIdempotentCreate(t *testing.T, k *kit) {
	s := k.store(t)
	p := fullPractice("t1", "p-1")
	p.IdempotencyKey = "key-1"
	k.create(t, s, p, note("t1", "n-1", "p-1", p.Status, base))

	again := minimalPractice("t1", "p-2")
	again.IdempotencyKey = "key-1"
	got, created, err := s.Create(k.ctx, again, []practice.Notification{note("t1", "n-2", "p-2", practice.StatusDraft, base)})
	require.NoError(t, err)
	assert.False(t, created, "the key was used: nothing is created")
	assertSame(t, p, got, "the pratica created with the key is returned")
	_, err = s.Get(k.ctx, "t1", "p-2")
	assert.ErrorIs(t, err, practice.ErrNotFound)
	assert.Equal(t, []string{"n-1"}, noteIDs(k.pending(t, s, "t1")), "the repeated create's notes are not saved")

	// The same call repeated (same ID, same key) is the same answer.
	same := fullPractice("t1", "p-1")
	same.IdempotencyKey = "key-1"
	got, created, err = s.Create(k.ctx, same, nil)
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, practice.ID("p-1"), got.ID)

	// Keys are per tenant, and pratiche without a key never collide.
	o := minimalPractice("t2", "p-1")
	o.IdempotencyKey = "key-1"
	k.create(t, s, o)
	k.create(t, s, minimalPractice("t1", "p-3"))
	k.create(t, s, minimalPractice("t1", "p-4"))

	// Deleting forgets the key.
	require.NoError(t, s.Delete(k.ctx, "t1", "p-1", 1, nil))
	fresh := minimalPractice("t1", "p-5")
	fresh.IdempotencyKey = "key-1"
	got, created, err = s.Create(k.ctx, fresh, nil)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, practice.ID("p-5"), got.ID)
}

func testConcurrentCreate(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	const n = 50
	var created atomic.Int32
	var mu sync.Mutex
	ids := map[practice.ID]int{}
	ok, _ := conctest.Run(t, n, nil, func(i int) error {
		p := minimalPractice("t1", practice.ID(fmt.Sprintf("p-%02d", i)))
		p.IdempotencyKey = "one-key"
		got, c, err := ss[i%2].Create(k.ctx, p, []practice.Notification{note("t1", fmt.Sprintf("n-%02d", i), p.ID, p.Status, base)})
		if err != nil {
			return err
		}
		if c {
			created.Add(1)
		}
		mu.Lock()
		ids[got.ID]++
		mu.Unlock()
		return nil
	})
	assert.Equal(t, n, ok, "every call answers")
	assert.Equal(t, int32(1), created.Load(), "exactly one call creates")
	require.Len(t, ids, 1, "every call returns the same pratica")
	list, err := ss[0].ListForCitizen(k.ctx, "t1", practice.CitizenFilter{OwnerID: "citizen-1"}, "", 100)
	require.NoError(t, err)
	require.Len(t, list, 1, "one key, one record")
	for id := range ids {
		assert.Equal(t, id, list[0].ID)
		assert.Equal(t, []string{"n-" + string(id[2:])}, noteIDs(k.pending(t, ss[1], "t1")), "only the creator's notes are saved")
	}

	// A retried call (one ID, one key) from many instances at once.
	ok, _ = conctest.Run(t, 20, nil, func(i int) error {
		p := minimalPractice("t1", "retried")
		p.IdempotencyKey = "retry-key"
		_, c, err := ss[i%2].Create(k.ctx, p, nil)
		if c {
			created.Add(1)
		}
		return err
	})
	assert.Equal(t, 20, ok, "a retried create is answered, not refused")
	assert.Equal(t, int32(2), created.Load(), "exactly one retried call creates")
}

func testIdempotencyKeyUpdate(t *testing.T, k *kit) {
	s := k.store(t)
	a := minimalPractice("t1", "p-a")
	a.IdempotencyKey = "key-a"
	k.create(t, s, a)
	b := minimalPractice("t1", "p-b")
	b.IdempotencyKey = "key-b"
	k.create(t, s, b)

	c := b.Clone()
	c.IdempotencyKey = "key-a"
	c.Status = practice.StatusPreSubmit
	err := s.Update(k.ctx, c, []practice.Notification{note("t1", "n-1", "p-b", c.Status, base)})
	assert.ErrorIs(t, err, practice.ErrConflict)
	assert.Equal(t, "idempotency_key", conflictField(err))
	assertSame(t, b, k.get(t, s, "t1", "p-b"), "a refused update changes nothing")
	assert.Empty(t, k.pending(t, s, "t1"))
	// Both keys still lead to their pratiche.
	for key, id := range map[string]practice.ID{"key-a": "p-a", "key-b": "p-b"} {
		probe := minimalPractice("t1", practice.ID("probe-"+key))
		probe.IdempotencyKey = key
		got, created, err := s.Create(k.ctx, probe, nil)
		require.NoError(t, err)
		assert.False(t, created, key)
		assert.Equal(t, id, got.ID, key)
	}
}

func testStaleUpdate(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	p := minimalPractice("t1", "p-1")
	p.Status = practice.StatusPending
	k.create(t, ss[0], p)
	first := k.get(t, ss[0], "t1", "p-1")
	second := k.get(t, ss[1], "t1", "p-1")

	first.Status = practice.StatusComplete
	first.History = append(first.History, practice.HistoryEntry{At: at(10), From: practice.StatusPending, To: practice.StatusComplete, Event: practice.ActionAccept, Operator: "op-1"})
	require.NoError(t, ss[0].Update(k.ctx, first, []practice.Notification{note("t1", "n-first", "p-1", first.Status, at(10))}))
	assert.Equal(t, int64(2), first.Version)

	second.Status = practice.StatusCancelled
	second.History = append(second.History, practice.HistoryEntry{At: at(11), From: practice.StatusPending, To: practice.StatusCancelled, Event: practice.ActionReject, Operator: "op-2"})
	second.Messages = append(second.Messages, practice.Message{ID: "m-1", Author: "op-2", AuthorKind: auth.KindOperator, Visibility: practice.VisibilityApplicant, Text: "no", CreatedAt: at(11)})
	err := ss[1].Update(k.ctx, second, []practice.Notification{note("t1", "n-second", "p-1", second.Status, at(11))})
	assert.ErrorIs(t, err, practice.ErrConflict)
	assert.Equal(t, "version", conflictField(err))
	assert.Equal(t, int64(1), second.Version, "a refused update leaves the version")
	assertSame(t, first, k.get(t, ss[1], "t1", "p-1"), "the stale write is not applied")
	assert.Equal(t, []string{"n-first"}, noteIDs(k.pending(t, ss[1], "t1")), "nor are its notes")

	// A version ahead of the stored one is stale too.
	ahead := first.Clone()
	ahead.Version = 7
	assert.Equal(t, "version", conflictField(ss[0].Update(k.ctx, ahead, nil)))
}

func testStaleDelete(t *testing.T, k *kit) {
	s := k.store(t)
	p := fullPractice("t1", "p-1")
	k.create(t, s, p)
	u := p.Clone()
	require.NoError(t, s.Update(k.ctx, u, nil))
	err := s.Delete(k.ctx, "t1", "p-1", 1, []practice.Notification{note("t1", "n-stale", "p-1", practice.StatusNone, base)})
	assert.ErrorIs(t, err, practice.ErrConflict)
	assert.Equal(t, "version", conflictField(err))
	assertSame(t, u, k.get(t, s, "t1", "p-1"))
	assert.Empty(t, k.pending(t, s, "t1"))

	require.NoError(t, s.Delete(k.ctx, "t1", "p-1", 2, []practice.Notification{note("t1", "n-del", "p-1", practice.StatusNone, base)}))
	_, err = s.Get(k.ctx, "t1", "p-1")
	assert.ErrorIs(t, err, practice.ErrNotFound)
	assert.Equal(t, []string{"n-del"}, noteIDs(k.pending(t, s, "t1")), "a delete's notes are saved with it")
	assert.ErrorIs(t, s.Update(k.ctx, u, nil), practice.ErrNotFound)
	assert.ErrorIs(t, s.Delete(k.ctx, "t1", "p-1", 2, nil), practice.ErrNotFound)
	list, err := s.ListSummaries(k.ctx, "t1", practice.OfficeFilter{}, practice.Position{}, 10)
	require.NoError(t, err)
	assert.Empty(t, list)
	// The ID may be used again, and the new pratica has nothing of the old.
	again := minimalPractice("t1", "p-1")
	k.create(t, s, again)
	assertSame(t, again, k.get(t, s, "t1", "p-1"))
}

// decide applies an operator's decision to p as the Desk would: status,
// outcome, history entry and message together.
func decide(p *practice.Practice, accept bool, operator string, when time.Time) {
	to, ev, text := practice.StatusCancelled, practice.ActionReject, "Rigettata: requisiti mancanti"
	if accept {
		to, ev, text = practice.StatusComplete, practice.ActionAccept, "Accolta"
	}
	msgID := fmt.Sprintf("m-%s-%d", operator, len(p.Messages))
	p.History = append(p.History, practice.HistoryEntry{At: when, From: p.Status, To: to, Event: ev, Operator: operator, Office: p.Office, MessageID: msgID})
	p.Messages = append(p.Messages, practice.Message{ID: msgID, Author: operator, AuthorKind: auth.KindOperator, Visibility: practice.VisibilityApplicant, Text: text, Attachments: []practice.Attachment{att("outcome-" + operator)}, CreatedAt: when})
	p.Outcome = &practice.Outcome{Accepted: accept, Motivation: text, Attachments: []practice.Attachment{att("outcome-" + operator)}, DecidedBy: operator, DecidedAt: when}
	p.Status = to
	p.Assignee = operator
	p.UpdatedAt = when
}

func testAcceptRejectRace(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	const rounds = 8
	for r := range rounds {
		id := practice.ID(fmt.Sprintf("race-%02d", r))
		p := fullPractice("t1", id)
		p.Status = practice.StatusPending
		p.Outcome = nil
		k.create(t, ss[0], p)

		// Both operators read the same version, then decide at once.
		read := [2]*practice.Practice{k.get(t, ss[0], "t1", id), k.get(t, ss[1], "t1", id)}
		var notes [2][]practice.Notification
		for i := range 2 {
			decide(read[i], i == 0, fmt.Sprintf("operator-%d", i+1), at(500+i))
			notes[i] = []practice.Notification{note("t1", fmt.Sprintf("n-%s-%d", id, i), id, read[i].Status, at(500+i))}
		}
		errs := [2]error{}
		conctest.Run(t, 2, practice.ErrConflict, func(i int) error {
			errs[i] = ss[i].Update(k.ctx, read[i], notes[i])
			return errs[i]
		})

		winner := -1
		for i, err := range errs {
			switch {
			case err == nil:
				require.Equal(t, -1, winner, "round %d: both updates succeeded", r)
				winner = i
			default:
				require.ErrorIs(t, err, practice.ErrConflict, "round %d", r)
				assert.Equal(t, "version", conflictField(err))
			}
		}
		require.NotEqual(t, -1, winner, "round %d: neither update succeeded", r)
		for i, s := range ss {
			got := k.get(t, s, "t1", id)
			assertSame(t, read[winner], got, "round %d, store %d: the winner's state, whole", r, i)
		}
		assert.Equal(t, []string{fmt.Sprintf("n-%s-%d", id, winner)}, notesOf(k.pending(t, ss[1-winner], "t1"), id),
			"round %d: only the winner's notification is queued", r)
	}
}

func testConcurrentUpdates(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	p := fullPractice("t1", "p-1")
	k.create(t, ss[0], p)
	const n = 16
	ok, _ := conctest.Run(t, n, practice.ErrConflict, func(i int) error {
		c := p.Clone()
		c.Messages = append(c.Messages, practice.Message{ID: fmt.Sprintf("m-w%d", i), Author: "op", AuthorKind: auth.KindOperator, Visibility: practice.VisibilityInternal, Text: "x", CreatedAt: at(i)})
		c.History = append(c.History, practice.HistoryEntry{At: at(i), From: c.Status, To: c.Status, Event: practice.ActionNote, Operator: "op", MessageID: fmt.Sprintf("m-w%d", i)})
		return ss[i%2].Update(k.ctx, c, []practice.Notification{note("t1", fmt.Sprintf("n-%02d", i), "p-1", c.Status, at(i))})
	})
	assert.Equal(t, 1, ok, "exactly one writer of a version wins")
	got := k.get(t, ss[1], "t1", "p-1")
	assert.Equal(t, int64(2), got.Version)
	assert.Len(t, got.Messages, len(p.Messages)+1)
	assert.Len(t, got.History, len(p.History)+1)
	notes := k.pending(t, ss[0], "t1")
	require.Len(t, notes, 1)
	assert.Equal(t, "m-w"+fmt.Sprint(mustAtoi(t, notes[0].ID[2:])), got.Messages[len(got.Messages)-1].ID, "the queued note is the winner's")
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	_, err := fmt.Sscanf(s, "%d", &n)
	require.NoError(t, err)
	return n
}

func testTenants(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	s, o := ss[0], ss[1]
	svc := fullService("t1", "svc-1")
	require.NoError(t, s.CreateService(k.ctx, svc))
	p := fullPractice("t1", "p-1")
	p.Service = "svc-1"
	k.create(t, s, p, note("t1", "n-1", "p-1", p.Status, base))
	wantP, wantS := p.Clone(), svc.Clone()

	_, err := o.GetService(k.ctx, "t2", "svc-1")
	assert.ErrorIs(t, err, practice.ErrNotFound)
	svcs, err := o.ListServices(k.ctx, "t2", "", 100)
	require.NoError(t, err)
	assert.Empty(t, svcs)
	foreignSvc := svc.Clone()
	foreignSvc.Tenant = "t2"
	foreignSvc.Name = "hijacked"
	assert.ErrorIs(t, o.UpdateService(k.ctx, foreignSvc), practice.ErrNotFound)

	_, err = o.Get(k.ctx, "t2", "p-1")
	assert.ErrorIs(t, err, practice.ErrNotFound)
	foreign := p.Clone()
	foreign.Tenant = "t2"
	foreign.Status = practice.StatusCancelled
	assert.ErrorIs(t, o.Update(k.ctx, foreign, []practice.Notification{note("t2", "n-x", "p-1", foreign.Status, base)}), practice.ErrNotFound)
	assert.ErrorIs(t, o.Delete(k.ctx, "t2", "p-1", 1, nil), practice.ErrNotFound)

	citizen, err := o.ListForCitizen(k.ctx, "t2", practice.CitizenFilter{OwnerID: p.Owner.ID, FiscalCode: p.Related[0]}, "", 100)
	require.NoError(t, err)
	assert.Empty(t, citizen)
	office, err := o.ListSummaries(k.ctx, "t2", practice.OfficeFilter{}, practice.Position{}, 100)
	require.NoError(t, err)
	assert.Empty(t, office)
	office, err = o.ListSummaries(k.ctx, "t2", practice.OfficeFilter{Service: "svc-1", Visible: &practice.Reach{Services: []string{"svc-1"}, Offices: []string{p.Office}}}, practice.Position{}, 100)
	require.NoError(t, err)
	assert.Empty(t, office)

	assert.Empty(t, k.pending(t, o, "t2"))
	assert.NoError(t, o.AckNotification(k.ctx, "t2", "n-1"), "acknowledging another tenant's notification is a no-op")

	// Nothing of t1 changed, and t2 may use the same IDs for its own.
	assertSame(t, wantP, k.get(t, s, "t1", "p-1"))
	gotS, err := s.GetService(k.ctx, "t1", "svc-1")
	require.NoError(t, err)
	assertSame(t, wantS, gotS)
	assert.Equal(t, []string{"n-1"}, noteIDs(k.pending(t, s, "t1")))

	require.NoError(t, o.CreateService(k.ctx, minimalService("t2", "svc-1")))
	mine := minimalPractice("t2", "p-1")
	k.create(t, o, mine, note("t2", "n-1", "p-1", mine.Status, base))
	assertSame(t, wantP, k.get(t, s, "t1", "p-1"))
	assertSame(t, mine, k.get(t, o, "t2", "p-1"))
	require.NoError(t, o.AckNotification(k.ctx, "t2", "n-1"))
	assert.Equal(t, []string{"n-1"}, noteIDs(k.pending(t, s, "t1")), "t2 delivering its note leaves t1's")
	require.NoError(t, o.Delete(k.ctx, "t2", "p-1", 1, nil))
	assertSame(t, wantP, k.get(t, s, "t1", "p-1"))
}

// pageAll walks a listing page by page and returns the IDs, failing on a
// duplicate or an unordered page.
func pageAll(t *testing.T, size int, list func(after practice.ID, limit int) ([]*practice.Practice, error)) []practice.ID {
	t.Helper()
	got := []practice.ID{}
	var after practice.ID
	for range 1000 {
		page, err := list(after, size)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), size)
		for _, p := range page {
			require.Greater(t, p.ID, after, "pages are in ascending ID order, without repeats")
			after = p.ID
			got = append(got, p.ID)
		}
		if len(page) < size {
			return got
		}
	}
	t.Fatal("listing does not end")
	return nil
}

var statusCycle = []practice.Status{
	practice.StatusDraft, practice.StatusSubmitted, practice.StatusPending, practice.StatusComplete,
	practice.StatusRequestIntegration, practice.StatusCancelled, practice.StatusPaymentPending,
}

const (
	cfA = "AAAAAA80A01H501A"
	cfB = "BBBBBB80A01H501B"
)

// citizenSet creates pratiche with owners, related codici fiscali and
// statuses in every combination; IDs are created out of order.
func (k *kit) citizenSet(t *testing.T, s practice.Store, tenant string, n int) []*practice.Practice {
	var all []*practice.Practice
	for j := range n {
		i := (j * 7) % n // creation order differs from ID order
		p := minimalPractice(tenant, practice.ID(fmt.Sprintf("c-%03d", i)))
		p.Owner = practice.Owner{ID: []string{"cit-a", "cit-b", "cit-c"}[i%3], FiscalCode: []string{cfA, cfB, "CCCCCC80A01H501C"}[i%3], Provider: "spid"}
		switch i % 4 {
		case 0:
			p.Related = []string{cfA}
		case 1:
			p.Related = []string{"ZZZZZZ80A01H501Z", cfB}
		case 2:
			p.Related = []string{cfB, cfA}
		}
		p.Status = statusCycle[i%len(statusCycle)]
		k.create(t, s, p)
		all = append(all, p)
	}
	return all
}

func testCitizenListing(t *testing.T, k *kit) {
	s := k.store(t)
	const n = 36
	all := k.citizenSet(t, s, "t1", n)
	k.citizenSet(t, s, "t2", 9) // same owners and codici fiscali, another tenant

	type filterCase struct {
		name string
		f    practice.CitizenFilter
	}
	var cases []filterCase
	for _, who := range []struct{ owner, cf string }{{"cit-a", cfA}, {"cit-b", cfB}, {"cit-a", ""}, {"nobody", cfA}} {
		for _, scope := range []practice.CitizenScope{practice.ScopeOwnedOrRelated, practice.ScopeOwned, practice.ScopeRelated} {
			for _, sts := range [][]practice.Status{nil, {practice.StatusPending}, {practice.StatusDraft, practice.StatusComplete, practice.StatusCancelled}} {
				cases = append(cases, filterCase{
					name: fmt.Sprintf("%s/%q/scope%d/%v", who.owner, who.cf, scope, sts),
					f:    practice.CitizenFilter{OwnerID: who.owner, FiscalCode: who.cf, Scope: scope, Statuses: sts},
				})
			}
		}
	}
	for _, tc := range cases {
		var want []practice.ID
		for _, p := range all {
			owned := p.Owner.ID == tc.f.OwnerID
			related := tc.f.FiscalCode != "" && slices.Contains(p.Related, tc.f.FiscalCode)
			keep := map[practice.CitizenScope]bool{
				practice.ScopeOwnedOrRelated: owned || related,
				practice.ScopeOwned:          owned,
				practice.ScopeRelated:        related && !owned,
			}[tc.f.Scope]
			if keep && (len(tc.f.Statuses) == 0 || slices.Contains(tc.f.Statuses, p.Status)) {
				want = append(want, p.ID)
			}
		}
		slices.Sort(want)
		if want == nil {
			want = []practice.ID{}
		}
		for _, size := range []int{1, 4, 100} {
			got := pageAll(t, size, func(after practice.ID, limit int) ([]*practice.Practice, error) {
				return s.ListForCitizen(k.ctx, "t1", tc.f, after, limit)
			})
			assert.Equal(t, want, got, "%s, page size %d", tc.name, size)
		}
	}
	// The set must exercise the rules: an owned pratica naming its owner in
	// Related is listed once.
	list, err := s.ListForCitizen(k.ctx, "t1", practice.CitizenFilter{OwnerID: "cit-a", FiscalCode: cfA}, "", 100)
	require.NoError(t, err)
	assert.Greater(t, len(list), n/3)
	for _, p := range list {
		assert.Equal(t, "t1", p.Tenant)
	}
}

// officeSet creates pratiche over services, offices, assignees and
// statuses.
func (k *kit) officeSet(t *testing.T, s practice.Store, tenant string, n int) []*practice.Practice {
	var all []*practice.Practice
	for j := range n {
		i := (j * 11) % n
		p := minimalPractice(tenant, practice.ID(fmt.Sprintf("o-%03d", i)))
		p.Service = []string{"svc-1", "svc-2", "svc-3"}[i%3]
		p.Office = []string{"", "off-1", "off-2", "off-1", "off-3"}[i%5]
		p.Assignee = []string{"", "op-1", "op-2", ""}[i%4]
		p.Status = statusCycle[i%len(statusCycle)]
		p.Owner.FiscalCode = []string{"RSSMRA80A01H501U", "VRDGPP75B02F205X", "BNCLRA90C43L219K"}[i%3]
		p.Owner.Name = []string{"", "Mario Rossi", "Anna Maria Bianchi", "Luca Verdi"}[i%4]
		if i%2 == 0 {
			p.ProtocolNumber = fmt.Sprintf("PG/2026/%04d", i)
			p.Data = map[string]any{"applicant": "Richiedente " + strconv.Itoa(i), "n": float64(i), "nested": map[string]any{"a": []any{true}}}
		}
		if i%7 == 0 {
			p.Payments = []practice.PaymentRef{{ID: payment.ID("pay-" + strconv.Itoa(i)), Purpose: practice.PurposeUpFront,
				Amount: decimal.RequireFromString("16.00"), Status: payment.StatusComplete, CreatedAt: at(5)}}
		}
		// Sort times with ties and zeros: a third never submitted, the
		// others in groups of four sharing one instant; the last status
		// change in groups of three, followed by an event that keeps the
		// status (which must not count as a change).
		if i%3 != 0 {
			p.SubmittedAt = at(10 + (i/4)%9)
		}
		p.History = append(p.History,
			practice.HistoryEntry{At: at(20 + (i/3)%11), From: practice.StatusDraft, To: p.Status, Event: practice.ActionChangeStatus, Operator: "op-1"},
			practice.HistoryEntry{At: at(100 + i), From: p.Status, To: p.Status, Event: practice.ActionNote, Operator: "op-1"},
		)
		k.create(t, s, p)
		all = append(all, p)
	}
	return all
}

// officeOrders are the orders every office listing check walks.
var officeOrders = []struct {
	sort practice.SortKey
	desc bool
}{
	{practice.SortSubmitted, false}, {practice.SortSubmitted, true},
	{practice.SortLastChange, false}, {practice.SortLastChange, true},
	{practice.SortID, false}, {practice.SortID, true},
}

// sortOffice sorts ps in the order of f.
func sortOffice(f practice.OfficeFilter, ps []*practice.Practice) {
	slices.SortFunc(ps, func(a, b *practice.Practice) int {
		pa, pb := practice.PositionOf(a, f.Sort), practice.PositionOf(b, f.Sort)
		if f.Desc {
			pa, pb = pb, pa
		}
		switch {
		case pa.Before(pb):
			return -1
		case pb.Before(pa):
			return 1
		}
		return 0
	})
}

// pageOffice walks an office listing page by page, passing the position
// of each page's last pratica, and returns the IDs; it fails on a repeat
// or an item out of f's order.
func pageOffice(t *testing.T, s practice.Store, ctx context.Context, tenant string, f practice.OfficeFilter, size int) []practice.ID {
	t.Helper()
	got := []practice.ID{}
	var after practice.Position
	for range 1000 {
		page, err := s.ListSummaries(ctx, tenant, f, after, size)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), size)
		for _, p := range page {
			pos := p.Position(f.Sort)
			if after.ID != "" {
				ordered := after.Before(pos)
				if f.Desc {
					ordered = pos.Before(after)
				}
				require.True(t, ordered, "%s after %s in order %s desc=%v", p.ID, after.ID, f.Sort, f.Desc)
			}
			after = pos
			got = append(got, p.ID)
		}
		if len(page) < size {
			return got
		}
	}
	t.Fatal("listing does not end")
	return nil
}

func officeMatch(f practice.OfficeFilter, p *practice.Practice) bool {
	if f.Visible != nil && !slices.Contains(f.Visible.Services, p.Service) && !(p.Office != "" && slices.Contains(f.Visible.Offices, p.Office)) {
		return false
	}
	if f.Office != "" && p.Office != f.Office {
		return false
	}
	if f.Service != "" && p.Service != f.Service {
		return false
	}
	if len(f.Services) > 0 && !slices.Contains(f.Services, p.Service) {
		return false
	}
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, p.Status) {
		return false
	}
	if c := p.LastStatusChange(); !f.ChangedFrom.IsZero() && c.Before(f.ChangedFrom) || !f.ChangedTo.IsZero() && !c.Before(f.ChangedTo) {
		return false
	}
	if c := p.SubmittedAt; !f.SubmittedFrom.IsZero() && c.Before(f.SubmittedFrom) || !f.SubmittedTo.IsZero() && !c.Before(f.SubmittedTo) {
		return false
	}
	if !practice.MatchesText(p.Summary(), f.Text) {
		return false
	}
	if f.Assignee != "" {
		return p.Assignee == f.Assignee
	}
	return !f.Unassigned || p.Assignee == ""
}

var officeFilters = []struct {
	name string
	f    practice.OfficeFilter
}{
	{"everything", practice.OfficeFilter{}},
	{"visible by service", practice.OfficeFilter{Visible: &practice.Reach{Services: []string{"svc-1"}}}},
	{"visible by office", practice.OfficeFilter{Visible: &practice.Reach{Offices: []string{"off-2"}}}},
	{"visible by service or office", practice.OfficeFilter{Visible: &practice.Reach{Services: []string{"svc-1"}, Offices: []string{"off-2", "off-3"}}}},
	{"empty reach sees nothing", practice.OfficeFilter{Visible: &practice.Reach{}}},
	{"office", practice.OfficeFilter{Office: "off-1"}},
	{"service", practice.OfficeFilter{Service: "svc-2"}},
	{"services", practice.OfficeFilter{Services: []string{"svc-1", "svc-3"}}},
	{"service and services", practice.OfficeFilter{Service: "svc-1", Services: []string{"svc-1", "svc-3"}}},
	{"service outside services", practice.OfficeFilter{Service: "svc-1", Services: []string{"svc-2", "svc-3"}}},
	{"statuses", practice.OfficeFilter{Statuses: []practice.Status{practice.StatusSubmitted, practice.StatusPending}}},
	{"assignee", practice.OfficeFilter{Assignee: "op-1"}},
	{"unassigned", practice.OfficeFilter{Unassigned: true}},
	{"assignee wins over unassigned", practice.OfficeFilter{Assignee: "op-2", Unassigned: true}},
	{"unknown assignee", practice.OfficeFilter{Assignee: "op-9"}},
	{"all together", practice.OfficeFilter{
		Visible: &practice.Reach{Services: []string{"svc-2"}, Offices: []string{"off-1"}}, Services: []string{"svc-1", "svc-2"},
		Statuses: []practice.Status{practice.StatusDraft, practice.StatusSubmitted, practice.StatusPending, practice.StatusComplete}, Unassigned: true,
	}},
	{"office and assignee", practice.OfficeFilter{Office: "off-1", Assignee: "op-2", Statuses: statusCycle}},
	{"changed from", practice.OfficeFilter{ChangedFrom: at(25)}},
	{"changed before", practice.OfficeFilter{ChangedTo: at(23)}},
	{"changed in range", practice.OfficeFilter{ChangedFrom: at(22), ChangedTo: at(27), Service: "svc-2"}},
	{"submitted from", practice.OfficeFilter{SubmittedFrom: at(14)}},
	{"submitted before", practice.OfficeFilter{SubmittedTo: at(13)}},
	{"submitted in range by service and statuses", practice.OfficeFilter{SubmittedFrom: at(11), SubmittedTo: at(17), Service: "svc-2",
		Statuses: []practice.Status{practice.StatusSubmitted, practice.StatusPending, practice.StatusComplete}}},
	{"submitted and changed ranges", practice.OfficeFilter{SubmittedFrom: at(12), ChangedTo: at(28)}},
	{"text: an ID's prefix", practice.OfficeFilter{Text: practice.SearchKey("o-01")}},
	{"text: a codice fiscale", practice.OfficeFilter{Text: practice.SearchKey("vrdgpp")}},
	{"text: a protocol number", practice.OfficeFilter{Text: practice.SearchKey("pg/2026/002")}},
	{"text: a word of the name", practice.OfficeFilter{Text: practice.SearchKey("maria")}},
	{"text: two words of the name", practice.OfficeFilter{Text: practice.SearchKey("Maria Bian")}},
	{"text: with other filters", practice.OfficeFilter{Text: practice.SearchKey("rossi"), Office: "off-1", SubmittedFrom: at(11)}},
	{"text: no word starts with it", practice.OfficeFilter{Text: practice.SearchKey("ossi")}},
}

func (k *kit) checkOffice(t *testing.T, s practice.Store, all []*practice.Practice, sizes ...int) {
	t.Helper()
	k.checkListings(t, s, officeFilters, all, sizes...)
}

// checkListings walks each of filters in every order, page by page with
// each of sizes, and compares the IDs with those of the pratiche of all
// that match, in the filter's order.
func (k *kit) checkListings(t *testing.T, s practice.Store, filters []struct {
	name string
	f    practice.OfficeFilter
}, all []*practice.Practice, sizes ...int) {
	t.Helper()
	for _, tc := range filters {
		for _, o := range officeOrders {
			f := tc.f
			f.Sort, f.Desc = o.sort, o.desc
			var match []*practice.Practice
			for _, p := range all {
				if officeMatch(f, p) {
					match = append(match, p)
				}
			}
			sortOffice(f, match)
			want := []practice.ID{}
			for _, p := range match {
				want = append(want, p.ID)
			}
			for _, size := range sizes {
				got := pageOffice(t, s, k.ctx, "t1", f, size)
				assert.Equal(t, want, got, "%s, order %s desc=%v, page size %d", tc.name, o.sort, o.desc, size)
			}
		}
	}
}

func testOfficeListing(t *testing.T, k *kit) {
	s := k.store(t)
	all := k.officeSet(t, s, "t1", 60)
	k.officeSet(t, s, "t2", 10)
	k.checkOffice(t, s, all, 1, 7, 100)
	// The set exercises each filter: none is trivially empty or full.
	for _, tc := range officeFilters {
		n := 0
		for _, p := range all {
			if officeMatch(tc.f, p) {
				n++
			}
		}
		switch tc.name {
		case "empty reach sees nothing", "unknown assignee", "service outside services", "text: no word starts with it":
			assert.Zero(t, n, tc.name)
		case "everything":
			assert.Len(t, all, n)
		default:
			assert.True(t, n > 0 && n < len(all), "%s selects %d of %d", tc.name, n, len(all))
		}
	}
	// The set exercises the orders: ties of both sort times, zero
	// submission times, and orders that differ from the ID order.
	for _, key := range []practice.SortKey{practice.SortSubmitted, practice.SortLastChange} {
		byTime := slices.Clone(all)
		sortOffice(practice.OfficeFilter{Sort: key}, byTime)
		ties, zeros, outOfID := 0, 0, 0
		for i, p := range byTime {
			if practice.SortTime(p, key).IsZero() {
				zeros++
			}
			if i > 0 && practice.SortTime(p, key).Equal(practice.SortTime(byTime[i-1], key)) {
				ties++
			}
			if i > 0 && p.ID < byTime[i-1].ID {
				outOfID++
			}
		}
		assert.True(t, ties > 0 && outOfID > 0, "%s: %d ties, %d out of ID order", key, ties, outOfID)
		if key == practice.SortSubmitted {
			assert.Positive(t, zeros, "some pratiche were never submitted")
		}
	}
	// A sort key the store does not know is refused.
	_, err := s.ListSummaries(k.ctx, "t1", practice.OfficeFilter{Sort: practice.SortKey(99)}, practice.Position{}, 10)
	assert.ErrorIs(t, err, practice.ErrValidation)
	for _, err := range s.Export(k.ctx, "t1", practice.OfficeFilter{Sort: practice.SortKey(99)}, nil) {
		assert.ErrorIs(t, err, practice.ErrValidation)
	}
}

// testSummariesAndExport: a listing returns each pratica's summary
// (Practice.Summary, never more), and Export streams the same summaries in the
// same order with the requested form values, in one pass however many
// rows there are.
func testSummariesAndExport(t *testing.T, k *kit) {
	s := k.store(t)
	all := k.officeSet(t, s, "t1", 40)
	byID := map[practice.ID]*practice.Practice{}
	for _, p := range all {
		byID[p.ID] = p
	}
	paid := 0
	for _, tc := range officeFilters {
		for _, o := range officeOrders {
			f := tc.f
			f.Sort, f.Desc = o.sort, o.desc
			list, err := s.ListSummaries(k.ctx, "t1", f, practice.Position{}, 1000)
			require.NoError(t, err)
			var rows []practice.ExportRow
			for r, err := range s.Export(k.ctx, "t1", f, []string{"applicant", "missing", "nested", "n"}) {
				require.NoError(t, err)
				rows = append(rows, r)
			}
			require.Len(t, rows, len(list), "%s: Export lists what ListSummaries lists", tc.name)
			for i, sum := range list {
				p := byID[sum.ID]
				require.NotNil(t, p)
				assert.Equal(t, p.Summary(), sum, "%s: the summary of %s", tc.name, sum.ID)
				assert.Equal(t, sum, rows[i].Summary, "%s: row %d", tc.name, i)
				assert.Equal(t, []any{p.Data["applicant"], nil, p.Data["nested"], p.Data["n"]}, rows[i].Values, "%s: values of %s", tc.name, sum.ID)
				if sum.Paid {
					paid++
				}
			}
		}
	}
	assert.Positive(t, paid, "some summaries say paid")
	// A consumer may stop early; the export ends there.
	n := 0
	for _, err := range s.Export(k.ctx, "t1", practice.OfficeFilter{}, nil) {
		require.NoError(t, err)
		if n++; n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)
	// Values are copies.
	for r, err := range s.Export(k.ctx, "t1", practice.OfficeFilter{Sort: practice.SortID}, []string{"nested"}) {
		require.NoError(t, err)
		if m, ok := r.Values[0].(map[string]any); ok {
			m["a"] = "changed"
		}
	}
	for r, err := range s.Export(k.ctx, "t1", practice.OfficeFilter{Sort: practice.SortID}, []string{"nested"}) {
		require.NoError(t, err)
		if r.Values[0] != nil {
			assert.Equal(t, map[string]any{"a": []any{true}}, r.Values[0])
		}
	}
	// Export pages by itself past any batch size.
	many := k.officeSet(t, s, "t3", 1101) // 11 and 1101 are coprime: every ID once
	n = 0
	var last practice.Position
	for r, err := range s.Export(k.ctx, "t3", practice.OfficeFilter{Sort: practice.SortLastChange, Desc: true}, nil) {
		require.NoError(t, err)
		pos := r.Position(practice.SortLastChange)
		if n > 0 {
			require.True(t, pos.Before(last), "descending order")
		}
		last = pos
		n++
	}
	assert.Len(t, many, n)
}

// testImport: Import creates the pratiche the tenant lacks, whole
// (history and messages included, Version 1), leaves the others as they
// are, and importing again changes nothing.
func testImport(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	s := ss[0]
	existing := minimalPractice("t1", "p-2")
	k.create(t, s, existing)
	batch := []*practice.Practice{fullPractice("t1", "p-1"), minimalPractice("t1", "p-2"), minimalPractice("t1", "p-3")}
	batch[1].Status = practice.StatusCancelled
	for _, p := range batch {
		p.Version = 0
	}
	created, err := s.Import(k.ctx, "t1", batch)
	require.NoError(t, err)
	assert.Equal(t, []bool{true, false, true}, created)
	for _, i := range []int{0, 2} {
		want := batch[i].Clone()
		want.Version = 1
		assertSame(t, want, k.get(t, ss[1], "t1", want.ID), "imported whole")
	}
	assertSame(t, existing, k.get(t, ss[1], "t1", "p-2"), "a pratica already there stays as it is")
	created, err = ss[1].Import(k.ctx, "t1", batch)
	require.NoError(t, err)
	assert.Equal(t, []bool{false, false, false}, created, "importing again changes nothing")
	list, err := s.ListSummaries(k.ctx, "t1", practice.OfficeFilter{Sort: practice.SortID}, practice.Position{}, 10)
	require.NoError(t, err)
	require.Len(t, list, 3)
	assert.Equal(t, batch[0].Summary(), list[0], "imported pratiche are listed")
	created, err = s.Import(k.ctx, "t2", batch[:1])
	require.NoError(t, err)
	assert.Equal(t, []bool{true}, created, "another tenant's IDs are its own")
	created, err = s.Import(k.ctx, "t1", nil)
	require.NoError(t, err)
	assert.Empty(t, created)
}

// testStats: the store's statistics are those practice.StatsBuilder
// computes over the same pratiche, for open and closed periods.
func testStats(t *testing.T, k *kit) {
	s := k.store(t)
	var all []*practice.Practice
	for i := range 90 {
		p := minimalPractice("t1", practice.ID(fmt.Sprintf("s-%03d", i)))
		p.Service = []string{"svc-1", "svc-2"}[i%2]
		sent := base.Add(time.Duration(i*37) * time.Hour)
		if i%9 != 0 {
			p.SubmittedAt = sent
			p.History = append(p.History, practice.HistoryEntry{At: sent, From: practice.StatusDraft, To: practice.StatusSubmitted,
				Event: practice.ActionSubmit, Operator: "citizen-1"})
			p.Status = practice.StatusSubmitted
			if i%3 != 0 {
				at := sent.Add(time.Duration(i*i%50)*time.Hour + time.Duration(i)*time.Microsecond)
				p.History = append(p.History, practice.HistoryEntry{At: at, From: p.Status, To: practice.StatusPending,
					Event: practice.ActionTakeInCharge, Operator: "op-1"}, practice.HistoryEntry{At: at.Add(time.Hour), From: practice.StatusPending,
					To: practice.StatusPending, Event: practice.ActionTakeInCharge, Operator: "op-2"})
				p.Status = practice.StatusPending
				if i%4 != 0 {
					ev, to := practice.ActionAccept, practice.StatusComplete
					if i%5 == 0 {
						ev, to = practice.ActionReject, practice.StatusCancelled
					}
					p.History = append(p.History, practice.HistoryEntry{At: at.Add(time.Duration(i*13%200)*time.Hour + 3*time.Microsecond),
						From: p.Status, To: to, Event: ev, Operator: "op-1"})
					p.Status = to
				}
			}
		}
		k.create(t, s, p)
		all = append(all, p)
	}
	k.create(t, s, minimalPractice("t2", "s-000"))
	for _, q := range []practice.StatsQuery{
		{Service: "svc-1"},
		{Service: "svc-2"},
		{Service: "svc-1", From: base.Add(400 * time.Hour), To: base.Add(2000 * time.Hour)},
		{Service: "svc-2", From: base.Add(1000 * time.Hour)},
		{Service: "svc-1", To: base.Add(1500 * time.Hour)},
		{Service: "svc-9"},
	} {
		b := practice.NewStatsBuilder(q)
		for _, p := range all {
			b.Add(p)
		}
		want := b.Stats()
		got, err := s.Stats(k.ctx, "t1", q)
		require.NoError(t, err)
		assert.Equal(t, want, got, "%+v", q)
		if q.Service == "svc-1" && q.From.IsZero() && q.To.IsZero() {
			assert.Positive(t, want.ToOutcome.Count)
			assert.Greater(t, len(want.Weekly), 3)
			assert.NotEqual(t, want.ToTakeInCharge.Median, want.ToTakeInCharge.P90)
		}
	}
}

func testListingsFollowUpdates(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	all := k.officeSet(t, ss[0], "t1", 30)
	// Move a third of them: new status, assignee, office, service,
	// owner and related codici fiscali; delete a few.
	var kept []*practice.Practice
	for i, p := range all {
		switch i % 6 {
		case 0, 3:
			u := k.get(t, ss[1], "t1", p.ID)
			u.Status = practice.StatusWithdrawn
			u.Assignee = "op-9"
			u.Office = "off-9"
			u.Service = "svc-2"
			u.Related = []string{cfB}
			u.SubmittedAt = at(200 - i)
			u.History = append(u.History, practice.HistoryEntry{At: at(300 - i), From: p.Status, To: u.Status,
				Event: practice.ActionWithdraw, Operator: "citizen-1"})
			require.NoError(t, ss[1].Update(k.ctx, u, nil))
			kept = append(kept, u)
		case 5:
			require.NoError(t, ss[1].Delete(k.ctx, "t1", p.ID, p.Version, nil))
		default:
			kept = append(kept, p)
		}
	}
	k.checkOffice(t, ss[0], kept, 4)
	moved := pageOffice(t, ss[0], k.ctx, "t1", practice.OfficeFilter{Assignee: "op-9", Office: "off-9",
		Statuses: []practice.Status{practice.StatusWithdrawn}, Sort: practice.SortID}, 100)
	assert.Len(t, moved, 10)
	related := pageAll(t, 3, func(after practice.ID, limit int) ([]*practice.Practice, error) {
		return ss[0].ListForCitizen(k.ctx, "t1", practice.CitizenFilter{OwnerID: "nobody", FiscalCode: cfB, Scope: practice.ScopeRelated}, after, limit)
	})
	assert.Equal(t, moved, related)
}

// serviceAssigneeFilters are the listings of one service narrowed to an
// assignee or to the unassigned pratiche, which stores may serve from a
// dedicated (service, assignee) index.
var serviceAssigneeFilters = []struct {
	name string
	f    practice.OfficeFilter
}{
	{"svc-1 and op-1", practice.OfficeFilter{Service: "svc-1", Assignee: "op-1"}},
	{"svc-2 and op-2", practice.OfficeFilter{Service: "svc-2", Assignee: "op-2"}},
	{"svc-3 and op-1", practice.OfficeFilter{Service: "svc-3", Assignee: "op-1"}},
	{"svc-1 unassigned", practice.OfficeFilter{Service: "svc-1", Unassigned: true}},
	{"svc-2 unassigned", practice.OfficeFilter{Service: "svc-2", Unassigned: true}},
	{"svc-3 unassigned", practice.OfficeFilter{Service: "svc-3", Unassigned: true}},
	{"svc-2 assignee wins over unassigned", practice.OfficeFilter{Service: "svc-2", Assignee: "op-1", Unassigned: true}},
	{"svc-1 unassigned with statuses", practice.OfficeFilter{Service: "svc-1", Unassigned: true,
		Statuses: []practice.Status{practice.StatusSubmitted, practice.StatusPending, practice.StatusComplete, practice.StatusWithdrawn}}},
	{"svc-1 and op-2 within reach", practice.OfficeFilter{Service: "svc-1", Assignee: "op-2", Visible: &practice.Reach{Services: []string{"svc-1"}}}},
	{"svc-3 and an unknown operator", practice.OfficeFilter{Service: "svc-3", Assignee: "op-9"}},
}

// testServiceAssigneeListing: a service listing narrowed to an assignee or
// to the unassigned pratiche lists, in every order and direction and page
// by page, exactly the pratiche that match now: a pratica reassigned (to
// another operator, to nobody, from nobody) or moved to another service
// through another store instance leaves its old listing and joins the new
// one, and a deleted one leaves every listing. The expected sets come from
// the pratiche the test wrote, never from the store.
func testServiceAssigneeListing(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	all := k.officeSet(t, ss[0], "t1", 60)
	k.officeSet(t, ss[0], "t2", 12)
	before := map[string][]practice.ID{}
	for _, tc := range serviceAssigneeFilters {
		for _, p := range all {
			if officeMatch(tc.f, p) {
				before[tc.name] = append(before[tc.name], p.ID)
			}
		}
	}
	nextAssignee := map[string]string{"": "op-1", "op-1": "", "op-2": "op-1"}
	var kept []*practice.Practice
	movedIn, movedOut := 0, 0
	for i, p := range all {
		u := k.get(t, ss[1], "t1", p.ID)
		switch i % 7 {
		case 0, 3:
			// Reassigned only: same service, same sort times.
			u.Assignee = nextAssignee[u.Assignee]
		case 1:
			// Reassigned and moved to the next service, with a new
			// status change.
			u.Assignee = nextAssignee[u.Assignee]
			u.Service = map[string]string{"svc-1": "svc-2", "svc-2": "svc-3", "svc-3": "svc-1"}[u.Service]
			u.Status = practice.StatusWithdrawn
			u.History = append(u.History, practice.HistoryEntry{At: at(400 - i), From: p.Status, To: u.Status,
				Event: practice.ActionWithdraw, Operator: "citizen-1"})
		case 4:
			// Same keys: only the form data changes.
			u.Data = map[string]any{"changed": float64(i)}
		case 6:
			require.NoError(t, ss[1].Delete(k.ctx, "t1", p.ID, p.Version, nil))
			continue
		default:
			kept = append(kept, p)
			continue
		}
		require.NoError(t, ss[1].Update(k.ctx, u, nil))
		kept = append(kept, u)
	}
	k.checkListings(t, ss[0], serviceAssigneeFilters, kept, 1, 3, 100)
	// The set exercises the listings: each known pair lists some pratiche
	// but not all, and the reassignments both add to and take from them.
	for _, tc := range serviceAssigneeFilters {
		var after []practice.ID
		for _, p := range kept {
			if officeMatch(tc.f, p) {
				after = append(after, p.ID)
			}
		}
		if tc.f.Assignee == "op-9" {
			assert.Empty(t, after, tc.name)
			continue
		}
		assert.True(t, len(after) > 0 && len(after) < len(kept), "%s selects %d of %d", tc.name, len(after), len(kept))
		for _, id := range after {
			if !slices.Contains(before[tc.name], id) {
				movedIn++
			}
		}
		for _, id := range before[tc.name] {
			if !slices.Contains(after, id) {
				movedOut++
			}
		}
	}
	assert.Greater(t, movedIn, 5, "pratiche reassigned into the listings")
	assert.Greater(t, movedOut, 5, "pratiche reassigned out of the listings")
}

// testOutbox: claims return every field, in the order of the writes (not
// of CreatedAt), at most limit, and skip what another claim leases and
// the later notifications of a pratica whose earlier one is still in the
// outbox (the shared rule of internal/outbox, which the OutboxSharedRule
// section checks in depth); an acknowledged notification is never claimed
// again, and acknowledging twice is not an error.
func testOutbox(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	s := ss[0]
	p1 := minimalPractice("t1", "p-1")
	n1 := note("t1", "n-1", "p-1", practice.StatusDraft, at(1))
	n2 := practice.Notification{ID: "n-2", Tenant: "t1", Kind: practice.NotifyOperatorsNew, Practice: "p-1", Service: "svc-1", Status: practice.StatusSubmitted, CreatedAt: at(1)}
	k.create(t, s, p1, n1, n2)
	p1.Status = practice.StatusSubmitted
	// A later write may carry an earlier timestamp: the order is the
	// order of the writes.
	n3 := note("t1", "n-3", "p-1", practice.StatusSubmitted, at(0))
	require.NoError(t, ss[1].Update(k.ctx, p1, []practice.Notification{n3}))
	p2 := minimalPractice("t1", "p-2")
	n4 := note("t1", "n-4", "p-2", practice.StatusDraft, at(2))
	k.create(t, s, p2, n4)
	n5 := note("t1", "n-5", "p-2", practice.StatusNone, at(3))
	require.NoError(t, ss[1].Delete(k.ctx, "t1", "p-2", 1, []practice.Notification{n5}))
	m1 := note("t2", "m-1", "p-1", practice.StatusDraft, at(0))
	k.create(t, s, minimalPractice("t2", "p-1"), m1)

	all := k.pending(t, ss[1], "t1")
	assertSame(t, []practice.Notification{n1, n2, n3, n4, n5}, all, "every field, in write order")
	assertSame(t, all, k.pending(t, s, "t1"), "a zero lease leaves them claimable")

	now, lease := at(10), time.Hour
	first, err := s.ClaimNotifications(k.ctx, "t1", now, lease, 2)
	require.NoError(t, err)
	assertSame(t, []practice.Notification{n1, n2}, first, "the oldest, whole")
	assert.Equal(t, []string{"n-4", "n-5"}, k.claim(t, ss[1], "t1", now, lease, 2),
		"leased ones are skipped, and so is n-3, behind its pratica's leased n-1 and n-2")
	assert.Empty(t, k.claim(t, s, "t1", now.Add(time.Minute), lease, 10), "n-3 still waits")
	assert.Empty(t, k.claim(t, ss[1], "t1", now.Add(lease-time.Microsecond), lease, 0), "every lease still runs")

	require.NoError(t, s.AckNotification(k.ctx, "t1", "n-2"))
	require.NoError(t, ss[1].AckNotification(k.ctx, "t1", "n-2"), "acknowledging twice is not an error")
	require.NoError(t, s.AckNotification(k.ctx, "t1", "n-4"), "an acknowledgement needs no running lease of its own")
	assert.Equal(t, []string{"n-1", "n-3", "n-5"}, k.claim(t, ss[1], "t1", now.Add(lease), lease, 0),
		"when the leases end the unacknowledged are claimed again, in order, n-3 with the n-1 it waited behind")
	for _, id := range []string{"n-1", "n-3", "n-5"} {
		require.NoError(t, ss[1].AckNotification(k.ctx, "t1", id))
	}
	assert.Empty(t, k.claim(t, s, "t1", at(1000), lease, 0), "acknowledged ones are never claimed again")
	assert.Equal(t, []string{"m-1"}, noteIDs(k.pending(t, s, "t2")))

	// Concurrent acknowledgements of one notification all succeed, and it
	// is gone.
	ok, _ := conctest.Run(t, 10, nil, func(i int) error {
		return ss[i%2].AckNotification(k.ctx, "t2", "m-1")
	})
	assert.Equal(t, 10, ok)
	assert.Empty(t, k.claim(t, s, "t2", at(1000), lease, 0))
}

// testOutboxTenants: claims and acknowledgements reach only the tenant's
// own notifications, even with the same IDs.
func testOutboxTenants(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	k.create(t, ss[0], minimalPractice("t1", "p-1"), note("t1", "n-1", "p-1", practice.StatusDraft, base), note("t1", "n-2", "p-1", practice.StatusDraft, base))
	k.create(t, ss[1], minimalPractice("t2", "p-1"), note("t2", "n-1", "p-1", practice.StatusDraft, base))

	got, err := ss[1].ClaimNotifications(k.ctx, "t2", at(0), time.Hour, 0)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "t2", got[0].Tenant)
	assert.Equal(t, []string{"n-1", "n-2"}, k.claim(t, ss[0], "t1", at(0), time.Hour, 0), "t2's claim leases nothing of t1")
	assert.Empty(t, k.claim(t, ss[0], "t3", at(0), time.Hour, 0))

	require.NoError(t, ss[1].AckNotification(k.ctx, "t2", "n-2"), "t1's ID, acknowledged as t2: a no-op")
	require.NoError(t, ss[0].AckNotification(k.ctx, "t3", "n-1"))
	assert.Equal(t, []string{"n-1", "n-2"}, k.claim(t, ss[1], "t1", at(60), time.Hour, 0), "t1's notifications are all there")
	require.NoError(t, ss[0].AckNotification(k.ctx, "t1", "n-1"))
	assert.Equal(t, []string{"n-1"}, k.claim(t, ss[0], "t2", at(60), time.Hour, 0), "t1 acknowledging n-1 leaves t2's n-1")
}

// testFixtures keeps the round-trip checks honest as the model grows: the
// full fixtures must set every exported field (somewhere in each slice), so
// a field added to the model fails here until the kit, and then every
// adapter, stores it.
func testFixtures(t *testing.T, _ *kit) {
	ignore := map[string]bool{"Practice.Version": true, "Service.Version": true}
	for _, v := range []any{fullPractice("t1", "p-1"), fullService("t1", "svc-1"), note("t1", "n-1", "p-1", practice.StatusDraft, base)} {
		rv := reflect.Indirect(reflect.ValueOf(v))
		all := map[string]bool{}
		fieldPaths(rv.Type(), rv.Type().Name(), all)
		set := map[string]bool{}
		setPaths(rv, rv.Type().Name(), set)
		for path := range all {
			if !set[path] && !ignore[path] {
				t.Errorf("the kit's fixture leaves %s unset: set it so that adapters must round-trip it", path)
			}
		}
	}
}

// leaf reports whether values of t are compared whole.
func leaf(t reflect.Type) bool {
	return t == decimalType || t == timeType || t.Kind() != reflect.Struct
}

// fieldPaths lists the paths of every exported field reachable from t
// through structs, pointers and slices.
func fieldPaths(t reflect.Type, path string, out map[string]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if leaf(t) {
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		p := path + "." + f.Name
		out[p] = true
		fieldPaths(f.Type, p, out)
	}
}

// setPaths records the paths of the fields that are non-zero in v (in any
// element of a slice).
func setPaths(v reflect.Value, path string, out map[string]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			setPaths(v.Elem(), path, out)
		}
		return
	case reflect.Slice:
		for i := range v.Len() {
			setPaths(v.Index(i), path, out)
		}
		return
	}
	if leaf(v.Type()) {
		return
	}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		p := path + "." + f.Name
		if !fv.IsZero() && !(fv.Kind() == reflect.Slice && fv.Len() == 0) && !(fv.Kind() == reflect.Map && fv.Len() == 0) {
			out[p] = true
		}
		setPaths(fv, p, out)
	}
}

func testCanceled(t *testing.T, k *kit) {
	s := k.store(t)
	p := fullPractice("t1", "p-1")
	k.create(t, s, p)
	ctx, cancel := context.WithCancel(k.ctx)
	cancel()
	u := p.Clone()
	u.Status = practice.StatusComplete
	err := s.Update(ctx, u, []practice.Notification{note("t1", "n-1", "p-1", u.Status, base)})
	assert.ErrorIs(t, err, context.Canceled)
	_, _, err = s.Create(ctx, minimalPractice("t1", "p-2"), nil)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.Get(ctx, "t1", "p-1")
	assert.ErrorIs(t, err, context.Canceled)
	assertSame(t, p, k.get(t, s, "t1", "p-1"), "a canceled update changes nothing")
	assert.Empty(t, k.pending(t, s, "t1"))
	_, err = s.Get(k.ctx, "t1", "p-2")
	assert.ErrorIs(t, err, practice.ErrNotFound)
}
