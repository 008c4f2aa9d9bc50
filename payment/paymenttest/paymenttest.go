package paymenttest

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	"github.com/sportello/sportello/payment/fakegateway"
)

// Harness makes the stores under test.
type Harness interface {
	// MakeStores returns n stores over one fresh, empty data set, standing
	// for n application instances that share a database. An in-memory
	// adapter returns the same store n times.
	MakeStores(ctx context.Context, n int) ([]payment.Store, error)
	// Close releases what the harness holds.
	Close()
}

// Run runs the whole kit. newHarness is called once per subtest.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, *kit)
	}{
		{"CreateGetRoundTripsEveryField", testRoundTrip},
		{"CreateKeepsOptionalPartsAbsent", testRoundTripMinimal},
		{"CreateSetsVersionAndStoresCopies", testCreateCopies},
		{"CreateSameIDTwiceConflicts", testCreateSameID},
		{"CreateWithVersionRefused", testCreateWithVersion},
		{"MissingIsNotFound", testMissing},
		{"FindByIUV", testFindByIUV},
		{"IdempotentCreateReturnsFirstRecord", testIdempotent},
		{"IdempotencyRaceCreatesOnce", testIdempotencyRace},
		{"IdempotentStampRaceCreatesOnce", testIdempotentStampRace},
		{"StaleUpdateConflicts", testStaleUpdate},
		{"UpdateReplacesEveryField", testUpdateRoundTrip},
		{"ConcurrentUpdatesOneWins", testConcurrentUpdates},
		{"ConcurrentUpdatesLoseNothing", testConcurrentRetries},
		{"StampIdentifierUniqueAcrossTenants", testStampUnique},
		{"ConcurrentStampRegistrationOnce", testStampRace},
		{"NoticeCodeUniquePerTenant", testNoticeCodeUnique},
		{"ConcurrentNoticeCodeOnce", testNoticeCodeRace},
		{"UpdateCannotTakeUsedIdempotencyKey", testUpdateIdempotencyKey},
		{"ListFiltersAndPages", testList},
		{"ListDueOnlyOpenPastDue", testListDue},
		{"NextSequenceCountsPerTenantAndName", testSequence},
		{"NextSequenceConcurrentDistinct", testSequenceConcurrent},
		{"OutboxSavedWithWrites", testOutbox},
		{"OutboxUntouchedByFailedWrites", testOutboxFailedWrites},
		{"OutboxOrderIsCreationOrder", testOutboxOrder},
		{"OutboxLeaseHoldsThenExpires", testOutboxLease},
		{"OutboxClaimsAreExclusive", testOutboxConcurrent},
		{"OutboxLeaseExpiryUnderConcurrency", testOutboxConcurrentExpiry},
		{"TenantsAreIsolated", testTenants},
		{"DeskIdempotencyRaceCreatesOnce", testDeskIdempotencyRace},
		{"DeskDeliversEachEventOnceAcrossInstances", testDeskDeliverConcurrent},
		{"GeneratorNeverRepeatsAcrossInstances", testGeneratorAcrossInstances},
		{"DeskRefusesBadTextAlike", testDeskBadText},
		{"DeskTruncatesInstantsToMicroseconds", testDeskMicroseconds},
		{"DeskRefusesOutOfRangeInstants", testDeskInstantRange},
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
			rs := &outboxtest.Records[*payment.Payment]{}
			var hs []outboxtest.Harness
			for _, s := range k.stores(t, n) {
				hs = append(hs, outboxHarness{k: k, rs: rs, s: s})
			}
			return hs
		})
	})
}

// outboxHarness is one store instance as internal/outbox/outboxtest sees
// it: an entry is an event, its record the event's payment. k makes the
// payments and events; rs, shared by the instances, serializes its use.
type outboxHarness struct {
	k  *kit
	rs *outboxtest.Records[*payment.Payment]
	s  payment.Store
}

// Append creates the labelled payment with one event, or updates it with
// one more.
func (h outboxHarness) Append(ctx context.Context, tenant, record string) (string, error) {
	return h.rs.Append(tenant, record, func(int) (*payment.Payment, string, error) {
		p := h.k.record(tenant)
		e := h.k.event(p, "", payment.StatusPending)
		stored, _, err := h.s.Create(ctx, p, []payment.Event{e})
		return stored, e.ID, err
	}, func(p *payment.Payment, _ int) (string, error) {
		e := h.k.event(p, payment.StatusPending, payment.StatusPending)
		return e.ID, h.s.Update(ctx, p, []payment.Event{e})
	})
}

func (h outboxHarness) Claim(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]string, error) {
	evs, err := h.s.ClaimEvents(ctx, tenant, now, lease, limit)
	return eventIDs(evs), err
}

func (h outboxHarness) Ack(ctx context.Context, tenant, id string) error {
	return h.s.AckEvent(ctx, tenant, id)
}

// kit holds one subtest's harness and counters for fresh IDs.
type kit struct {
	h      Harness
	ctx    context.Context
	n, evt int
}

// stores returns n instances over one fresh data set.
func (k *kit) stores(t *testing.T, n int) []payment.Store {
	t.Helper()
	ss, err := k.h.MakeStores(k.ctx, n)
	require.NoError(t, err)
	require.Len(t, ss, n)
	return ss
}

func (k *kit) store(t *testing.T) payment.Store { return k.stores(t, 1)[0] }

// base is a fixed instant with microsecond precision (what SQL keeps).
var base = time.Date(2026, 3, 2, 8, 30, 0, 123000, time.UTC)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// record returns a fresh pending pagoPA record of tenant with the parts
// every record has; optional parts are left out.
func (k *kit) record(tenant string) *payment.Payment {
	k.n++
	notice := fmt.Sprintf("3%02d%015d", 1, k.n)
	return &payment.Payment{
		ID:         payment.ID(fmt.Sprintf("pay-%04d", k.n)),
		Tenant:     tenant,
		Kind:       payment.KindPagoPA,
		Status:     payment.StatusPending,
		Amount:     dec("16.00"),
		Reason:     fmt.Sprintf("fee %d", k.n),
		Payer:      "RSSMRA80A01H501U",
		Subject:    "pratica-1",
		Service:    "svc-a",
		DueAt:      base.Add(90 * 24 * time.Hour),
		NoticeCode: notice,
		IUV:        notice[1:],
		CreatedBy:  "op-1",
		CreatedAt:  base,
		UpdatedAt:  base,
		History: []payment.Change{
			{At: base, To: payment.StatusPending, Source: "create", Actor: "op-1"},
		},
	}
}

// stamp returns a fresh physical stamp record of tenant.
func (k *kit) stamp(tenant, identifier string) *payment.Payment {
	p := k.record(tenant)
	p.Kind = payment.KindStampPhysical
	p.Status = payment.StatusComplete
	p.NoticeCode, p.IUV = "", ""
	p.Stamp = &payment.Stamp{Identifier: identifier, IssuedAt: base.Add(-time.Hour)}
	return p
}

// event returns a fresh event about p; every new event is later than the
// previous one.
func (k *kit) event(p *payment.Payment, from, to payment.Status) payment.Event {
	k.evt++
	return payment.Event{
		ID:        fmt.Sprintf("evt-%04d", k.evt),
		Tenant:    p.Tenant,
		PaymentID: p.ID,
		Subject:   p.Subject,
		From:      from,
		To:        to,
		At:        base.Add(time.Duration(k.evt) * time.Second),
	}
}

func (k *kit) create(t *testing.T, s payment.Store, p *payment.Payment, events ...payment.Event) *payment.Payment {
	t.Helper()
	got, created, err := s.Create(k.ctx, p, events)
	require.NoError(t, err)
	require.True(t, created)
	return got
}

func (k *kit) get(t *testing.T, s payment.Store, tenant string, id payment.ID) *payment.Payment {
	t.Helper()
	got, err := s.Get(k.ctx, tenant, id)
	require.NoError(t, err)
	return got
}

func (k *kit) all(t *testing.T, s payment.Store, tenant string) []*payment.Payment {
	t.Helper()
	list, err := s.List(k.ctx, tenant, payment.Filter{}, "", 1000)
	require.NoError(t, err)
	return list
}

// pending returns the tenant's events claimable at base, in saving order,
// without leasing them (a zero lease): every kit claim happens at base or
// later, so pending changes nothing any check sees.
func (k *kit) pending(t *testing.T, s payment.Store, tenant string) []payment.Event {
	t.Helper()
	evs, err := s.ClaimEvents(k.ctx, tenant, base, 0, 1000)
	require.NoError(t, err)
	return evs
}

// claim leases up to limit of the tenant's events at now for lease.
func (k *kit) claim(t *testing.T, s payment.Store, tenant string, now time.Time, lease time.Duration, limit int) []payment.Event {
	t.Helper()
	evs, err := s.ClaimEvents(k.ctx, tenant, now, lease, limit)
	require.NoError(t, err)
	return evs
}

func conflictField(err error) string {
	var ce *payment.ConflictError
	if errors.As(err, &ce) {
		return ce.Field
	}
	return ""
}

