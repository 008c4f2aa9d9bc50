package appointmenttest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/calendar"
	"github.com/sportello/sportello/internal/conctest"
	"github.com/sportello/sportello/internal/outbox/outboxtest"
)

// Harness makes the stores under test.
type Harness interface {
	// MakeStores returns n stores over one fresh, empty data set, standing
	// for n application instances sharing a database (for PostgreSQL: n
	// connection pools on one new database). An in-memory adapter returns
	// the same store n times.
	MakeStores(ctx context.Context, n int) ([]appointment.Store, error)
	// Close releases what the harness holds.
	Close()
}

// Run runs the whole kit; newHarness is called once per subtest.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, *kit)
	}{
		{"RoundTripEveryField", testRoundTrip},
		{"GetMissing", testMissing},
		{"StaleWritesConflict", testVersions},
		{"ConcurrentUpdatesOneWins", testConcurrentUpdates},
		{"TenantsAreIsolated", testTenants},
		{"SlotQueueUnderConcurrency", testSlotConcurrency},
		{"DayLimitUnderConcurrency", testDayConcurrency},
		{"CitizenLimitUnderConcurrency", testCitizenConcurrency},
		{"NoOverlapForOneCitizen", testNoOverlap},
		{"RefusalsInOrderAndWriteNothing", testRefusalOrder},
		{"ExpiredDraftsHoldNoPlace", testExpiredDrafts},
		{"FreedPlacesCountNoMore", testFreedPlaces},
		{"MoveCountsEveryPlaceButItsOwn", testMoveExcludesSelf},
		{"MoveRacesBookForLastPlace", testMoveRace},
		{"ConfirmRacesSweep", testConfirmRacesSweep},
		{"SweepTwiceChangesNothing", testSweepTwice},
		{"OneActiveBookingPerPratica", testPracticeUnique},
		{"HeldPlacesGroupsBySlot", testHeldPlaces},
		{"CountActive", testCountActive},
		{"ListFiltersAndPages", testList},
		{"OutboxSavedWithWrites", testOutboxWithWrites},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			t.Cleanup(h.Close)
			tc.fn(t, &kit{h: h, ctx: context.Background()})
		})
	}
	t.Run("Outbox", func(t *testing.T) { outboxtest.Run(t, outboxHarnesses(newHarness)) })
}

type kit struct {
	h   Harness
	ctx context.Context
	n   int
}

func (k *kit) stores(t *testing.T, n int) []appointment.Store {
	t.Helper()
	s, err := k.h.MakeStores(k.ctx, n)
	if err != nil {
		t.Fatalf("MakeStores: %v", err)
	}
	return s
}

func (k *kit) store(t *testing.T) appointment.Store { return k.stores(t, 1)[0] }

// T0 is the kit's "now": a Monday morning in March 2026.
var T0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

const cal = calendar.ID("cal-1")

// booking returns an approved booking of tenant on cal at T0+h hours for
// 30 minutes, for citizen fc.
func (k *kit) booking(tenant string, h int, fc string) *appointment.Booking {
	k.n++
	start := T0.Add(time.Duration(h) * time.Hour)
	return &appointment.Booking{
		ID: appointment.ID(fmt.Sprintf("b%05d", k.n)), Tenant: tenant, Calendar: cal, OpeningHour: "oh-1",
		Start: start, End: start.Add(30 * time.Minute), Status: appointment.StatusApproved,
		CitizenID: "u-" + fc, FiscalCode: fc, Name: "Mario Rossi", Created: T0, Updated: T0,
	}
}

// open is a capacity with only a slot queue.
func open(queue int) appointment.Capacity { return appointment.Capacity{Now: T0, Queue: queue} }

func mustBook(t *testing.T, s appointment.Store, b *appointment.Booking, c appointment.Capacity) {
	t.Helper()
	if err := s.Book(context.Background(), b, c, nil); err != nil {
		t.Fatalf("Book %s: %v", b.ID, err)
	}
}

func mustGet(t *testing.T, s appointment.Store, tenant string, id appointment.ID) *appointment.Booking {
	t.Helper()
	b, err := s.Get(context.Background(), tenant, id)
	if err != nil {
		t.Fatalf("Get %s: %v", id, err)
	}
	return b
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got %v, want %v", what, err, target)
	}
}

