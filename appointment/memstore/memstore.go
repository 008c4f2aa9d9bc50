package memstore

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/google/btree"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/calendar"
	"github.com/sportello/sportello/internal/outbox"
)

// Store is an in-memory appointment.Store.
type Store struct {
	mu      sync.Mutex
	tenants map[string]*tenant
	outbox  outbox.Memory[appointment.Notification]
}

// tenant holds one tenant's data: bookings by ID; those holding a place
// (neither refused nor cancelled) ordered by (calendar, start, ID) for the
// capacity checks and HeldPlaces; each calendar's bookings in that order
// for listing, sorted when first listed after a change (writes, far more
// frequent than listings, only mark it); the active ones of each citizen
// on each calendar; and each pratica's active booking.
type tenant struct {
	bookings map[appointment.ID]*appointment.Booking
	lists    map[calendar.ID]*calendarList
	holders  *btree.BTreeG[key]
	citizens map[citizenKey][]*appointment.Booking
	// practices maps a pratica to its active booking.
	practices map[string]appointment.ID
	// longest is the longest booking seen per calendar: a booking
	// overlapping [start, end) starts after start-longest.
	longest map[calendar.ID]time.Duration
}

type citizenKey struct {
	cal        calendar.ID
	fiscalCode string
}

// calendarList is one calendar's bookings in (start, ID) order, rebuilt
// when stale.
type calendarList struct {
	keys  []key // b is not set: bookings are looked up by ID
	stale bool
}

// touch marks cal's list stale.
func (t *tenant) touch(cal calendar.ID) {
	if l := t.lists[cal]; l != nil {
		l.stale = true
	} else {
		t.lists[cal] = &calendarList{stale: true}
	}
}

// sorted returns cal's bookings in (start, ID) order.
func (t *tenant) sorted(cal calendar.ID) []key {
	l := t.lists[cal]
	if l == nil {
		return nil
	}
	if l.stale {
		l.keys = l.keys[:0]
		for _, b := range t.bookings {
			if b.Calendar == cal {
				k := keyOf(b)
				k.b = nil
				l.keys = append(l.keys, k)
			}
		}
		slices.SortFunc(l.keys, func(a, b key) int {
			if less(a, b) {
				return -1
			}
			if less(b, a) {
				return 1
			}
			return 0
		})
		l.stale = false
	}
	return l.keys
}

// key places a booking in the (calendar, start, ID) order.
type key struct {
	cal   calendar.ID
	start int64 // Unix nanoseconds
	id    appointment.ID
	b     *appointment.Booking
}

func keyOf(b *appointment.Booking) key {
	return key{cal: b.Calendar, start: nanos(b.Start), id: b.ID, b: b}
}

// nanos is t in Unix nanoseconds, clamped where UnixNano is undefined
// (before 1678, after 2261; the zero time among them).
func nanos(t time.Time) int64 {
	switch y := t.Year(); {
	case y < 1678:
		return math.MinInt64
	case y > 2261:
		return math.MaxInt64
	}
	return t.UnixNano()
}

// less orders keys by (calendar, start, ID).
func less(a, b key) bool {
	if a.cal != b.cal {
		return a.cal < b.cal
	}
	if a.start != b.start {
		return a.start < b.start
	}
	return a.id < b.id
}

// byStart orders bookings by (start, ID), the order of List.
func byStart(a, b *appointment.Booking) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// probe is a key for range scans: calendar cal at start t, before any ID.
func probe(cal calendar.ID, t time.Time) key { return key{cal: cal, start: nanos(t)} }

var _ appointment.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	s := &Store{tenants: map[string]*tenant{}}
	s.outbox.Clone = appointment.Notification.Clone
	return s
}