// samePayment checks that got holds exactly want: decimals by value (so
// that 16.0 and 16.00 are the same amount), everything else, times with
// their location included, by deep equality.
func samePayment(t *testing.T, want, got *payment.Payment, msgAndArgs ...any) {
	t.Helper()
	require.NotNil(t, got, msgAndArgs...)
	w, g := want.Clone(), got.Clone()
	if assert.True(t, w.Amount.Equal(g.Amount), "amount: want %s, got %s", w.Amount, g.Amount) {
		g.Amount = w.Amount
	}
	if len(w.Split) == len(g.Split) {
		for i := range w.Split {
			if assert.True(t, w.Split[i].Amount.Equal(g.Split[i].Amount), "split %d amount: want %s, got %s", i, w.Split[i].Amount, g.Split[i].Amount) {
				g.Split[i].Amount = w.Split[i].Amount
			}
		}
	}
	assert.Equal(t, w, g, msgAndArgs...)
}

func ids(list []*payment.Payment) []payment.ID {
	out := make([]payment.ID, len(list))
	for i, p := range list {
		out[i] = p.ID
	}
	return out
}

func eventIDs(list []payment.Event) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.ID
	}
	return out
}

func testRoundTrip(t *testing.T, k *kit) {
	s := k.store(t)
	p := k.record("t1")
	p.Kind = payment.KindManual
	p.Status = payment.StatusComplete
	// Large and small amounts must come back exact, to the cent.
	p.Amount = dec("9876543210.98")
	p.Split = []payment.Split{
		{Beneficiary: "00000000001", Amount: dec("9876543210.97"), Reason: "main share"},
		{Beneficiary: "00000000002", Amount: dec("0.01"), Reason: "province share"},
	}
	p.Receipt = &payment.Receipt{PaidAt: base.Add(time.Hour + 456*time.Microsecond), PSP: "Bank of Tests", ReceiptID: "R-000042"}
	p.Links = payment.Links{Online: "https://pay.example.org/1", Notice: "https://pay.example.org/1.pdf", Receipt: "https://pay.example.org/1/r"}
	p.Note = &payment.Note{Text: "paid in cash at the counter", Internal: true}
	p.IdempotencyKey = "idem-round-trip"
	p.UpdatedAt = base.Add(time.Hour + time.Minute)
	p.History = []payment.Change{
		{At: base, To: payment.StatusCreationPending, Source: "create", Actor: "op-1"},
		{At: base.Add(time.Minute), From: payment.StatusCreationPending, To: payment.StatusPending, Source: "gateway"},
		{At: base.Add(time.Hour + time.Minute), From: payment.StatusPending, To: payment.StatusComplete, Source: "manual", Actor: "op-2"},
	}
	want := p.Clone()
	want.Version = 1

	got, created, err := s.Create(k.ctx, p, nil)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, int64(1), p.Version, "Create sets the version to 1")
	samePayment(t, want, got, "Create returns the record")

	stored := k.get(t, s, "t1", p.ID)
	samePayment(t, want, stored, "Get returns every field as created")
	require.NotNil(t, stored.Receipt)
	require.Len(t, stored.History, 3)
	for _, tm := range []time.Time{stored.DueAt, stored.CreatedAt, stored.UpdatedAt, stored.Receipt.PaidAt, stored.History[2].At} {
		assert.Equal(t, time.UTC, tm.Location(), "times come back in UTC")
	}

	// A physical stamp record round-trips its stamp; a note for the citizen
	// keeps Internal false.
	st := k.stamp("t1", "01234567890123")
	st.Amount = dec("0.01")
	st.Note = &payment.Note{Text: "for the citizen"}
	wantStamp := st.Clone()
	wantStamp.Version = 1
	k.create(t, s, st)
	samePayment(t, wantStamp, k.get(t, s, "t1", st.ID))

	// Instants given in another zone are kept as the same instants.
	rome := time.FixedZone("CET", 3600)
	z := k.record("t1")
	z.DueAt = time.Date(2026, 6, 1, 23, 59, 59, 999000, rome)
	z.CreatedAt = base.In(rome)
	z.UpdatedAt = base.In(rome)
	k.create(t, s, z)
	gz := k.get(t, s, "t1", z.ID)
	assert.True(t, gz.DueAt.Equal(z.DueAt), "due: want %s, got %s", z.DueAt, gz.DueAt)
	assert.True(t, gz.CreatedAt.Equal(base), "created: got %s", gz.CreatedAt)
}

func testRoundTripMinimal(t *testing.T, k *kit) {
	s := k.store(t)
	// No receipt, stamp, note, split, links, idempotency key or history.
	p := k.record("t1")
	p.History = nil
	p.Amount = dec("0.01")
	want := p.Clone()
	want.Version = 1
	k.create(t, s, p)
	got := k.get(t, s, "t1", p.ID)
	samePayment(t, want, got)
	assert.Nil(t, got.Receipt, "no receipt stays nil")
	assert.Nil(t, got.Stamp, "no stamp stays nil")
	assert.Nil(t, got.Note, "no note stays nil")
	assert.Empty(t, got.Split)
	assert.Empty(t, got.History)

	// Set but empty parts stay set.
	q := k.record("t1")
	q.Receipt = &payment.Receipt{PaidAt: base, ReceiptID: "counter-7"}
	q.Note = &payment.Note{}
	wantQ := q.Clone()
	wantQ.Version = 1
	k.create(t, s, q)
	gotQ := k.get(t, s, "t1", q.ID)
	samePayment(t, wantQ, gotQ)
	if assert.NotNil(t, gotQ.Receipt) {
		assert.Empty(t, gotQ.Receipt.PSP)
	}
	assert.NotNil(t, gotQ.Note, "an empty note is still a note")
}

func testCreateCopies(t *testing.T, k *kit) {
	s := k.store(t)
	p := k.record("t1")
	p.Split = []payment.Split{{Beneficiary: "00000000001", Amount: dec("16.00"), Reason: "all"}}
	p.Receipt = &payment.Receipt{PaidAt: base, PSP: "psp", ReceiptID: "r"}
	k.create(t, s, p)
	want := p.Clone()

	// Changing the caller's value after Create changes nothing stored.
	p.Split[0].Reason = "changed"
	p.Receipt.PSP = "changed"
	p.History[0].Source = "changed"
	samePayment(t, want, k.get(t, s, "t1", p.ID))

	// Changing a returned value changes nothing stored either.
	got := k.get(t, s, "t1", p.ID)
	got.Split[0].Reason = "changed"
	got.Receipt.PSP = "changed"
	got.History[0].Source = "changed"
	got.Reason = "changed"
	samePayment(t, want, k.get(t, s, "t1", p.ID), "a returned record must be a copy")
}

func testCreateSameID(t *testing.T, k *kit) {
	s := k.store(t)
	p := k.create(t, s, k.record("t1"))
	dup := k.record("t1")
	dup.ID = p.ID
	_, _, err := s.Create(k.ctx, dup, nil)
	assert.ErrorIs(t, err, payment.ErrConflict, "same ID twice in a tenant")
	samePayment(t, p, k.get(t, s, "t1", p.ID), "the first record is kept")
}

func testCreateWithVersion(t *testing.T, k *kit) {
	s := k.store(t)
	p := k.record("t1")
	p.Version = 3
	_, created, err := s.Create(k.ctx, p, []payment.Event{k.event(p, "", payment.StatusPending)})
	assert.Error(t, err, "Create takes only version 0")
	assert.False(t, created)
	assert.Equal(t, int64(3), p.Version)
	_, err = s.Get(k.ctx, "t1", p.ID)
	assert.ErrorIs(t, err, payment.ErrNotFound, "a refused create stores nothing")
	assert.Empty(t, k.pending(t, s, "t1"))
}

func testMissing(t *testing.T, k *kit) {
	s := k.store(t)
	_, err := s.Get(k.ctx, "t1", "nope")
	assert.ErrorIs(t, err, payment.ErrNotFound)
	_, err = s.FindByIUV(k.ctx, "t1", "01000000000000099")
	assert.ErrorIs(t, err, payment.ErrNotFound)
	p := k.record("t1")
	p.Version = 1
	assert.ErrorIs(t, s.Update(k.ctx, p, nil), payment.ErrNotFound)
	assert.Equal(t, int64(1), p.Version, "a refused update keeps the version")
	assert.NoError(t, s.AckEvent(k.ctx, "t1", "nope"), "acknowledging an unknown event is a no-op")
	list, err := s.List(k.ctx, "t1", payment.Filter{}, "", 10)
	require.NoError(t, err)
	assert.Empty(t, list)
	due, err := s.ListDue(k.ctx, "t1", base.Add(1000*24*time.Hour), "", 10)
	require.NoError(t, err)
	assert.Empty(t, due)
	assert.Empty(t, k.claim(t, s, "t1", base, time.Minute, 10))
	assert.Empty(t, k.claim(t, s, "t1", base, time.Minute, 0))
}