func testRoundTrip(t *testing.T, k *kit) {
	s := k.store(t)
	b := k.booking("t1", 2, "RSSMRA80A01H501U")
	b.Email, b.Phone, b.Notes, b.VideoLink = "mario@example.org", "+39061234567", "Città, \"note\"\nriga 2 😀", "https://meet.example.org/x"
	b.Motivation, b.PracticeID, b.Reschedules = "m", "p-1", 2
	b.Status, b.DraftExpires = appointment.StatusPending, T0.Add(10*time.Minute).Add(123*time.Microsecond)
	b.CancelTokenHash = appointment.CancelToken("secret").Hash()
	b.CreatedBy, b.Moderators = "op-1", []string{"not stored"}
	mustBook(t, s, b, open(1))
	if b.Version != 1 {
		t.Fatalf("version after Book = %d", b.Version)
	}
	got := mustGet(t, s, "t1", b.ID)
	want := b.Clone()
	want.Moderators = nil
	if err := equal(got, want); err != nil {
		t.Fatal(err)
	}
	got.Notes = "changed"
	if again := mustGet(t, s, "t1", b.ID); again.Notes != b.Notes {
		t.Fatal("a returned booking shares memory with the store")
	}
	// Zero values stay zero.
	z := k.booking("t1", 3, "VRDLGU80A01H501X")
	z.Name = ""
	mustBook(t, s, z, open(1))
	if err := equal(mustGet(t, s, "t1", z.ID), z); err != nil {
		t.Fatal(err)
	}
	// Same ID again.
	dup := k.booking("t1", 4, "VRDLGU80A01H501X")
	dup.ID = b.ID
	var ce *appointment.ConflictError
	if err := s.Book(k.ctx, dup, open(5), nil); !errors.As(err, &ce) || ce.Field != "id" {
		t.Fatalf("duplicate ID: %v", err)
	}
}

// equal compares two bookings field by field, times with Equal.
func equal(got, want *appointment.Booking) error {
	g, w := got.Clone(), want.Clone()
	for _, p := range [][2]*time.Time{{&g.Start, &w.Start}, {&g.End, &w.End}, {&g.DraftExpires, &w.DraftExpires}, {&g.Created, &w.Created}, {&g.Updated, &w.Updated}} {
		if !p[0].Equal(*p[1]) {
			return fmt.Errorf("time %v, want %v", *p[0], *p[1])
		}
		*p[0], *p[1] = time.Time{}, time.Time{}
	}
	if len(g.CancelTokenHash) == 0 && len(w.CancelTokenHash) == 0 {
		g.CancelTokenHash, w.CancelTokenHash = nil, nil
	}
	if len(g.Moderators) == 0 && len(w.Moderators) == 0 {
		g.Moderators, w.Moderators = nil, nil
	}
	if fmt.Sprintf("%#v", *g) != fmt.Sprintf("%#v", *w) {
		return fmt.Errorf("round trip:\n got %#v\nwant %#v", *g, *w)
	}
	return nil
}

func testMissing(t *testing.T, k *kit) {
	s := k.store(t)
	_, err := s.Get(k.ctx, "t1", "nope")
	wantErr(t, "Get missing", err, appointment.ErrNotFound)
	b := k.booking("t1", 1, "RSSMRA80A01H501U")
	b.Version = 1
	wantErr(t, "Update missing", s.Update(k.ctx, b, nil), appointment.ErrNotFound)
	wantErr(t, "Move missing", s.Move(k.ctx, b, open(1), nil), appointment.ErrNotFound)
}

func testVersions(t *testing.T, k *kit) {
	s := k.store(t)
	b := k.booking("t1", 1, "RSSMRA80A01H501U")
	mustBook(t, s, b, open(1))
	stale := b.Clone()
	b.Notes = "first"
	if err := s.Update(k.ctx, b, nil); err != nil || b.Version != 2 {
		t.Fatalf("Update: %v, version %d", err, b.Version)
	}
	stale.Notes = "second"
	var ce *appointment.ConflictError
	if err := s.Update(k.ctx, stale, nil); !errors.As(err, &ce) || ce.Field != "version" {
		t.Fatalf("stale Update: %v", err)
	}
	if err := s.Move(k.ctx, stale, open(5), nil); !errors.Is(err, appointment.ErrConflict) {
		t.Fatalf("stale Move: %v", err)
	}
	if got := mustGet(t, s, "t1", b.ID); got.Notes != "first" || got.Version != 2 {
		t.Fatalf("stored %q v%d", got.Notes, got.Version)
	}
}