func (s *Store) tenant(id string) *tenant {
	t := s.tenants[id]
	if t == nil {
		t = &tenant{
			bookings:  map[appointment.ID]*appointment.Booking{},
			lists:     map[calendar.ID]*calendarList{},
			holders:   btree.NewG(16, less),
			citizens:  map[citizenKey][]*appointment.Booking{},
			practices: map[string]appointment.ID{},
			longest:   map[calendar.ID]time.Duration{},
		}
		s.tenants[id] = t
	}
	return t
}

// stored returns a copy of b as kept by the store (no Moderators).
func stored(b *appointment.Booking) *appointment.Booking {
	c := b.Clone()
	c.Moderators = nil
	return c
}

// out returns a copy of a stored booking for a caller.
func out(b *appointment.Booking) *appointment.Booking { return b.Clone() }

func checkNotes(tenant string, notes []appointment.Notification) error {
	if len(notes) == 0 {
		return nil
	}
	seen := map[string]bool{}
	for _, n := range notes {
		if n.Tenant != tenant {
			return appointment.ErrNotFound
		}
		if seen[n.ID] {
			return &appointment.ConflictError{Field: "notification_id"}
		}
		seen[n.ID] = true
	}
	return nil
}

// addNotes appends notes to the outbox; called under s.mu, so they are
// saved with the write that made them.
func (s *Store) addNotes(notes []appointment.Notification) {
	for _, n := range notes {
		s.outbox.Add(n.Tenant, string(n.Booking), n.ID, n)
	}
}

// fits checks c for b against the calendar's other bookings.
func fits(t *tenant, b *appointment.Booking, c appointment.Capacity) error {
	slot := 0
	t.holders.AscendRange(probe(b.Calendar, b.Start.Add(-t.longest[b.Calendar])), probe(b.Calendar, b.End), func(k key) bool {
		if o := k.b; o.ID != b.ID && o.HoldsPlace(c.Now) && o.Overlaps(b.Start, b.End) {
			slot++
		}
		return true
	})
	if slot >= max(c.Queue, 1) {
		return appointment.Full(appointment.LimitSlot)
	}
	if c.PerDay > 0 {
		day := 0
		t.holders.AscendRange(probe(b.Calendar, c.DayStart), probe(b.Calendar, c.DayEnd), func(k key) bool {
			if o := k.b; o.ID != b.ID && o.HoldsPlace(c.Now) {
				day++
			}
			return true
		})
		if day >= c.PerDay {
			return appointment.Full(appointment.LimitDay)
		}
	}
	if c.PerCitizen > 0 || c.NoOverlap {
		n := 0
		for _, o := range t.citizens[citizenKey{b.Calendar, b.FiscalCode}] {
			if o.ID == b.ID || !o.IsActive(c.Now) {
				continue
			}
			if c.NoOverlap && o.Overlaps(b.Start, b.End) {
				return appointment.Full(appointment.LimitCitizen)
			}
			if !o.Start.Before(c.CitizenFrom) && (c.CitizenTo.IsZero() || o.Start.Before(c.CitizenTo)) {
				n++
			}
		}
		if c.PerCitizen > 0 && n >= c.PerCitizen {
			return appointment.Full(appointment.LimitCitizen)
		}
	}
	return nil
}

// practiceTaken reports whether another active booking of b's pratica
// exists.
func practiceTaken(t *tenant, b *appointment.Booking) bool {
	if b.PracticeID == "" || !b.Status.IsActive() {
		return false
	}
	id, ok := t.practices[b.PracticeID]
	return ok && id != b.ID
}

// holds reports whether b may hold a place (the status alone: expiry
// is checked when counting).
func holds(b *appointment.Booking) bool {
	return b.Status != appointment.StatusRefused && b.Status != appointment.StatusCancelled
}

// index adds b to the ordered sets it belongs in.
func (t *tenant) index(b *appointment.Booking) {
	k := keyOf(b)
	t.touch(b.Calendar)
	if holds(b) {
		t.holders.ReplaceOrInsert(k)
	}
	t.indexMaps(b)
}