func testFindByIUV(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.create(t, s, k.record("t1"))
	b := k.create(t, s, k.record("t1"))
	got, err := s.FindByIUV(k.ctx, "t1", b.IUV)
	require.NoError(t, err)
	samePayment(t, b, got)
	got, err = s.FindByIUV(k.ctx, "t1", a.IUV)
	require.NoError(t, err)
	assert.Equal(t, a.ID, got.ID)
	_, err = s.FindByIUV(k.ctx, "t1", "")
	assert.ErrorIs(t, err, payment.ErrNotFound, "an empty IUV matches nothing")
	st := k.create(t, s, k.stamp("t1", "11111111111111"))
	require.Empty(t, st.IUV)
	_, err = s.FindByIUV(k.ctx, "t1", "")
	assert.ErrorIs(t, err, payment.ErrNotFound, "a record without IUV is not found by an empty one")
}

func testIdempotent(t *testing.T, k *kit) {
	s := k.store(t)
	first := k.record("t1")
	first.IdempotencyKey = "key-1"
	k.create(t, s, first, k.event(first, "", payment.StatusPending))

	// A repeat with the same key and other content, even another ID,
	// notice code and event, returns the first record and stores nothing.
	again := k.record("t1")
	again.IdempotencyKey = "key-1"
	again.Amount = dec("99.99")
	got, created, err := s.Create(k.ctx, again, []payment.Event{k.event(again, "", payment.StatusPending)})
	require.NoError(t, err)
	assert.False(t, created)
	samePayment(t, first, got)
	assert.Len(t, k.all(t, s, "t1"), 1)
	assert.Len(t, k.pending(t, s, "t1"), 1, "a repeated create saves no event")
	_, err = s.Get(k.ctx, "t1", again.ID)
	assert.ErrorIs(t, err, payment.ErrNotFound)

	// A repeat that carries the same unique values as the first (the same
	// notice code, the same stamp) is a repeat, not a conflict.
	same := first.Clone()
	same.Version = 0
	got, created, err = s.Create(k.ctx, same, nil)
	require.NoError(t, err)
	assert.False(t, created)
	samePayment(t, first, got)

	st := k.stamp("t1", "22222222222222")
	st.IdempotencyKey = "key-stamp"
	k.create(t, s, st)
	stAgain := st.Clone()
	stAgain.ID = "pay-other"
	stAgain.Version = 0
	got, created, err = s.Create(k.ctx, stAgain, nil)
	require.NoError(t, err, "a repeated stamp registration is no stamp conflict")
	assert.False(t, created)
	assert.Equal(t, st.ID, got.ID)

	// The returned record is a copy.
	got.Reason = "changed"
	samePayment(t, st, k.get(t, s, "t1", st.ID))

	// The key is per tenant; an empty key never matches.
	other := k.record("t2")
	other.IdempotencyKey = "key-1"
	k.create(t, s, other)
	k.create(t, s, k.record("t1"))
	k.create(t, s, k.record("t1"))
	assert.Len(t, k.all(t, s, "t1"), 4)
	assert.Len(t, k.all(t, s, "t2"), 1)
}

func testIdempotencyRace(t *testing.T, k *kit) {
	ss := k.stores(t, 3)
	const n = 50
	var mu sync.Mutex
	var results []*payment.Payment
	var createdIDs []payment.ID
	recs := make([]*payment.Payment, n)
	evs := make([]payment.Event, n)
	for i := range recs {
		// Every caller builds its own record: its own ID, notice code and
		// event, as separate processes would.
		r := k.record("t1")
		r.IdempotencyKey = "race-key"
		recs[i] = r
		evs[i] = k.event(r, "", payment.StatusPending)
	}
	ok, _ := conctest.Run(t, n, nil, func(i int) error {
		got, created, err := ss[i%len(ss)].Create(k.ctx, recs[i], []payment.Event{evs[i]})
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		results = append(results, got)
		if created {
			createdIDs = append(createdIDs, got.ID)
		}
		return nil
	})
	require.Equal(t, n, ok, "every call succeeds")
	require.Len(t, createdIDs, 1, "exactly one call creates")
	winner := createdIDs[0]
	for _, r := range results {
		assert.Equal(t, winner, r.ID, "every call returns the created record")
		assert.Equal(t, int64(1), r.Version)
	}
	list := k.all(t, ss[0], "t1")
	require.Len(t, list, 1, "exactly one record")
	assert.Equal(t, winner, list[0].ID)
	pend := k.pending(t, ss[1], "t1")
	require.Len(t, pend, 1, "only the creating call's event is saved")
	assert.Equal(t, winner, pend[0].PaymentID)
}

func testIdempotentStampRace(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	const n = 20
	recs := make([]*payment.Payment, n)
	for i := range recs {
		r := k.stamp("t1", "33333333333333")
		r.IdempotencyKey = "stamp-key"
		recs[i] = r
	}
	var created atomic.Int32
	var mu sync.Mutex
	seen := map[payment.ID]bool{}
	ok, _ := conctest.Run(t, n, nil, func(i int) error {
		got, c, err := ss[i%2].Create(k.ctx, recs[i], nil)
		if err != nil {
			return err
		}
		if c {
			created.Add(1)
		}
		mu.Lock()
		seen[got.ID] = true
		mu.Unlock()
		return nil
	})
	assert.Equal(t, n, ok, "repeats of one registration never conflict on the stamp")
	assert.Equal(t, int32(1), created.Load())
	assert.Len(t, seen, 1, "every call returns the same record")
	assert.Len(t, k.all(t, ss[0], "t1"), 1)
}

func testStaleUpdate(t *testing.T, k *kit) {
	s := k.store(t)
	p := k.create(t, s, k.record("t1"))
	a := k.get(t, s, "t1", p.ID)
	b := k.get(t, s, "t1", p.ID)

	a.Reason = "first writer"
	require.NoError(t, s.Update(k.ctx, a, nil))
	assert.Equal(t, int64(2), a.Version, "Update increments the version")

	b.Reason = "second writer"
	err := s.Update(k.ctx, b, []payment.Event{k.event(b, payment.StatusPending, payment.StatusCanceled)})
	assert.ErrorIs(t, err, payment.ErrConflict)
	assert.Equal(t, "version", conflictField(err))
	assert.Equal(t, int64(1), b.Version, "a refused update keeps the version")

	got := k.get(t, s, "t1", p.ID)
	samePayment(t, a, got, "the stale write changed nothing")
	assert.Empty(t, k.pending(t, s, "t1"), "the refused write saved no event")

	// The same copy cannot be written twice either.
	a2 := a.Clone()
	require.NoError(t, s.Update(k.ctx, a2, nil))
	assert.ErrorIs(t, s.Update(k.ctx, a, nil), payment.ErrConflict)
	// A version from the future is stale too.
	future := k.get(t, s, "t1", p.ID)
	future.Version += 5
	assert.ErrorIs(t, s.Update(k.ctx, future, nil), payment.ErrConflict)
}

func testUpdateRoundTrip(t *testing.T, k *kit) {
	s := k.store(t)
	p := k.record("t1")
	p.Note = &payment.Note{Text: "to drop"}
	p.Split = []payment.Split{{Beneficiary: "00000000001", Amount: dec("16.00")}}
	k.create(t, s, p)

	// Every part changes: optional parts are set, dropped or replaced.
	u := k.get(t, s, "t1", p.ID)
	u.Status = payment.StatusComplete
	u.Amount = dec("120.30")
	u.Reason, u.Payer, u.Subject, u.Service = "new reason", "01234567890", "pratica-9", "svc-b"
	u.DueAt = base.Add(24 * time.Hour)
	u.NoticeCode = "301999999999999999"
	u.IUV = u.NoticeCode[1:]
	u.Receipt = &payment.Receipt{PaidAt: base.Add(2 * time.Hour), PSP: "psp-2", ReceiptID: "rc-2"}
	u.Links = payment.Links{Online: "o", Notice: "n", Receipt: "r"}
	u.Split = []payment.Split{
		{Beneficiary: "00000000001", Amount: dec("100.15"), Reason: "a"},
		{Beneficiary: "00000000002", Amount: dec("20.15"), Reason: "b"},
	}
	u.Note = nil
	u.UpdatedAt = base.Add(2 * time.Hour)
	u.History = append(u.History, payment.Change{At: base.Add(2 * time.Hour), From: payment.StatusPending, To: payment.StatusComplete, Source: "gateway"})
	require.NoError(t, s.Update(k.ctx, u, nil))
	assert.Equal(t, int64(2), u.Version)
	samePayment(t, u, k.get(t, s, "t1", p.ID))
	got, err := s.FindByIUV(k.ctx, "t1", u.IUV)
	require.NoError(t, err, "the new IUV is found")
	assert.Equal(t, p.ID, got.ID)

	// And back: optional parts dropped.
	v := k.get(t, s, "t1", p.ID)
	v.Receipt, v.Split, v.Stamp = nil, nil, nil
	v.Note = &payment.Note{Text: "internal", Internal: true}
	require.NoError(t, s.Update(k.ctx, v, nil))
	samePayment(t, v, k.get(t, s, "t1", p.ID))

	// The caller's value is copied.
	v.Note.Text = "changed"
	assert.Equal(t, "internal", k.get(t, s, "t1", p.ID).Note.Text)
}