func testConcurrentUpdates(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	b := k.booking("t1", 1, "RSSMRA80A01H501U")
	mustBook(t, ss[0], b, open(1))
	ok, refused := conctest.Run(t, 20, appointment.ErrConflict, func(i int) error {
		c := b.Clone()
		c.Notes = fmt.Sprint(i)
		if i%2 == 0 {
			return ss[i%2].Update(k.ctx, c, nil)
		}
		return ss[i%2].Move(k.ctx, c, open(1), nil)
	})
	if ok != 1 || refused != 19 {
		t.Fatalf("%d succeeded, %d refused; want 1 and 19", ok, refused)
	}
	if got := mustGet(t, ss[1], "t1", b.ID); got.Version != 2 {
		t.Fatalf("version %d", got.Version)
	}
}

func testTenants(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.booking("t1", 1, "RSSMRA80A01H501U")
	a.PracticeID = "p-1"
	mustBook(t, s, a, open(1))
	// The other tenant's booking takes no place of t1's slot, day or
	// citizen, nor its pratica.
	b := k.booking("t2", 1, "RSSMRA80A01H501U")
	b.PracticeID = "p-1"
	c := appointment.Capacity{Now: T0, Queue: 1, PerDay: 1, DayStart: T0.Add(-8 * time.Hour), DayEnd: T0.Add(16 * time.Hour),
		PerCitizen: 1, CitizenFrom: T0, NoOverlap: true}
	mustBook(t, s, b, c)
	_, err := s.Get(k.ctx, "t2", a.ID)
	wantErr(t, "Get across tenants", err, appointment.ErrNotFound)
	x := a.Clone()
	x.Tenant = "t2"
	wantErr(t, "Update across tenants", s.Update(k.ctx, x, nil), appointment.ErrNotFound)
	wantErr(t, "Move across tenants", s.Move(k.ctx, x, open(9), nil), appointment.ErrNotFound)
	list, err := s.List(k.ctx, "t2", appointment.Filter{}, appointment.Position{}, 10)
	if err != nil || len(list) != 1 || list[0].ID != b.ID {
		t.Fatalf("List t2: %v %v", list, err)
	}
	held, err := s.HeldPlaces(k.ctx, "t3", cal, T0.Add(-48*time.Hour), T0.Add(48*time.Hour), T0)
	if err != nil || len(held) != 0 {
		t.Fatalf("HeldPlaces of an empty tenant: %v %v", held, err)
	}
	if n, err := s.CountActive(k.ctx, "t3", cal, "oh-1", T0, T0); err != nil || n != 0 {
		t.Fatalf("CountActive t3: %d %v", n, err)
	}
	if n, err := s.DeleteExpiredDrafts(k.ctx, "t3", T0.Add(time.Hour), 100); err != nil || n != 0 {
		t.Fatalf("sweep t3: %d %v", n, err)
	}
	note := appointment.Notification{ID: "n1", Tenant: "t1", Booking: a.ID}
	wantErr(t, "note of another tenant", s.Update(k.ctx, b, []appointment.Notification{note}), appointment.ErrNotFound)
}

// race books n bookings from fresh citizens (or one, if sameCitizen) built
// by mk, over two store instances, and returns how many succeeded.
func race(t *testing.T, k *kit, n int, target error, mk func(i int) (*appointment.Booking, appointment.Capacity)) int {
	t.Helper()
	ss := k.stores(t, 2)
	items := make([]*appointment.Booking, n)
	caps := make([]appointment.Capacity, n)
	for i := range n {
		items[i], caps[i] = mk(i)
	}
	ok, refused := conctest.Run(t, n, target, func(i int) error {
		return ss[i%2].Book(k.ctx, items[i], caps[i], nil)
	})
	if ok+refused != n {
		t.Fatalf("%d ok + %d refused != %d", ok, refused, n)
	}
	list, err := ss[0].List(k.ctx, "t1", appointment.Filter{Calendar: cal}, appointment.Position{}, n+1)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != ok {
		t.Fatalf("%d bookings stored, %d calls succeeded", len(list), ok)
	}
	return ok
}