// reindex replaces old with b (the same ID) in every set, moving the
// ordered entries only when the order changed.
func (t *tenant) reindex(old, b *appointment.Booking) {
	ko, kn := keyOf(old), keyOf(b)
	moved := ko.cal != kn.cal || ko.start != kn.start
	if moved {
		t.touch(old.Calendar)
		t.touch(b.Calendar)
	}
	if holds(old) && (moved || !holds(b)) {
		t.holders.Delete(ko)
	}
	if holds(b) {
		t.holders.ReplaceOrInsert(kn)
	}
	t.unindexMaps(old)
	t.indexMaps(b)
}

// unindex removes b from every set.
func (t *tenant) unindex(b *appointment.Booking) {
	k := keyOf(b)
	t.touch(b.Calendar)
	t.holders.Delete(k)
	t.unindexMaps(b)
}

func (t *tenant) indexMaps(b *appointment.Booking) {
	t.bookings[b.ID] = b
	if d := b.End.Sub(b.Start); d > t.longest[b.Calendar] {
		t.longest[b.Calendar] = d
	}
	if b.Status.IsActive() || b.Status == appointment.StatusDraft {
		ck := citizenKey{b.Calendar, b.FiscalCode}
		t.citizens[ck] = append(t.citizens[ck], b)
	}
	if b.PracticeID != "" && b.Status.IsActive() {
		t.practices[b.PracticeID] = b.ID
	}
}

func (t *tenant) unindexMaps(b *appointment.Booking) {
	delete(t.bookings, b.ID)
	ck := citizenKey{b.Calendar, b.FiscalCode}
	if list := t.citizens[ck]; list != nil {
		list = slices.DeleteFunc(list, func(o *appointment.Booking) bool { return o == b })
		if len(list) == 0 {
			delete(t.citizens, ck)
		} else {
			t.citizens[ck] = list
		}
	}
	if id, ok := t.practices[b.PracticeID]; ok && id == b.ID {
		delete(t.practices, b.PracticeID)
	}
}

// Book implements appointment.BookingStore.
func (s *Store) Book(ctx context.Context, b *appointment.Booking, c appointment.Capacity, notes []appointment.Notification) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkNotes(b.Tenant, notes); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenant(b.Tenant)
	if _, ok := t.bookings[b.ID]; ok {
		return &appointment.ConflictError{Field: "id"}
	}
	if err := fits(t, b, c); err != nil {
		return err
	}
	if practiceTaken(t, b) {
		return &appointment.ConflictError{Field: "practice_id"}
	}
	b.Version = 1
	t.index(stored(b))
	s.addNotes(notes)
	return nil
}

// replace is Move and Update: a version-checked write, with capacity
// checked when c is not nil.
func (s *Store) replace(ctx context.Context, b *appointment.Booking, c *appointment.Capacity, notes []appointment.Notification) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkNotes(b.Tenant, notes); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[b.Tenant]
	if t == nil {
		return appointment.ErrNotFound
	}
	old := t.bookings[b.ID]
	if old == nil {
		return appointment.ErrNotFound
	}
	if old.Version != b.Version {
		return &appointment.ConflictError{Field: "version"}
	}
	if c != nil {
		if err := fits(t, b, *c); err != nil {
			return err
		}
	}
	if practiceTaken(t, b) {
		return &appointment.ConflictError{Field: "practice_id"}
	}
	b.Version++
	nb := stored(b)
	nb.Calendar = old.Calendar // a booking never changes calendar
	t.reindex(old, nb)
	s.addNotes(notes)
	return nil
}

// Move implements appointment.BookingStore.
func (s *Store) Move(ctx context.Context, b *appointment.Booking, c appointment.Capacity, notes []appointment.Notification) error {
	return s.replace(ctx, b, &c, notes)
}

// Update implements appointment.BookingStore.
func (s *Store) Update(ctx context.Context, b *appointment.Booking, notes []appointment.Notification) error {
	return s.replace(ctx, b, nil, notes)
}