func testConcurrentUpdates(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	p := k.create(t, ss[0], k.record("t1"))
	const n = 16
	copies := make([]*payment.Payment, n)
	for i := range copies {
		copies[i] = k.get(t, ss[i%2], "t1", p.ID)
		copies[i].Reason = fmt.Sprintf("writer %d", i)
	}
	var winner atomic.Int32
	winner.Store(-1)
	ok, refused := conctest.Run(t, n, payment.ErrConflict, func(i int) error {
		err := ss[i%2].Update(k.ctx, copies[i], []payment.Event{{
			ID: fmt.Sprintf("upd-%02d", i), Tenant: "t1", PaymentID: p.ID, Subject: p.Subject,
			From: payment.StatusPending, To: payment.StatusStarted, At: base,
		}})
		if err == nil {
			winner.Store(int32(i))
		} else if f := conflictField(err); f != "version" {
			return fmt.Errorf("conflict field %q, want version: %w", f, err)
		}
		return err
	})
	assert.Equal(t, 1, ok, "exactly one writer of a version wins")
	assert.Equal(t, n-1, refused)
	w := int(winner.Load())
	require.GreaterOrEqual(t, w, 0)
	got := k.get(t, ss[1], "t1", p.ID)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, fmt.Sprintf("writer %d", w), got.Reason, "the winner's write is the one stored")
	pend := k.pending(t, ss[0], "t1")
	require.Len(t, pend, 1, "only the winner's event is saved")
	assert.Equal(t, fmt.Sprintf("upd-%02d", w), pend[0].ID)
}

func testConcurrentRetries(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	p := k.create(t, ss[0], k.record("t1"))
	const n = 8
	// Each writer appends one history entry, re-reading and retrying on a
	// version conflict: in the end no entry is lost.
	ok, _ := conctest.Run(t, n, nil, func(i int) error {
		s := ss[i%2]
		for {
			cur, err := s.Get(k.ctx, "t1", p.ID)
			if err != nil {
				return err
			}
			cur.History = append(cur.History, payment.Change{At: base.Add(time.Duration(i+1) * time.Minute), Source: fmt.Sprintf("writer-%d", i)})
			err = s.Update(k.ctx, cur, nil)
			if errors.Is(err, payment.ErrConflict) {
				continue
			}
			return err
		}
	})
	require.Equal(t, n, ok)
	got := k.get(t, ss[1], "t1", p.ID)
	assert.Equal(t, int64(n+1), got.Version)
	require.Len(t, got.History, n+1)
	var sources []string
	for _, c := range got.History[1:] {
		sources = append(sources, c.Source)
	}
	slices.Sort(sources)
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("writer-%d", i))
	}
	assert.Equal(t, want, sources, "every writer's change is kept")
}

func testStampUnique(t *testing.T, k *kit) {
	s := k.store(t)
	first := k.create(t, s, k.stamp("t1", "44444444444444"))

	_, _, err := s.Create(k.ctx, k.stamp("t1", "44444444444444"), nil)
	assert.ErrorIs(t, err, payment.ErrConflict)
	assert.Equal(t, "stamp_identifier", conflictField(err))

	// In another tenant too: a stamp is used once in the whole store.
	other := k.stamp("t2", "44444444444444")
	_, _, err = s.Create(k.ctx, other, []payment.Event{k.event(other, "", payment.StatusComplete)})
	assert.ErrorIs(t, err, payment.ErrConflict)
	assert.Equal(t, "stamp_identifier", conflictField(err))
	assert.Empty(t, k.all(t, s, "t2"), "a refused create stores nothing")
	assert.Empty(t, k.pending(t, s, "t2"), "a refused create saves no event")
	assert.Equal(t, int64(0), other.Version, "a refused create keeps the version")

	// An update may not take a used identifier either.
	b := k.create(t, s, k.stamp("t1", "55555555555555"))
	moved := k.get(t, s, "t1", b.ID)
	moved.Stamp.Identifier = first.Stamp.Identifier
	err = s.Update(k.ctx, moved, nil)
	assert.Equal(t, "stamp_identifier", conflictField(err))
	samePayment(t, b, k.get(t, s, "t1", b.ID), "a refused update changes nothing")

	// Other identifiers are free.
	k.create(t, s, k.stamp("t2", "66666666666666"))
}

func testStampRace(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	const n = 16
	recs := make([]*payment.Payment, n)
	for i := range recs {
		// Distinct registrations (no idempotency key, two tenants) of one
		// physical stamp.
		recs[i] = k.stamp(fmt.Sprintf("t%d", 1+i%2), "77777777777777")
	}
	ok, refused := k.createRace(t, ss, recs, "stamp_identifier")
	assert.Equal(t, 1, ok, "a stamp is registered once")
	assert.Equal(t, n-1, refused)
	assert.Len(t, append(k.all(t, ss[0], "t1"), k.all(t, ss[1], "t2")...), 1)
}

// createRace creates recs[i] through ss[i%len(ss)], all at once, and
// counts the creates that succeeded and those refused with a conflict on
// field; any other outcome fails t.
func (k *kit) createRace(t *testing.T, ss []payment.Store, recs []*payment.Payment, field string) (ok, refused int) {
	t.Helper()
	return conctest.Run(t, len(recs), payment.ErrConflict, func(i int) error {
		_, _, err := ss[i%len(ss)].Create(k.ctx, recs[i], nil)
		if err != nil && conflictField(err) != field {
			return fmt.Errorf("want a %s conflict: %w", field, err)
		}
		return err
	})
}

func testNoticeCodeUnique(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.create(t, s, k.record("t1"))

	dup := k.record("t1")
	dup.NoticeCode, dup.IUV = a.NoticeCode, a.IUV
	_, _, err := s.Create(k.ctx, dup, nil)
	assert.ErrorIs(t, err, payment.ErrConflict)
	assert.Equal(t, "notice_code", conflictField(err))
	_, err = s.Get(k.ctx, "t1", dup.ID)
	assert.ErrorIs(t, err, payment.ErrNotFound, "a refused create stores nothing")

	// Another tenant may use the same code.
	other := k.record("t2")
	other.NoticeCode, other.IUV = a.NoticeCode, a.IUV
	k.create(t, s, other)

	// Records without a notice code do not collide with each other.
	k.create(t, s, k.stamp("t1", "88888888888888"))
	k.create(t, s, k.stamp("t1", "88888888888889"))

	// An update may not take a used code.
	b := k.create(t, s, k.record("t1"))
	moved := k.get(t, s, "t1", b.ID)
	moved.NoticeCode, moved.IUV = a.NoticeCode, a.IUV
	err = s.Update(k.ctx, moved, nil)
	assert.ErrorIs(t, err, payment.ErrConflict)
	assert.Equal(t, "notice_code", conflictField(err))
	samePayment(t, b, k.get(t, s, "t1", b.ID), "a refused update changes nothing")
}

func testNoticeCodeRace(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	const n = 16
	recs := make([]*payment.Payment, n)
	for i := range recs {
		r := k.record("t1")
		r.NoticeCode, r.IUV = "301000000000000777", "01000000000000777"
		recs[i] = r
	}
	ok, refused := k.createRace(t, ss, recs, "notice_code")
	assert.Equal(t, 1, ok, "a notice code is used once in a tenant")
	assert.Equal(t, n-1, refused)
	assert.Len(t, k.all(t, ss[1], "t1"), 1)
}

func testUpdateIdempotencyKey(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.record("t1")
	a.IdempotencyKey = "key-a"
	k.create(t, s, a)
	b := k.create(t, s, k.record("t1"))
	moved := k.get(t, s, "t1", b.ID)
	moved.IdempotencyKey = "key-a"
	err := s.Update(k.ctx, moved, nil)
	assert.ErrorIs(t, err, payment.ErrConflict)
	assert.Equal(t, "idempotency_key", conflictField(err))
	samePayment(t, b, k.get(t, s, "t1", b.ID), "a refused update changes nothing")

	// A record may keep its own key, and another tenant may use it.
	same := k.get(t, s, "t1", a.ID)
	same.Reason = "changed"
	require.NoError(t, s.Update(k.ctx, same, nil))
	c := k.record("t2")
	c.IdempotencyKey = "key-a"
	k.create(t, s, c)
}