func testSlotConcurrency(t *testing.T, k *kit) {
	got := race(t, k, 200, appointment.ErrSlotFull, func(i int) (*appointment.Booking, appointment.Capacity) {
		return k.booking("t1", 2, fmt.Sprintf("C%03d", i)), open(3)
	})
	if got != 3 {
		t.Fatalf("%d bookings of a slot with queue 3", got)
	}
}

func testDayConcurrency(t *testing.T, k *kit) {
	day := appointment.Capacity{Now: T0, Queue: 100, PerDay: 5, DayStart: T0.Add(-8 * time.Hour), DayEnd: T0.Add(16 * time.Hour)}
	got := race(t, k, 200, appointment.ErrDayFull, func(i int) (*appointment.Booking, appointment.Capacity) {
		return k.booking("t1", 1+i%8, fmt.Sprintf("C%03d", i)), day
	})
	if got != 5 {
		t.Fatalf("%d bookings on a day limited to 5", got)
	}
}

func testCitizenConcurrency(t *testing.T, k *kit) {
	c := appointment.Capacity{Now: T0, Queue: 100, PerCitizen: 2, CitizenFrom: T0}
	got := race(t, k, 200, appointment.ErrCitizenLimit, func(i int) (*appointment.Booking, appointment.Capacity) {
		return k.booking("t1", 1+i%50, "RSSMRA80A01H501U"), c
	})
	if got != 2 {
		t.Fatalf("%d bookings of one citizen limited to 2", got)
	}
}

func testNoOverlap(t *testing.T, k *kit) {
	s := k.store(t)
	c := appointment.Capacity{Now: T0, Queue: 10, NoOverlap: true}
	mustBook(t, s, k.booking("t1", 1, "RSSMRA80A01H501U"), c)
	wantErr(t, "overlap", s.Book(k.ctx, k.booking("t1", 1, "RSSMRA80A01H501U"), c, nil), appointment.ErrCitizenLimit)
	mustBook(t, s, k.booking("t1", 1, "VRDLGU80A01H501X"), c)
	mustBook(t, s, k.booking("t1", 2, "RSSMRA80A01H501U"), c)
	c.NoOverlap = false
	mustBook(t, s, k.booking("t1", 1, "RSSMRA80A01H501U"), c)
}

func testRefusalOrder(t *testing.T, k *kit) {
	s := k.store(t)
	full := appointment.Capacity{Now: T0, Queue: 1, PerDay: 1, DayStart: T0.Add(-8 * time.Hour), DayEnd: T0.Add(16 * time.Hour), PerCitizen: 1, CitizenFrom: T0}
	first := k.booking("t1", 1, "RSSMRA80A01H501U")
	mustBook(t, s, first, full)
	note := []appointment.Notification{{ID: "n-refused", Tenant: "t1", Booking: "x"}}
	wantErr(t, "slot first", s.Book(k.ctx, k.booking("t1", 1, "RSSMRA80A01H501U"), full, note), appointment.ErrSlotFull)
	wantErr(t, "then day", s.Book(k.ctx, k.booking("t1", 3, "RSSMRA80A01H501U"), full, note), appointment.ErrDayFull)
	full.PerDay = 0
	wantErr(t, "then citizen", s.Book(k.ctx, k.booking("t1", 3, "RSSMRA80A01H501U"), full, note), appointment.ErrCitizenLimit)
	var ce *appointment.CapacityError
	err := s.Book(k.ctx, k.booking("t1", 1, "VRDLGU80A01H501X"), full, note)
	if !errors.As(err, &ce) || ce.Limit != appointment.LimitSlot || !errors.Is(err, appointment.ErrConflict) {
		t.Fatalf("typed refusal: %v", err)
	}
	list, _ := s.List(k.ctx, "t1", appointment.Filter{}, appointment.Position{}, 10)
	notes, _ := s.ClaimNotifications(k.ctx, "t1", T0, time.Minute, 10)
	if len(list) != 1 || len(notes) != 0 {
		t.Fatalf("refusals wrote: %d bookings, %d notes", len(list), len(notes))
	}
}