// Get implements appointment.BookingStore.
func (s *Store) Get(ctx context.Context, tenant string, id appointment.ID) (*appointment.Booking, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tenants[tenant]; t != nil {
		if b := t.bookings[id]; b != nil {
			return out(b), nil
		}
	}
	return nil, appointment.ErrNotFound
}

// List implements appointment.BookingStore.
func (s *Store) List(ctx context.Context, tenant string, f appointment.Filter, after appointment.Position, limit int) ([]*appointment.Booking, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[tenant]
	if t == nil {
		return nil, nil
	}
	var res []*appointment.Booking
	if f.Calendar != "" {
		from := probe(f.Calendar, after.Start)
		if !f.From.IsZero() && f.From.After(after.Start) {
			from = probe(f.Calendar, f.From)
		}
		keys := t.sorted(f.Calendar)
		i, _ := slices.BinarySearchFunc(keys, from, func(a, b key) int {
			if less(a, b) {
				return -1
			}
			if less(b, a) {
				return 1
			}
			return 0
		})
		for _, k := range keys[i:] {
			b := t.bookings[k.id]
			if !f.To.IsZero() && !b.Start.Before(f.To) {
				break
			}
			if after.After(b) && f.Matches(b) {
				res = append(res, out(b))
				if len(res) == limit {
					break
				}
			}
		}
		return res, nil
	}
	for _, b := range t.bookings {
		if after.After(b) && f.Matches(b) {
			res = append(res, b)
		}
	}
	slices.SortFunc(res, byStart)
	res = res[:min(len(res), limit)]
	for i, b := range res {
		res[i] = out(b)
	}
	return res, nil
}

// HeldPlaces implements appointment.BookingStore.
func (s *Store) HeldPlaces(ctx context.Context, tenant string, cal calendar.ID, from, to, now time.Time) ([]calendar.Held, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[tenant]
	if t == nil {
		return nil, nil
	}
	var held []calendar.Held
	t.holders.AscendRange(probe(cal, from.Add(-t.longest[cal])), probe(cal, to), func(k key) bool {
		b := k.b
		if !b.End.After(from) || !b.HoldsPlace(now) {
			return true
		}
		if n := len(held); n > 0 && held[n-1].Start.Equal(b.Start) && held[n-1].End.Equal(b.End) {
			held[n-1].Places++
			return true
		}
		held = append(held, calendar.Held{Start: b.Start, End: b.End, Places: 1})
		return true
	})
	return held, nil
}

// CountActive implements appointment.BookingStore.
func (s *Store) CountActive(ctx context.Context, tenant string, cal calendar.ID, openingHour string, after, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[tenant]
	if t == nil {
		return 0, nil
	}
	n := 0
	t.holders.AscendGreaterOrEqual(probe(cal, after), func(k key) bool {
		b := k.b
		if b.Calendar != cal {
			return false
		}
		if b.OpeningHour == openingHour && b.IsActive(now) {
			n++
		}
		return true
	})
	return n, nil
}

// DeleteExpiredDrafts implements appointment.BookingStore.
func (s *Store) DeleteExpiredDrafts(ctx context.Context, tenant string, now time.Time, limit int) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[tenant]
	if t == nil {
		return 0, nil
	}
	n := 0
	for _, b := range t.bookings {
		if n == limit {
			break
		}
		if b.Status == appointment.StatusDraft && !now.Before(b.DraftExpires) {
			t.unindex(b)
			n++
		}
	}
	return n, nil
}

// ClaimNotifications implements appointment.Outbox with the shared claim
// rule of internal/outbox.
func (s *Store) ClaimNotifications(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]appointment.Notification, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.outbox.Claim(tenant, now, lease, limit), nil
}

// AckNotification implements appointment.Outbox.
func (s *Store) AckNotification(ctx context.Context, tenant, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.outbox.Ack(tenant, id)
	return nil
}