func testList(t *testing.T, k *kit) {
	s := k.store(t)
	type row struct {
		id      payment.ID
		subject string
		payer   string
		status  payment.Status
	}
	// IDs in mixed case: the order is the byte order of the IDs.
	rows := []row{
		{"P-03", "pr-1", "A", payment.StatusPending},
		{"p-01", "pr-1", "B", payment.StatusComplete},
		{"P-10", "pr-2", "A", payment.StatusPending},
		{"p-02", "pr-2", "A", payment.StatusExpired},
		{"P-01", "pr-1", "A", payment.StatusStarted},
		{"p-11", "pr-1", "B", payment.StatusPending},
		{"Q-00", "pr-3", "C", payment.StatusCanceled},
	}
	for _, r := range rows {
		p := k.record("t1")
		p.ID, p.Subject, p.Payer, p.Status = r.id, r.subject, r.payer, r.status
		k.create(t, s, p)
	}
	// Another tenant's records never show.
	for _, r := range rows[:3] {
		p := k.record("t2")
		p.ID, p.Subject, p.Payer, p.Status = r.id+"x", r.subject, r.payer, r.status
		k.create(t, s, p)
	}

	cases := []struct {
		name string
		f    payment.Filter
	}{
		{"all", payment.Filter{}},
		{"subject", payment.Filter{Subject: "pr-1"}},
		{"payer", payment.Filter{Payer: "A"}},
		{"one status", payment.Filter{Statuses: []payment.Status{payment.StatusPending}}},
		{"statuses", payment.Filter{Statuses: []payment.Status{payment.StatusPending, payment.StatusComplete, payment.StatusExpired}}},
		{"subject and payer", payment.Filter{Subject: "pr-1", Payer: "B"}},
		{"all three", payment.Filter{Subject: "pr-1", Payer: "A", Statuses: []payment.Status{payment.StatusStarted, payment.StatusPending}}},
		{"no match", payment.Filter{Subject: "pr-9"}},
		{"no match status", payment.Filter{Statuses: []payment.Status{payment.StatusFailed}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want []payment.ID
			for _, r := range rows {
				if (tc.f.Subject == "" || r.subject == tc.f.Subject) &&
					(tc.f.Payer == "" || r.payer == tc.f.Payer) &&
					(len(tc.f.Statuses) == 0 || slices.Contains(tc.f.Statuses, r.status)) {
					want = append(want, r.id)
				}
			}
			slices.Sort(want)

			whole, err := s.List(k.ctx, "t1", tc.f, "", 100)
			require.NoError(t, err)
			assert.Equal(t, want, nilIfEmpty(ids(whole)))

			paged := pagesOfTwo(t, len(rows)+1, func(after payment.ID, limit int) ([]*payment.Payment, error) {
				return s.List(k.ctx, "t1", tc.f, after, limit)
			})
			assert.Equal(t, want, nilIfEmpty(paged))
		})
	}
	// A page starts strictly after the given ID, which need not exist.
	page, err := s.List(k.ctx, "t1", payment.Filter{}, "P-02", 3)
	require.NoError(t, err)
	assert.Equal(t, []payment.ID{"P-03", "P-10", "Q-00"}, ids(page))
	// The records listed are whole.
	samePayment(t, k.get(t, s, "t1", "P-03"), page[0])
}

// pagesOfTwo reads a listing in pages of two, each starting after the last
// ID of the previous, for at most reads pages or until one comes back
// empty, and returns the IDs read.
func pagesOfTwo(t *testing.T, reads int, list func(after payment.ID, limit int) ([]*payment.Payment, error)) []payment.ID {
	t.Helper()
	var paged []payment.ID
	after := payment.ID("")
	for range reads {
		page, err := list(after, 2)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 2)
		if len(page) == 0 {
			break
		}
		paged = append(paged, ids(page)...)
		after = page[len(page)-1].ID
	}
	return paged
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func testListDue(t *testing.T, k *kit) {
	s := k.store(t)
	now := base.Add(30 * 24 * time.Hour)
	type row struct {
		id     payment.ID
		status payment.Status
		due    time.Time
		want   bool
	}
	rows := []row{
		{"d-01", payment.StatusPending, now.Add(-time.Hour), true},
		{"d-02", payment.StatusStarted, now.Add(-time.Microsecond), true},
		{"d-03", payment.StatusCreationPending, now.Add(-24 * time.Hour), true},
		{"d-04", payment.StatusPending, now, false}, // due exactly now: not yet past
		{"d-05", payment.StatusPending, now.Add(time.Hour), false},
		{"d-06", payment.StatusComplete, now.Add(-time.Hour), false},
		{"d-07", payment.StatusCanceled, now.Add(-time.Hour), false},
		{"d-08", payment.StatusExpired, now.Add(-time.Hour), false},
		{"d-09", payment.StatusFailed, now.Add(-time.Hour), false},
		{"d-10", payment.StatusCreationFailed, now.Add(-time.Hour), false},
		{"d-11", payment.StatusPending, now.Add(-48 * time.Hour), true},
	}
	var want []payment.ID
	// Inserted out of ID order.
	for _, i := range []int{10, 3, 0, 7, 1, 9, 4, 2, 6, 5, 8} {
		r := rows[i]
		p := k.record("t1")
		p.ID, p.Status, p.DueAt = r.id, r.status, r.due
		k.create(t, s, p)
	}
	for _, r := range rows {
		if r.want {
			want = append(want, r.id)
		}
	}
	// Another tenant's overdue record never shows.
	o := k.record("t2")
	o.DueAt = now.Add(-time.Hour)
	k.create(t, s, o)

	got, err := s.ListDue(k.ctx, "t1", now, "", 100)
	require.NoError(t, err)
	assert.Equal(t, want, ids(got))

	paged := pagesOfTwo(t, len(rows), func(after payment.ID, limit int) ([]*payment.Payment, error) {
		return s.ListDue(k.ctx, "t1", now, after, limit)
	})
	assert.Equal(t, want, paged)

	// The same instant in another zone is the same instant.
	got, err = s.ListDue(k.ctx, "t1", now.In(time.FixedZone("CET", 3600)), "", 100)
	require.NoError(t, err)
	assert.Equal(t, want, ids(got))

	// Once expired, a record is due no more.
	d1 := k.get(t, s, "t1", "d-01")
	d1.Status = payment.StatusExpired
	require.NoError(t, s.Update(k.ctx, d1, nil))
	got, err = s.ListDue(k.ctx, "t1", now, "", 100)
	require.NoError(t, err)
	assert.Equal(t, want[1:], ids(got))
}

func testSequence(t *testing.T, k *kit) {
	s := k.store(t)
	next := func(tenant, name string) uint64 {
		t.Helper()
		v, err := s.NextSequence(k.ctx, tenant, name)
		require.NoError(t, err)
		return v
	}
	assert.Equal(t, uint64(1), next("t1", "notice-01"))
	assert.Equal(t, uint64(2), next("t1", "notice-01"))
	assert.Equal(t, uint64(3), next("t1", "notice-01"))
	assert.Equal(t, uint64(1), next("t1", "notice-02"), "each name counts on its own")
	assert.Equal(t, uint64(1), next("t2", "notice-01"), "each tenant counts on its own")
	assert.Equal(t, uint64(4), next("t1", "notice-01"))
	assert.Equal(t, uint64(2), next("t2", "notice-01"))
}

func testSequenceConcurrent(t *testing.T, k *kit) {
	ss := k.stores(t, 3)
	const n = 60
	vals := make([]uint64, n)
	ok, _ := conctest.Run(t, n, nil, func(i int) error {
		v, err := ss[i%3].NextSequence(k.ctx, "t1", "seq")
		vals[i] = v
		return err
	})
	require.Equal(t, n, ok)
	slices.Sort(vals)
	for i, v := range vals {
		assert.Equal(t, uint64(i+1), v, "values are 1..n, each once")
	}
	v, err := ss[0].NextSequence(k.ctx, "t1", "seq")
	require.NoError(t, err)
	assert.Equal(t, uint64(n+1), v)
}

func testOutbox(t *testing.T, k *kit) {
	s := k.store(t)
	p := k.record("t1")
	e1 := k.event(p, "", payment.StatusCreationPending)
	e2 := k.event(p, payment.StatusCreationPending, payment.StatusPending)
	k.create(t, s, p, e1, e2)
	q := k.record("t1")
	q.Subject = "pratica-2"
	e3 := k.event(q, "", payment.StatusPending)
	k.create(t, s, q, e3)

	u := k.get(t, s, "t1", p.ID)
	u.Status = payment.StatusComplete
	e4 := k.event(u, payment.StatusPending, payment.StatusComplete)
	require.NoError(t, s.Update(k.ctx, u, []payment.Event{e4}))

	all := k.pending(t, s, "t1")
	assert.Equal(t, []payment.Event{e1, e2, e3, e4}, all, "oldest first, every field kept, times in UTC")

	const lease = time.Minute
	first := k.claim(t, s, "t1", base, lease, 2)
	assert.Equal(t, []string{e1.ID, e2.ID}, eventIDs(first), "limit keeps the oldest")
	assert.Equal(t, []string{e3.ID}, eventIDs(k.claim(t, s, "t1", base, lease, 0)),
		"leased events are skipped, and so are the later events of their payment (e4 waits behind e1 and e2)")
	assert.Empty(t, k.claim(t, s, "t1", base.Add(lease/2), lease, 0), "every event is under lease")

	require.NoError(t, s.AckEvent(k.ctx, "t1", e2.ID))
	require.NoError(t, s.AckEvent(k.ctx, "t1", e2.ID), "acknowledging twice is not an error")
	require.NoError(t, s.AckEvent(k.ctx, "t1", "evt-unknown"), "acknowledging an unknown event is a no-op")
	again := k.claim(t, s, "t1", base.Add(lease), lease, 0)
	assert.Equal(t, []payment.Event{e1, e3, e4}, again,
		"once the lease ends the unacknowledged events come back, every field kept; the acknowledged one never does")
	for _, e := range again {
		require.NoError(t, s.AckEvent(k.ctx, "t1", e.ID))
	}
	assert.Empty(t, k.claim(t, s, "t1", base.Add(100*lease), lease, 0), "acknowledged events are gone")
	assert.Empty(t, k.pending(t, s, "t1"))

	// Events written later come after those still pending.
	v := k.get(t, s, "t1", q.ID)
	e5 := k.event(v, payment.StatusPending, payment.StatusExpired)
	v.Status = payment.StatusExpired
	require.NoError(t, s.Update(k.ctx, v, []payment.Event{e5}))
	assert.Equal(t, []payment.Event{e5}, k.pending(t, s, "t1"))
}