func testExpiredDrafts(t *testing.T, k *kit) {
	s := k.store(t)
	d := k.booking("t1", 1, "RSSMRA80A01H501U")
	d.Status, d.DraftExpires = appointment.StatusDraft, T0.Add(10*time.Minute)
	mustBook(t, s, d, open(1))
	c := open(1)
	wantErr(t, "a live draft holds its place", s.Book(k.ctx, k.booking("t1", 1, "VRDLGU80A01H501X"), c, nil), appointment.ErrSlotFull)
	c.Now = T0.Add(10 * time.Minute)
	mustBook(t, s, k.booking("t1", 1, "VRDLGU80A01H501X"), c)
	// An expired draft is no active booking of its citizen either.
	cc := appointment.Capacity{Now: c.Now, Queue: 9, PerCitizen: 1, CitizenFrom: T0}
	mustBook(t, s, k.booking("t1", 2, "RSSMRA80A01H501U"), cc)
}

func testFreedPlaces(t *testing.T, k *kit) {
	s := k.store(t)
	for _, st := range []appointment.Status{appointment.StatusRefused, appointment.StatusCancelled} {
		b := k.booking("t1", 1, "RSSMRA80A01H501U")
		mustBook(t, s, b, open(1))
		b.Status = st
		if err := s.Update(k.ctx, b, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []appointment.Status{appointment.StatusMissed, appointment.StatusDone, appointment.StatusPending} {
		b := k.booking("t1", 5, "RSSMRA80A01H501U")
		b.Status = st
		mustBook(t, s, b, open(3))
	}
	mustBook(t, s, k.booking("t1", 1, "VRDLGU80A01H501X"), open(1))
	wantErr(t, "missed, done and pending hold places", s.Book(k.ctx, k.booking("t1", 5, "X"), open(3), nil), appointment.ErrSlotFull)
}

func testMoveExcludesSelf(t *testing.T, k *kit) {
	s := k.store(t)
	b := k.booking("t1", 1, "RSSMRA80A01H501U")
	mustBook(t, s, b, open(1))
	other := k.booking("t1", 2, "VRDLGU80A01H501X")
	mustBook(t, s, other, open(1))
	// Same slot, queue 1, its own place: fits.
	c := appointment.Capacity{Now: T0, Queue: 1, PerDay: 2, DayStart: T0.Add(-8 * time.Hour), DayEnd: T0.Add(16 * time.Hour), PerCitizen: 1, CitizenFrom: T0, NoOverlap: true}
	b.Notes = "confirmed"
	if err := s.Move(k.ctx, b, c, nil); err != nil {
		t.Fatalf("move onto its own place: %v", err)
	}
	// Onto the other's full slot: refused, nothing written.
	x := b.Clone()
	x.Start, x.End = other.Start, other.End
	wantErr(t, "move to a full slot", s.Move(k.ctx, x, c, nil), appointment.ErrSlotFull)
	if got := mustGet(t, s, "t1", b.ID); !got.Start.Equal(b.Start) || got.Version != b.Version {
		t.Fatal("a refused move wrote")
	}
	// To a free slot of the same day: the day limit counts 2 with it, not 3.
	x.Start, x.End = T0.Add(3*time.Hour), T0.Add(3*time.Hour+30*time.Minute)
	if err := s.Move(k.ctx, x, c, nil); err != nil {
		t.Fatalf("move to a free slot: %v", err)
	}
	if got := mustGet(t, s, "t1", b.ID); !got.Start.Equal(x.Start) || got.Version != 3 {
		t.Fatalf("moved booking %v v%d", got.Start, got.Version)
	}
}

func testMoveRace(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	for round := range 10 {
		h := 24 * round
		mover := k.booking("t1", h+1, "RSSMRA80A01H501U")
		mustBook(t, ss[0], mover, open(1))
		last := k.booking("t1", h+3, "AAAAAA80A01H501A")
		mustBook(t, ss[0], last, open(2)) // slot at +3h has queue 2: one place left
		target := mover.Clone()
		target.Start, target.End = last.Start, last.End
		fresh := k.booking("t1", h+3, "BBBBBB80A01H501B")
		ok, refused := conctest.Run(t, 2, appointment.ErrSlotFull, func(i int) error {
			if i == 0 {
				return ss[0].Move(k.ctx, target, open(2), nil)
			}
			return ss[1].Book(k.ctx, fresh, open(2), nil)
		})
		if ok != 1 || refused != 1 {
			t.Fatalf("round %d: %d succeeded, %d refused; want 1 and 1", round, ok, refused)
		}
		held, err := ss[1].HeldPlaces(k.ctx, "t1", cal, last.Start, last.End, T0)
		if err != nil || len(held) != 1 || held[0].Places != 2 {
			t.Fatalf("round %d: held %v %v", round, held, err)
		}
	}
}

func testConfirmRacesSweep(t *testing.T, k *kit) {
	confirmed, swept := 0, 0
	ss := k.stores(t, 2)
	for round := range 20 {
		d := k.booking("t1", 1+round, "RSSMRA80A01H501U")
		d.Status, d.DraftExpires = appointment.StatusDraft, T0.Add(10*time.Minute)
		mustBook(t, ss[0], d, open(1))
		later := T0.Add(10 * time.Minute)
		c := d.Clone()
		c.Status, c.DraftExpires = appointment.StatusPending, time.Time{}
		var n int
		var errConfirm, errSweep error
		done := make(chan struct{})
		go func() {
			defer close(done)
			n, errSweep = ss[1].DeleteExpiredDrafts(k.ctx, "t1", later, 100)
		}()
		errConfirm = ss[0].Move(k.ctx, c, appointment.Capacity{Now: T0.Add(5 * time.Minute), Queue: 1}, nil)
		<-done
		if errSweep != nil {
			t.Fatalf("round %d: sweep: %v", round, errSweep)
		}
		got, errGet := ss[0].Get(k.ctx, "t1", d.ID)
		switch {
		case errConfirm == nil && n == 0 && errGet == nil && got.Status == appointment.StatusPending:
			confirmed++
		case errors.Is(errConfirm, appointment.ErrNotFound) && n == 1 && errors.Is(errGet, appointment.ErrNotFound):
			swept++
		default:
			t.Fatalf("round %d: confirm %v, swept %d, get %v %v", round, errConfirm, n, got, errGet)
		}
	}
	t.Logf("confirm won %d, sweep won %d", confirmed, swept)
}

func testSweepTwice(t *testing.T, k *kit) {
	s := k.store(t)
	for i := range 3 {
		d := k.booking("t1", 1+i, "RSSMRA80A01H501U")
		d.Status, d.DraftExpires = appointment.StatusDraft, T0.Add(time.Duration(i)*time.Minute)
		mustBook(t, s, d, open(5))
	}
	keep := k.booking("t1", 9, "RSSMRA80A01H501U")
	mustBook(t, s, keep, open(5))
	n, err := s.DeleteExpiredDrafts(k.ctx, "t1", T0.Add(time.Minute), 100)
	if err != nil || n != 2 {
		t.Fatalf("first sweep: %d %v", n, err)
	}
	n, err = s.DeleteExpiredDrafts(k.ctx, "t1", T0.Add(time.Minute), 100)
	if err != nil || n != 0 {
		t.Fatalf("second sweep: %d %v", n, err)
	}
	list, _ := s.List(k.ctx, "t1", appointment.Filter{}, appointment.Position{}, 10)
	if len(list) != 2 {
		t.Fatalf("%d bookings left, want the live draft and the approved one", len(list))
	}
}

func testPracticeUnique(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.booking("t1", 1, "RSSMRA80A01H501U")
	a.PracticeID = "p-1"
	mustBook(t, s, a, open(5))
	b := k.booking("t1", 2, "RSSMRA80A01H501U")
	b.PracticeID = "p-1"
	var ce *appointment.ConflictError
	if err := s.Book(k.ctx, b, open(5), nil); !errors.As(err, &ce) || ce.Field != "practice_id" {
		t.Fatalf("second active booking of a pratica: %v", err)
	}
	b.PracticeID = ""
	mustBook(t, s, b, open(5))
	b.PracticeID = "p-1"
	if err := s.Update(k.ctx, b, nil); !errors.As(err, &ce) || ce.Field != "practice_id" {
		t.Fatalf("linking a second active booking: %v", err)
	}
	a.Status = appointment.StatusCancelled
	if err := s.Update(k.ctx, a, nil); err != nil {
		t.Fatal(err)
	}
	b = mustGet(t, s, "t1", b.ID)
	b.PracticeID = "p-1"
	if err := s.Update(k.ctx, b, nil); err != nil {
		t.Fatalf("linking after the other was cancelled: %v", err)
	}
	// Concurrent links: one wins.
	c1, c2 := k.booking("t1", 3, "X1"), k.booking("t1", 4, "X2")
	mustBook(t, s, c1, open(5))
	mustBook(t, s, c2, open(5))
	ok, refused := conctest.Run(t, 2, appointment.ErrConflict, func(i int) error {
		x := []*appointment.Booking{c1, c2}[i].Clone()
		x.PracticeID = "p-2"
		return s.Update(k.ctx, x, nil)
	})
	if ok != 1 || refused != 1 {
		t.Fatalf("concurrent links: %d ok, %d refused", ok, refused)
	}
}

func testHeldPlaces(t *testing.T, k *kit) {
	s := k.store(t)
	for range 3 {
		mustBook(t, s, k.booking("t1", 1, "A"), open(9))
	}
	mustBook(t, s, k.booking("t1", 2, "A"), open(9))
	gone := k.booking("t1", 2, "A")
	gone.Status = appointment.StatusCancelled
	mustBook(t, s, gone, open(9))
	d := k.booking("t1", 3, "A")
	d.Status, d.DraftExpires = appointment.StatusDraft, T0.Add(time.Minute)
	mustBook(t, s, d, open(9))
	mustBook(t, s, k.booking("t1", 40, "A"), open(9))
	held, err := s.HeldPlaces(k.ctx, "t1", cal, T0, T0.Add(24*time.Hour), T0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[time.Time]int{T0.Add(time.Hour): 3, T0.Add(2 * time.Hour): 1, T0.Add(3 * time.Hour): 1}
	got := map[time.Time]int{}
	for _, h := range held {
		got[h.Start.UTC()] += h.Places
		if !h.End.Equal(h.Start.Add(30 * time.Minute)) {
			t.Errorf("held %v", h)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("held %v, want %v", got, want)
	}
	held, _ = s.HeldPlaces(k.ctx, "t1", cal, T0, T0.Add(24*time.Hour), T0.Add(time.Minute))
	if len(held) != 2 {
		t.Fatalf("the expired draft still holds: %v", held)
	}
}

func testCountActive(t *testing.T, k *kit) {
	s := k.store(t)
	mustBook(t, s, k.booking("t1", 1, "A"), open(9))
	mustBook(t, s, k.booking("t1", 5, "A"), open(9))
	other := k.booking("t1", 5, "A")
	other.OpeningHour = "oh-2"
	mustBook(t, s, other, open(9))
	gone := k.booking("t1", 6, "A")
	gone.Status = appointment.StatusRefused
	mustBook(t, s, gone, open(9))
	if n, err := s.CountActive(k.ctx, "t1", cal, "oh-1", T0.Add(2*time.Hour), T0); err != nil || n != 1 {
		t.Fatalf("CountActive = %d, %v; want 1", n, err)
	}
}

func testList(t *testing.T, k *kit) {
	s := k.store(t)
	var all []*appointment.Booking
	for i := range 25 {
		b := k.booking("t1", i%7, []string{"RSSMRA80A01H501U", "VRDLGU80A01H501X"}[i%2])
		if i%3 == 0 {
			b.Status = appointment.StatusPending
		}
		b.Name = []string{"Mario Rossi", "Luigi Verdi"}[i%2]
		b.Notes = fmt.Sprintf("nota %d", i)
		mustBook(t, s, b, open(100))
		all = append(all, b)
	}
	otherCal := k.booking("t1", 1, "RSSMRA80A01H501U")
	otherCal.Calendar = "cal-2"
	mustBook(t, s, otherCal, open(100))
	all = append(all, otherCal)
	count := func(f appointment.Filter) int {
		n := 0
		var after appointment.Position
		var prev *appointment.Booking
		for {
			page, err := s.List(k.ctx, "t1", f, after, 4)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range page {
				if prev != nil && !after.After(b) {
					t.Fatalf("page order broken at %s", b.ID)
				}
				if !f.Matches(b) {
					t.Fatalf("%s does not match %+v", b.ID, f)
				}
				prev = b
				after = appointment.PositionOf(b)
				n++
			}
			if len(page) < 4 {
				return n
			}
		}
	}
	tests := []struct {
		f    appointment.Filter
		want int
	}{
		{appointment.Filter{}, 26},
		{appointment.Filter{Calendar: cal}, 25},
		{appointment.Filter{Calendar: cal, Statuses: []appointment.Status{appointment.StatusPending}}, 9},
		{appointment.Filter{Calendar: cal, FiscalCode: "VRDLGU80A01H501X"}, 12},
		{appointment.Filter{Calendar: cal, Name: "rossi"}, 13},
		{appointment.Filter{Calendar: cal, Text: "NOTA 1"}, 11},
		{appointment.Filter{Calendar: cal, From: T0.Add(2 * time.Hour), To: T0.Add(4 * time.Hour)}, 8},
		{appointment.Filter{OwnerID: "u-VRDLGU80A01H501X"}, 12},
		{appointment.Filter{OwnerFiscalCode: "RSSMRA80A01H501U"}, 14},
	}
	for _, tt := range tests {
		matching := 0
		for _, b := range all {
			if tt.f.Matches(b) {
				matching++
			}
		}
		if matching != tt.want {
			t.Fatalf("kit error: %+v matches %d, table says %d", tt.f, matching, tt.want)
		}
		if got := count(tt.f); got != tt.want {
			t.Errorf("%+v: %d bookings, want %d", tt.f, got, tt.want)
		}
	}
}

func testOutboxWithWrites(t *testing.T, k *kit) {
	s := k.store(t)
	b := k.booking("t1", 1, "A")
	n1 := appointment.Notification{ID: "n1", Tenant: "t1", Kind: appointment.NotifyCreated, Booking: b.ID, Calendar: cal,
		Status: b.Status, Start: b.Start, End: b.End, Recipients: []string{"u-A", "op-1"}, ToCitizenEmail: true, CalendarEmail: "anagrafe@comune.example.it", CreatedAt: T0}
	if err := s.Book(k.ctx, b, open(1), []appointment.Notification{n1}); err != nil {
		t.Fatal(err)
	}
	stale := b.Clone()
	b.Notes = "x"
	n2 := appointment.Notification{ID: "n2", Tenant: "t1", Kind: appointment.NotifyModified, Booking: b.ID, CreatedAt: T0}
	if err := s.Update(k.ctx, b, []appointment.Notification{n2}); err != nil {
		t.Fatal(err)
	}
	n3 := appointment.Notification{ID: "n3", Tenant: "t1", Kind: appointment.NotifyModified, Booking: b.ID, CreatedAt: T0}
	wantErr(t, "stale write", s.Update(k.ctx, stale, []appointment.Notification{n3}), appointment.ErrConflict)
	got, err := s.ClaimNotifications(k.ctx, "t1", T0, time.Minute, 1)
	if err != nil || len(got) != 1 {
		t.Fatalf("claim: %v %v", got, err)
	}
	g := got[0]
	if g.ID != "n1" || g.Kind != n1.Kind || g.Booking != b.ID || g.Calendar != cal || !g.Start.Equal(n1.Start) ||
		fmt.Sprint(g.Recipients) != fmt.Sprint(n1.Recipients) || !g.ToCitizenEmail || g.CalendarEmail != n1.CalendarEmail || !g.CreatedAt.Equal(T0) {
		t.Fatalf("round trip: %+v", g)
	}
	if err := s.AckNotification(k.ctx, "t1", "n1"); err != nil {
		t.Fatal(err)
	}
	got, _ = s.ClaimNotifications(k.ctx, "t1", T0, time.Minute, 10)
	if len(got) != 1 || got[0].ID != "n2" {
		t.Fatalf("after ack: %v (the refused write's note must not be there)", got)
	}
	if err := s.AckNotification(k.ctx, "t1", "unknown"); err != nil {
		t.Fatalf("ack unknown: %v", err)
	}
}