func testOutboxFailedWrites(t *testing.T, k *kit) {
	s := k.store(t)
	p := k.record("t1")
	p.IdempotencyKey = "k"
	k.create(t, s, p)
	st := k.create(t, s, k.stamp("t1", "99999999999999"))

	// A version conflict.
	stale := k.get(t, s, "t1", p.ID)
	fresh := k.get(t, s, "t1", p.ID)
	require.NoError(t, s.Update(k.ctx, fresh, nil))
	assert.ErrorIs(t, s.Update(k.ctx, stale, []payment.Event{k.event(p, payment.StatusPending, payment.StatusCanceled)}), payment.ErrConflict)
	// A unique conflict on create and on update.
	dup := k.stamp("t1", st.Stamp.Identifier)
	_, _, err := s.Create(k.ctx, dup, []payment.Event{k.event(dup, "", payment.StatusComplete)})
	assert.ErrorIs(t, err, payment.ErrConflict)
	nc := k.record("t1")
	nc.NoticeCode = p.NoticeCode
	_, _, err = s.Create(k.ctx, nc, []payment.Event{k.event(nc, "", payment.StatusPending)})
	assert.ErrorIs(t, err, payment.ErrConflict)
	// A missing record.
	ghost := k.record("t1")
	ghost.Version = 1
	assert.ErrorIs(t, s.Update(k.ctx, ghost, []payment.Event{k.event(ghost, payment.StatusPending, payment.StatusExpired)}), payment.ErrNotFound)
	// A repeated create.
	again := k.record("t1")
	again.IdempotencyKey = "k"
	_, created, err := s.Create(k.ctx, again, []payment.Event{k.event(again, "", payment.StatusPending)})
	require.NoError(t, err)
	assert.False(t, created)

	assert.Empty(t, k.pending(t, s, "t1"), "no refused or repeated write saved an event")
	assert.Len(t, k.all(t, s, "t1"), 2)
}

// testOutboxOrder checks that claims hand events out in the order they
// were saved, whatever their instants (clocks of several instances may
// disagree; the saving order is the order of a payment's history), and
// whatever the write that saved them.
func testOutboxOrder(t *testing.T, k *kit) {
	s := k.store(t)
	p := k.record("t1")
	a := k.event(p, "", payment.StatusCreationPending)
	b := k.event(p, payment.StatusCreationPending, payment.StatusPending)
	b.At = a.At
	k.create(t, s, p, a, b)
	u := k.get(t, s, "t1", p.ID)
	earlier := k.event(u, payment.StatusPending, payment.StatusStarted)
	earlier.At = a.At.Add(-time.Second)
	require.NoError(t, s.Update(k.ctx, u, []payment.Event{earlier}))
	u = k.get(t, s, "t1", p.ID)
	same := k.event(u, payment.StatusStarted, payment.StatusComplete)
	same.At = a.At
	require.NoError(t, s.Update(k.ctx, u, []payment.Event{same}))
	q := k.create(t, s, k.record("t1"))
	later := k.event(q, "", payment.StatusPending)
	require.NoError(t, s.Update(k.ctx, q, []payment.Event{later}))

	want := []string{a.ID, b.ID, earlier.ID, same.ID, later.ID}
	assert.Equal(t, want, eventIDs(k.pending(t, s, "t1")), "in saving order")
	var got []string
	for i := range len(want) {
		batch := k.claim(t, s, "t1", base, time.Hour, 1)
		require.Len(t, batch, 1, "claim %d", i)
		got = append(got, batch[0].ID)
		require.NoError(t, s.AckEvent(k.ctx, "t1", batch[0].ID))
	}
	assert.Equal(t, want, got, "one at a time, each acknowledged, the claims follow the same order")
	assert.Empty(t, k.claim(t, s, "t1", base, time.Hour, 1))
}

// testOutboxLease checks the lease arithmetic: a claimed event is held
// until exactly now+lease, and a zero or negative lease holds nothing.
func testOutboxLease(t *testing.T, k *kit) {
	s := k.store(t)
	// Three payments, one event each: the lease arithmetic alone (a
	// payment's later events waiting is outboxtest's).
	var ids []string
	var e1 payment.Event
	for i := range 3 {
		p := k.record("t1")
		e := k.event(p, "", payment.StatusPending)
		k.create(t, s, p, e)
		ids = append(ids, e.ID)
		if i == 0 {
			e1 = e
		}
	}

	const lease = time.Minute
	assert.Equal(t, ids, eventIDs(k.claim(t, s, "t1", base, lease, 0)))
	assert.Empty(t, k.claim(t, s, "t1", base.Add(lease-time.Microsecond), lease, 0), "held until the lease ends")
	assert.Empty(t, k.claim(t, s, "t1", base.Add(-time.Hour), lease, 0), "held for a claimer whose clock is behind")
	assert.Equal(t, ids[:1], eventIDs(k.claim(t, s, "t1", base.Add(lease), lease, 1)), "claimable again at the instant the lease ends")
	assert.Equal(t, ids[1:], eventIDs(k.claim(t, s, "t1", base.Add(lease), lease, 0)))

	t2 := base.Add(2 * lease)
	for _, zero := range []time.Duration{0, -time.Hour} {
		assert.Equal(t, ids, eventIDs(k.claim(t, s, "t1", t2, zero, 0)), "lease %v", zero)
		assert.Equal(t, ids, eventIDs(k.claim(t, s, "t1", t2, lease, 0)), "a lease of %v held nothing", zero)
		assert.Empty(t, k.claim(t, s, "t1", t2, lease, 0))
		t2 = t2.Add(lease)
	}

	// A claim leases only what it returns.
	assert.Equal(t, ids[:2], eventIDs(k.claim(t, s, "t1", t2, time.Hour, 2)))
	assert.Equal(t, ids[2:], eventIDs(k.claim(t, s, "t1", t2.Add(time.Second), time.Hour, 0)))
	require.NoError(t, s.AckEvent(k.ctx, "t1", e1.ID), "a leased event can be acknowledged")
	assert.Equal(t, ids[1:], eventIDs(k.claim(t, s, "t1", t2.Add(2*time.Hour), time.Hour, 0)))
}

// outboxOf creates records of tenant holding n events in all (n is a
// multiple of records), each later than the one before, and returns the
// event IDs in creation order. A payment's later events wait behind its
// earlier ones, so the claim races use one event per record.
func (k *kit) outboxOf(t *testing.T, s payment.Store, tenant string, records, n int) []string {
	t.Helper()
	require.Zero(t, n%records)
	var ids []string
	for range records {
		p := k.record(tenant)
		var evs []payment.Event
		for range n / records {
			e := k.event(p, payment.StatusPending, payment.StatusPending)
			evs = append(evs, e)
			ids = append(ids, e.ID)
		}
		k.create(t, s, p, evs...)
	}
	return ids
}

// claimAll has goroutines over the stores claim, at now, batches of limit
// until none is left, acknowledging each batch when ack is set; it returns
// how many times each event was handed out.
func (k *kit) claimAll(t *testing.T, ss []payment.Store, goroutines int, now time.Time, lease time.Duration, limit int, ack bool) map[string]int {
	t.Helper()
	var mu sync.Mutex
	seen := map[string]int{}
	ok, _ := conctest.Run(t, goroutines, nil, func(i int) error {
		s := ss[i%len(ss)]
		for {
			got, err := s.ClaimEvents(k.ctx, "t1", now, lease, limit)
			if err != nil {
				return err
			}
			if len(got) == 0 {
				return nil
			}
			if len(got) > limit {
				return fmt.Errorf("claimed %d events, limit %d", len(got), limit)
			}
			if !slices.IsSortedFunc(got, func(a, b payment.Event) int { return a.At.Compare(b.At) }) {
				return fmt.Errorf("batch out of order: %v", eventIDs(got))
			}
			mu.Lock()
			for _, e := range got {
				seen[e.ID]++
			}
			mu.Unlock()
			if ack {
				for _, e := range got {
					if err := s.AckEvent(k.ctx, "t1", e.ID); err != nil {
						return err
					}
				}
			}
		}
	})
	require.Equal(t, goroutines, ok)
	return seen
}

// testOutboxConcurrent has 8 goroutines over 2 store instances claim the
// same outbox at the same instant: each event is handed to exactly one
// claimer while its lease runs, and all of them come back once it ends.
func testOutboxConcurrent(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	const n = 60
	ids := k.outboxOf(t, ss[0], "t1", n, n)
	seen := k.claimAll(t, ss, 8, base, time.Hour, 4, false)
	assert.Len(t, seen, n, "every event was claimed")
	for id, c := range seen {
		assert.Equal(t, 1, c, "event %s claimed %d times under one lease", id, c)
	}
	assert.Empty(t, k.claim(t, ss[1], "t1", base.Add(time.Hour-time.Microsecond), time.Hour, 0))
	assert.Equal(t, ids, eventIDs(k.claim(t, ss[1], "t1", base.Add(time.Hour), time.Minute, 0)),
		"no event was acknowledged: all come back, oldest first, once the lease ends")
}

// testOutboxConcurrentExpiry has 8 goroutines over 2 store instances
// claim, at once, events whose lease has just ended and acknowledge them:
// each expired event goes to exactly one of them, and nothing is left.
func testOutboxConcurrentExpiry(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	const n = 45
	ids := k.outboxOf(t, ss[1], "t1", n, n)
	require.Equal(t, ids, eventIDs(k.claim(t, ss[0], "t1", base, time.Minute, 0)))
	seen := k.claimAll(t, ss, 8, base.Add(time.Minute), time.Hour, 3, true)
	assert.Len(t, seen, n, "every expired event was claimed again")
	for id, c := range seen {
		assert.Equal(t, 1, c, "event %s claimed %d times", id, c)
	}
	assert.Empty(t, k.claim(t, ss[0], "t1", base.Add(24*time.Hour), time.Minute, 0), "every event was acknowledged")
}

func testTenants(t *testing.T, k *kit) {
	s := k.store(t)
	p := k.record("t1")
	p.DueAt = base.Add(-time.Hour)
	ev := k.event(p, "", payment.StatusPending)
	k.create(t, s, p, ev)
	_, err := s.NextSequence(k.ctx, "t1", "n")
	require.NoError(t, err)
	want := k.get(t, s, "t1", p.ID)

	_, err = s.Get(k.ctx, "t2", p.ID)
	assert.ErrorIs(t, err, payment.ErrNotFound)
	_, err = s.FindByIUV(k.ctx, "t2", p.IUV)
	assert.ErrorIs(t, err, payment.ErrNotFound)
	list, err := s.List(k.ctx, "t2", payment.Filter{Subject: p.Subject}, "", 100)
	require.NoError(t, err)
	assert.Empty(t, list)
	list, err = s.List(k.ctx, "t2", payment.Filter{}, "", 100)
	require.NoError(t, err)
	assert.Empty(t, list)
	due, err := s.ListDue(k.ctx, "t2", base, "", 100)
	require.NoError(t, err)
	assert.Empty(t, due)
	assert.Empty(t, k.claim(t, s, "t2", base, time.Minute, 0))

	foreign := want.Clone()
	foreign.Tenant = "t2"
	foreign.Reason = "stolen"
	assert.ErrorIs(t, s.Update(k.ctx, foreign, []payment.Event{k.event(foreign, payment.StatusPending, payment.StatusCanceled)}), payment.ErrNotFound)
	require.NoError(t, s.AckEvent(k.ctx, "t2", ev.ID), "acknowledging a foreign event is a no-op")
	v, err := s.NextSequence(k.ctx, "t2", "n")
	require.NoError(t, err)
	assert.Equal(t, uint64(1), v, "sequences are per tenant")

	samePayment(t, want, k.get(t, s, "t1", p.ID), "nothing changed in the owner's tenant")
	assert.Equal(t, []payment.Event{ev}, k.pending(t, s, "t1"), "the foreign acknowledgement removed nothing")
	assert.Empty(t, k.claim(t, s, "t2", base, time.Minute, 0), "the refused update saved no event")
	list, err = s.List(k.ctx, "t2", payment.Filter{}, "", 100)
	require.NoError(t, err)
	assert.Empty(t, list, "the refused update created nothing")

	// A same ID in another tenant is another record.
	twin := k.record("t2")
	twin.ID = p.ID
	twin.NoticeCode, twin.IUV = p.NoticeCode, p.IUV
	k.create(t, s, twin)
	samePayment(t, want, k.get(t, s, "t1", p.ID))
	got := k.get(t, s, "t2", p.ID)
	assert.Equal(t, "t2", got.Tenant)
	assert.Equal(t, twin.Reason, got.Reason)

	// An event ID reused in another tenant is another event: claims and
	// acknowledgements of one tenant never reach the other's.
	twinEv := ev
	twinEv.Tenant = "t2"
	tw := k.get(t, s, "t2", p.ID)
	require.NoError(t, s.Update(k.ctx, tw, []payment.Event{twinEv}))
	assert.Equal(t, []payment.Event{ev}, k.claim(t, s, "t1", base, time.Hour, 0))
	assert.Equal(t, []payment.Event{twinEv}, k.claim(t, s, "t2", base, time.Hour, 0), "t1's lease does not hold t2's event")
	require.NoError(t, s.AckEvent(k.ctx, "t2", ev.ID))
	assert.Empty(t, k.claim(t, s, "t2", base.Add(2*time.Hour), time.Hour, 0))
	assert.Equal(t, []payment.Event{ev}, k.claim(t, s, "t1", base.Add(2*time.Hour), time.Hour, 0),
		"t2's acknowledgement left t1's event of the same ID")
}

// testDeskIdempotencyRace makes 50 concurrent Desk.Create calls with one
// idempotency key through two Desks on two store instances (two
// application instances sharing the data and the payment platform), each
// with its own Generator: exactly one record and one debt position come
// out, and every call returns that record.
func testDeskIdempotencyRace(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	gw := fakegateway.New(nil)
	desks := make([]*payment.Desk, len(ss))
	for i, s := range ss {
		g, err := payment.NewGenerator("05", payment.StoreSequence(s, "t1", "notice"))
		require.NoError(t, err)
		desks[i], err = payment.New(payment.Config{Store: s, Gateway: gw, Generator: g})
		require.NoError(t, err)
	}
	const n = 50
	got := make([]payment.ID, n)
	in := payment.NewPayment{
		Kind: payment.KindPagoPA, Amount: dec("48.50"), Payer: "RSSMRA80A01H501U",
		Subject: "pratica-1", Service: "svc-a", IdempotencyKey: "desk-race",
	}
	ok, _ := conctest.Run(t, n, nil, func(i int) error {
		p, err := desks[i%len(desks)].Create(k.ctx, auth.System("t1"), in)
		if err != nil {
			return err
		}
		got[i] = p.ID
		return nil
	})
	require.Equal(t, n, ok, "every call succeeds")
	for i := range got {
		assert.Equal(t, got[0], got[i], "call %d returned another record", i)
	}
	list := k.all(t, ss[1], "t1")
	require.Len(t, list, 1, "exactly one record")
	assert.Equal(t, payment.StatusPending, list[0].Status)
	assert.NotEmpty(t, list[0].NoticeCode)
	assert.Len(t, list[0].History, 2, "created once, opened once")
	assert.Equal(t, 1, gw.Positions(), "exactly one debt position")
	assert.Len(t, k.pending(t, ss[0], "t1"), 2, "one event per status change")
}

// testDeskDeliverConcurrent runs Desk.DeliverEvents in 6 goroutines
// through two Desks on two store instances at the same instant, each
// calling it until the outbox is empty: each of the 250 events (more than
// one claim batch) is handed to the EventHandler exactly once, each
// payment's events in the order they were saved, and the outbox ends
// empty.
func testDeskDeliverConcurrent(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	const n = 250
	ids := k.outboxOf(t, ss[0], "t1", 5, n)
	var mu sync.Mutex
	var log []string
	handler := payment.EventHandlerFunc(func(_ context.Context, e payment.Event) error {
		mu.Lock()
		defer mu.Unlock()
		log = append(log, e.ID)
		return nil
	})
	desks := make([]*payment.Desk, len(ss))
	for i, s := range ss {
		var err error
		desks[i], err = payment.New(payment.Config{Store: s, Gateway: fakegateway.New(nil), EventHandler: handler,
			Now: func() time.Time { return base }})
		require.NoError(t, err)
	}
	var total atomic.Int64
	ok, _ := conctest.Run(t, 6, nil, func(i int) error {
		for range 5000 {
			got, err := desks[i%len(desks)].DeliverEvents(k.ctx, "t1", 20)
			done := total.Add(int64(got)) >= n
			if errors.Is(err, payment.ErrUnavailable) && !done {
				// Under SERIALIZABLE, claims and acknowledgements racing
				// on one outbox may keep losing serialization conflicts
				// past the store's retries: worth a retry, as documented.
				continue
			}
			if err != nil {
				return err
			}
			if done {
				return nil
			}
			if got == 0 {
				time.Sleep(time.Millisecond)
			}
		}
		return errors.New("the outbox did not empty")
	})
	require.Equal(t, 6, ok)
	assert.Equal(t, int64(n), total.Load(), "the delivered counts add up")
	assert.ElementsMatch(t, ids, log, "every event handled exactly once")
	// outboxOf saved each payment's events together, in ID order.
	for r := range 5 {
		mine := ids[r*n/5 : (r+1)*n/5]
		var got []string
		for _, id := range log {
			if slices.Contains(mine, id) {
				got = append(got, id)
			}
		}
		assert.Equal(t, mine, got, "payment %d's events handled in saving order", r)
	}
	assert.Empty(t, k.claim(t, ss[1], "t1", base.Add(24*time.Hour), time.Minute, 0), "every delivered event was acknowledged")
}

// testGeneratorAcrossInstances issues notice codes from three Generators
// on three store instances, many goroutines each: no code is issued twice.
func testGeneratorAcrossInstances(t *testing.T, k *kit) {
	ss := k.stores(t, 3)
	gens := make([]*payment.Generator, len(ss))
	for i, s := range ss {
		var err error
		gens[i], err = payment.NewGenerator("01", payment.StoreSequence(s, "t1", "notice-01"))
		require.NoError(t, err)
	}
	const goroutines, each = 24, 5
	codes := make([][]payment.NoticeCode, goroutines)
	ok, _ := conctest.Run(t, goroutines, nil, func(i int) error {
		for range each {
			c, err := gens[i%len(gens)].Next(k.ctx)
			if err != nil {
				return err
			}
			codes[i] = append(codes[i], c)
		}
		return nil
	})
	require.Equal(t, goroutines, ok)
	seen := map[payment.NoticeCode]bool{}
	for _, cs := range codes {
		for _, c := range cs {
			assert.False(t, seen[c], "code %s issued twice", c)
			seen[c] = true
			_, err := payment.ParseNoticeCode(c.String())
			assert.NoError(t, err)
		}
	}
	assert.Len(t, seen, goroutines*each)
}

// testDeskBadText gives a Desk over the store text that breaks the text
// rule (NUL, invalid UTF-8, control characters): input fields are
// ErrValidation naming the field, lookups by such IDs ErrNotFound, and
// nothing reaches the store, so every store answers alike (PostgreSQL
// would refuse such text with a driver error).
func testDeskBadText(t *testing.T, k *kit) {
	s := k.store(t)
	d, err := payment.New(payment.Config{Store: s, Gateway: fakegateway.New(nil), Now: func() time.Time { return base }})
	require.NoError(t, err)
	sys := auth.System("t1")
	in := payment.NewPayment{Kind: payment.KindPagoPA, Amount: dec("10.00"), Payer: "RSSMRA80A01H501U", Service: "svc-a"}
	for _, c := range []struct {
		field string
		edit  func(*payment.NewPayment)
	}{
		{"subject", func(in *payment.NewPayment) { in.Subject = "pratica\x00-1" }},
		{"reason", func(in *payment.NewPayment) { in.Reason = "fee \xff" }},
		{"service", func(in *payment.NewPayment) { in.Service = "svc\nb" }},
		{"idempotency_key", func(in *payment.NewPayment) { in.IdempotencyKey = "k\x00" }},
	} {
		bad := in
		c.edit(&bad)
		_, err := d.Create(k.ctx, sys, bad)
		var ve *payment.ValidationError
		if assert.ErrorAs(t, err, &ve, c.field) {
			assert.True(t, ve.Has(c.field, "text"), "%s: %v", c.field, ve)
		}
	}
	_, err = d.RegisterManual(k.ctx, sys, payment.NewManual{Amount: dec("1"), Payer: "RSSMRA80A01H501U", Service: "svc-a",
		Note: &payment.Note{Text: "bell\a"}})
	assert.ErrorIs(t, err, payment.ErrValidation, "a control character in a note")
	for _, id := range []payment.ID{"pay\x00", "\xff\xfe", "pay\n"} {
		_, err := d.Get(k.ctx, sys, id)
		assert.ErrorIs(t, err, payment.ErrNotFound, "Get(%q)", id)
		_, err = d.Cancel(k.ctx, sys, id)
		assert.ErrorIs(t, err, payment.ErrNotFound, "Cancel(%q)", id)
		_, _, err = d.ApplyNotification(k.ctx, sys, payment.Notification{PaymentID: id, Status: payment.StatusStarted})
		assert.ErrorIs(t, err, payment.ErrNotFound, "ApplyNotification(%q)", id)
	}
	_, _, err = d.ApplyNotification(k.ctx, sys, payment.Notification{IUV: "01\x00", Status: payment.StatusStarted})
	assert.ErrorIs(t, err, payment.ErrNotFound, "a notification naming a bad IUV")
	_, err = d.List(k.ctx, sys, payment.Filter{Subject: "p\x00"}, "", 10)
	assert.ErrorIs(t, err, payment.ErrValidation, "a bad subject filter")
	n, err := d.Sweep(k.ctx, "t\x00", base)
	assert.NoError(t, err)
	assert.Zero(t, n)
	n, err = d.Reconcile(k.ctx, "\xff")
	assert.NoError(t, err)
	assert.Zero(t, n)
	assert.Empty(t, k.all(t, s, "t1"), "nothing was stored")

	// Long text keeps its newlines and tabs, on every store.
	note := "paid in cash\r\n\tat the counter"
	p, err := d.RegisterManual(k.ctx, sys, payment.NewManual{Amount: dec("1"), Payer: "RSSMRA80A01H501U", Service: "svc-a",
		Note: &payment.Note{Text: note}})
	require.NoError(t, err)
	assert.Equal(t, note, k.get(t, s, "t1", p.ID).Note.Text)
}

// testDeskMicroseconds has a Desk whose clock has nanoseconds create a
// record: every instant it stores is truncated to microseconds, so the
// record read back equals the one returned, on every store.
func testDeskMicroseconds(t *testing.T, k *kit) {
	s := k.store(t)
	now := base.Add(999 * time.Nanosecond)
	d, err := payment.New(payment.Config{Store: s, Gateway: fakegateway.New(func() time.Time { return now }),
		Now: func() time.Time { return now }})
	require.NoError(t, err)
	sys := auth.System("t1")
	p, err := d.Create(k.ctx, sys, payment.NewPayment{Kind: payment.KindPagoPA, Amount: dec("10.00"),
		Payer: "RSSMRA80A01H501U", Service: "svc-a", DueAt: now.Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, base, p.CreatedAt)
	assert.Equal(t, base.Add(time.Hour), p.DueAt)
	samePayment(t, p, k.get(t, s, "t1", p.ID), "read back")
	m, err := d.RegisterManual(k.ctx, sys, payment.NewManual{Amount: dec("1"), Payer: "RSSMRA80A01H501U", Service: "svc-a",
		PaidAt: now.Add(-time.Minute)})
	require.NoError(t, err)
	assert.Equal(t, base.Add(-time.Minute), m.Receipt.PaidAt)
	samePayment(t, m, k.get(t, s, "t1", m.ID), "read back")
}

// testDeskInstantRange gives a Desk over the store instants no record may
// hold (PostgreSQL cannot store some of them): each is ErrValidation naming
// the field, on every store alike, and nothing is stored.
func testDeskInstantRange(t *testing.T, k *kit) {
	s := k.store(t)
	d, err := payment.New(payment.Config{Store: s, Gateway: fakegateway.New(nil), Now: func() time.Time { return base }})
	require.NoError(t, err)
	sys := auth.System("t1")
	far := time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err = d.Create(k.ctx, sys, payment.NewPayment{Kind: payment.KindPagoPA, Amount: dec("1"), Payer: "RSSMRA80A01H501U",
		Service: "svc-a", DueAt: far})
	assertInvalid(t, err, "due_at", "range")
	_, err = d.RegisterManual(k.ctx, sys, payment.NewManual{Amount: dec("1"), Payer: "RSSMRA80A01H501U", Service: "svc-a",
		PaidAt: time.Date(-40000, 1, 1, 0, 0, 0, 0, time.UTC)})
	assertInvalid(t, err, "paid_at", "range")
	_, err = d.RegisterStamp(k.ctx, sys, payment.NewStamp{Identifier: "12345678901234", IssuedAt: time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC),
		Payer: "RSSMRA80A01H501U", Service: "svc-a"})
	assertInvalid(t, err, "issued_at", "range")
	p, err := d.Create(k.ctx, sys, payment.NewPayment{Kind: payment.KindPagoPA, Amount: dec("1"), Payer: "RSSMRA80A01H501U", Service: "svc-a"})
	require.NoError(t, err)
	_, _, err = d.ApplyNotification(k.ctx, sys, payment.Notification{PaymentID: p.ID, Status: payment.StatusComplete,
		Receipt: &payment.Receipt{PaidAt: far, PSP: "psp", ReceiptID: "r"}})
	assertInvalid(t, err, "receipt.paid_at", "range")
	assert.Len(t, k.all(t, s, "t1"), 1, "only the valid payment was stored")
	assert.Equal(t, payment.StatusPending, k.get(t, s, "t1", p.ID).Status)
}

// assertInvalid checks that err is a *payment.ValidationError naming field
// with rule.
func assertInvalid(t *testing.T, err error, field, rule string) {
	t.Helper()
	var ve *payment.ValidationError
	if assert.ErrorAs(t, err, &ve, field) {
		assert.True(t, ve.Has(field, rule), "want %s/%s in %v", field, rule, ve)
	}
}
