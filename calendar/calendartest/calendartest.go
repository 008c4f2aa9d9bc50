package calendartest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
	"github.com/sportello/sportello/internal/conctest"
)

// Harness makes the stores under test.
type Harness interface {
	// MakeStores returns n stores over one fresh, empty data set, standing
	// for n application instances that share a database (for a PostgreSQL
	// adapter: n connection pools on one new database). An in-memory
	// adapter returns the same store n times.
	MakeStores(ctx context.Context, n int) ([]calendar.Store, error)
	// Close releases what the harness holds.
	Close()
}

// Run runs the whole Store kit. newHarness is called once per subtest.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, *kit)
	}{
		{"CalendarRoundTripEveryField", testRoundTrip},
		{"CalendarsAreCopies", testCopies},
		{"CreateConflicts", testCreateConflicts},
		{"UniqueTitlesPerTenant", testUniqueTitles},
		{"ConcurrentCreatesOneTitle", testConcurrentTitles},
		{"UpdateVersionCheck", testUpdateVersion},
		{"DeleteRemovesEverything", testDelete},
		{"ListFilterAndPaging", testList},
		{"OpeningHoursRoundTripAndVersions", testOpeningHours},
		{"ScheduleChangesMoveTheCalendarVersion", testScheduleVersion},
		{"ConcurrentScheduleChangesOneWins", testConcurrentSchedule},
		{"ClosuresByRange", testClosures},
		{"TenantsAreIsolated", testTenants},
		{"BadTextRefusedAlike", testBadText},
		{"DeskOverlapRefusedUnderConcurrency", testDeskOverlap},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			t.Cleanup(h.Close)
			tc.fn(t, &kit{h: h, ctx: context.Background()})
		})
	}
}

type kit struct {
	h   Harness
	ctx context.Context
	n   int
}

func (k *kit) stores(t *testing.T, n int) []calendar.Store {
	t.Helper()
	s, err := k.h.MakeStores(k.ctx, n)
	require.NoError(t, err)
	require.Len(t, s, n)
	return s
}

func (k *kit) store(t *testing.T) calendar.Store { return k.stores(t, 1)[0] }

// at is a fixed instant to the microsecond, as the Desk stores them.
var at = time.Date(2026, 3, 1, 8, 30, 15, 123456000, time.UTC)

// newCalendar returns a calendar of tenant with every field set.
func (k *kit) newCalendar(tenant, title string) *calendar.Calendar {
	k.n++
	return &calendar.Calendar{
		ID: calendar.ID(fmt.Sprintf("cal-%03d", k.n)), Tenant: tenant, Title: title,
		Owner: "op-1", Moderators: []string{"op-2", "op-3"}, Location: "Via Roma 1, Città",
		ContactEmail: "anagrafe@comune.example", Zone: "Europe/Rome", Slots: calendar.SlotsVariable,
		RollingDays: 60, MinNoticeHours: 24, AllowCancelDays: 2, Moderated: true, AllowOverlaps: true,
		DraftsDuration: 15 * time.Minute, Notifications: true, VideoCalls: true,
		ExternalCalendars: []string{"https://agenda.example/cal.ics"},
		Limits:            calendar.Limits{PerDay: 40, PerCitizen: 1, CitizenPeriod: 30 * 24 * time.Hour},
		ItalianHolidays:   true,
		PatronDays: []calendar.YearlyDay{{Month: time.June, Day: 29, Name: "Santi Pietro e Paolo «patroni»"},
			{Month: time.February, Day: 29, Name: "Bisestile"}},
		Created: at, Updated: at,
	}
}

func (k *kit) create(t *testing.T, s calendar.Store, c *calendar.Calendar) *calendar.Calendar {
	t.Helper()
	require.NoError(t, s.CreateCalendar(k.ctx, c))
	return c
}

func newHour(id string, begin, end calendar.ClockTime) *calendar.OpeningHour {
	return &calendar.OpeningHour{ID: id, Name: "Mattina «sportello»", Rule: "FREQ=WEEKLY;BYDAY=MO,WE",
		ValidFrom: calendar.Date{Year: 2026, Month: 1, Day: 1}, ValidTo: calendar.Date{Year: 2026, Month: 12, Day: 31},
		Begin: begin, End: end, MeetingMinutes: 20, IntervalMinutes: 5, Queue: 2, Moderated: true,
		Created: at, Updated: at}
}

func assertConflict(t *testing.T, err error, field string) {
	t.Helper()
	var ce *calendar.ConflictError
	if assert.ErrorAs(t, err, &ce) {
		assert.Equal(t, field, ce.Field)
	}
	assert.ErrorIs(t, err, calendar.ErrConflict)
}

func testRoundTrip(t *testing.T, k *kit) {
	s := k.store(t)
	c := k.create(t, s, k.newCalendar("t1", "Anagrafe — sede centrale 🏛"))
	assert.Equal(t, int64(1), c.Version)
	got, err := s.GetCalendar(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, got)

	// The yearly holidays survive an update, and their removal too.
	got.PatronDays = append(got.PatronDays, calendar.YearlyDay{Month: time.December, Day: 7, Name: "Sant'Ambrogio"})
	require.NoError(t, s.UpdateCalendar(k.ctx, got))
	again, err := s.GetCalendar(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Equal(t, got.PatronDays, again.PatronDays)
	again.ItalianHolidays, again.PatronDays = false, nil
	require.NoError(t, s.UpdateCalendar(k.ctx, again))
	again, err = s.GetCalendar(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.False(t, again.ItalianHolidays)
	assert.Nil(t, again.PatronDays)

	zero := &calendar.Calendar{ID: "cal-zero", Tenant: "t1", Title: "Zero"}
	k.create(t, s, zero)
	got, err = s.GetCalendar(k.ctx, "t1", "cal-zero")
	require.NoError(t, err)
	assert.Equal(t, zero, got)
	assert.Nil(t, got.Moderators)
	assert.Nil(t, got.ExternalCalendars)
	assert.Nil(t, got.PatronDays)
	assert.False(t, got.ItalianHolidays)

	_, err = s.GetCalendar(k.ctx, "t1", "missing")
	assert.ErrorIs(t, err, calendar.ErrNotFound)
}

func testCopies(t *testing.T, k *kit) {
	s := k.store(t)
	c := k.create(t, s, k.newCalendar("t1", "Copie"))
	c.Moderators[0] = "changed"
	got, err := s.GetCalendar(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Equal(t, "op-2", got.Moderators[0])
	got.ExternalCalendars[0] = "changed"
	again, err := s.GetCalendar(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Equal(t, "https://agenda.example/cal.ics", again.ExternalCalendars[0])
	again.PatronDays[0].Name = "changed"
	third, err := s.GetCalendar(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Equal(t, "Santi Pietro e Paolo «patroni»", third.PatronDays[0].Name)
}

func testCreateConflicts(t *testing.T, k *kit) {
	s := k.store(t)
	c := k.create(t, s, k.newCalendar("t1", "Uno"))
	dup := k.newCalendar("t1", "Due")
	dup.ID = c.ID
	assertConflict(t, s.CreateCalendar(k.ctx, dup), "id")
}

func testUniqueTitles(t *testing.T, k *kit) {
	s := k.store(t)
	k.create(t, s, k.newCalendar("t1", "Ufficio Tributi"))
	assertConflict(t, s.CreateCalendar(k.ctx, k.newCalendar("t1", "  ufficio   TRIBUTI ")), "title")
	k.create(t, s, k.newCalendar("t2", "Ufficio Tributi")) // another tenant
	other := k.create(t, s, k.newCalendar("t1", "Ufficio Anagrafe"))
	other.Title = "UFFICIO TRIBUTI"
	assertConflict(t, s.UpdateCalendar(k.ctx, other), "title")
	// The old title is free again after a rename.
	got, err := s.GetCalendar(k.ctx, "t1", other.ID)
	require.NoError(t, err)
	got.Title = "Ufficio Anagrafe nuovo"
	require.NoError(t, s.UpdateCalendar(k.ctx, got))
	k.create(t, s, k.newCalendar("t1", "Ufficio Anagrafe"))
	// Keeping one's own title is no conflict.
	got.Location = "Altrove"
	require.NoError(t, s.UpdateCalendar(k.ctx, got))
}

func testConcurrentTitles(t *testing.T, k *kit) {
	stores := k.stores(t, 2)
	cals := make([]*calendar.Calendar, 50)
	for i := range cals {
		cals[i] = k.newCalendar("t1", "Sportello unico")
	}
	ok, refused := conctest.Run(t, 50, calendar.ErrConflict, func(i int) error {
		return stores[i%2].CreateCalendar(k.ctx, cals[i])
	})
	assert.Equal(t, 1, ok)
	assert.Equal(t, 49, refused)
	list, err := stores[0].ListCalendars(k.ctx, "t1", calendar.CalendarFilter{All: true}, "", 100)
	require.NoError(t, err)
	assert.Len(t, list, 1)
}

func testUpdateVersion(t *testing.T, k *kit) {
	s := k.store(t)
	c := k.create(t, s, k.newCalendar("t1", "Versioni"))
	a, err := s.GetCalendar(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	b, err := s.GetCalendar(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	a.Location = "A"
	a.Updated = at.Add(time.Hour)
	require.NoError(t, s.UpdateCalendar(k.ctx, a))
	assert.Equal(t, int64(2), a.Version)
	b.Location = "B"
	assertConflict(t, s.UpdateCalendar(k.ctx, b), "version")
	got, err := s.GetCalendar(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Equal(t, a, got)
	assertConflict(t, s.DeleteCalendar(k.ctx, "t1", c.ID, 1), "version")
	missing := k.newCalendar("t1", "Mai creato")
	missing.Version = 1
	assert.ErrorIs(t, s.UpdateCalendar(k.ctx, missing), calendar.ErrNotFound)

	// Concurrent updates from one read: exactly one wins.
	stores := k.stores(t, 2)
	c2 := k.create(t, stores[0], k.newCalendar("t1", "Concorrenza"))
	ok, refused := conctest.Run(t, 20, calendar.ErrConflict, func(i int) error {
		u := c2.Clone()
		u.Location = fmt.Sprintf("loc %d", i)
		return stores[i%2].UpdateCalendar(k.ctx, u)
	})
	assert.Equal(t, 1, ok)
	assert.Equal(t, 19, refused)
}

func testDelete(t *testing.T, k *kit) {
	s := k.store(t)
	c := k.create(t, s, k.newCalendar("t1", "Da cancellare"))
	require.NoError(t, s.SaveOpeningHour(k.ctx, c, newHour("h1", 540, 600)))
	require.NoError(t, s.ChangeClosures(k.ctx, c, []calendar.Closure{{ID: "x1", From: at, To: at.Add(time.Hour)}}, nil))
	require.NoError(t, s.DeleteCalendar(k.ctx, "t1", c.ID, c.Version))
	_, err := s.GetCalendar(k.ctx, "t1", c.ID)
	assert.ErrorIs(t, err, calendar.ErrNotFound)
	_, err = s.OpeningHours(k.ctx, "t1", c.ID)
	assert.ErrorIs(t, err, calendar.ErrNotFound)
	_, err = s.Closures(k.ctx, "t1", c.ID, time.Time{}, time.Time{})
	assert.ErrorIs(t, err, calendar.ErrNotFound)
	assert.ErrorIs(t, s.DeleteCalendar(k.ctx, "t1", c.ID, c.Version), calendar.ErrNotFound)
	// The title is free again, and so is the ID with its hours.
	again := k.newCalendar("t1", "Da cancellare")
	again.ID = c.ID
	k.create(t, s, again)
	hours, err := s.OpeningHours(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Empty(t, hours)
}

func testList(t *testing.T, k *kit) {
	s := k.store(t)
	var ids []calendar.ID
	for i := range 7 {
		c := k.newCalendar("t1", fmt.Sprintf("Lista %d", i))
		c.Owner, c.Moderators = "op-x", nil
		if i%3 == 0 {
			c.Owner = "op-member"
		}
		if i == 4 {
			c.Moderators = []string{"op-member"}
		}
		k.create(t, s, c)
		ids = append(ids, c.ID)
	}
	k.create(t, s, k.newCalendar("t2", "Altro ente"))
	var got []calendar.ID
	after := calendar.ID("")
	for {
		page, err := s.ListCalendars(k.ctx, "t1", calendar.CalendarFilter{All: true}, after, 3)
		require.NoError(t, err)
		for _, c := range page {
			got = append(got, c.ID)
		}
		if len(page) < 3 {
			break
		}
		after = page[len(page)-1].ID
	}
	assert.Equal(t, ids, got)
	page, err := s.ListCalendars(k.ctx, "t1", calendar.CalendarFilter{Member: "op-member", IDs: []calendar.ID{ids[5]}}, "", 100)
	require.NoError(t, err)
	got = got[:0]
	for _, c := range page {
		got = append(got, c.ID)
	}
	assert.Equal(t, []calendar.ID{ids[0], ids[3], ids[4], ids[5], ids[6]}, got)
	page, err = s.ListCalendars(k.ctx, "t1", calendar.CalendarFilter{}, "", 100)
	require.NoError(t, err)
	assert.Empty(t, page)
}

func testOpeningHours(t *testing.T, k *kit) {
	s := k.store(t)
	c := k.create(t, s, k.newCalendar("t1", "Orari"))
	h2 := newHour("h2", 600, 720)
	h1 := newHour("h1", 540, 600)
	h1.ValidTo = calendar.Date{}
	require.NoError(t, s.SaveOpeningHour(k.ctx, c, h2))
	require.NoError(t, s.SaveOpeningHour(k.ctx, c, h1))
	assert.Equal(t, int64(1), h1.Version)
	hours, err := s.OpeningHours(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	require.Len(t, hours, 2)
	h1.Calendar, h1.Tenant, h2.Calendar, h2.Tenant = c.ID, "t1", c.ID, "t1"
	assert.Equal(t, []*calendar.OpeningHour{h1, h2}, hours)

	dup := newHour("h1", 0, 60)
	assertConflict(t, s.SaveOpeningHour(k.ctx, c, dup), "id")

	stale := hours[0].Clone()
	upd := hours[0].Clone()
	upd.Queue = 9
	upd.Updated = at.Add(time.Minute)
	require.NoError(t, s.SaveOpeningHour(k.ctx, c, upd))
	assert.Equal(t, int64(2), upd.Version)
	stale.Queue = 7
	assertConflict(t, s.SaveOpeningHour(k.ctx, c, stale), "version")
	assertConflict(t, s.DeleteOpeningHour(k.ctx, c, "h1", 1), "version")
	ghost := newHour("ghost", 0, 60)
	ghost.Version = 1
	assert.ErrorIs(t, s.SaveOpeningHour(k.ctx, c, ghost), calendar.ErrNotFound)
	assert.ErrorIs(t, s.DeleteOpeningHour(k.ctx, c, "ghost", 1), calendar.ErrNotFound)
	require.NoError(t, s.DeleteOpeningHour(k.ctx, c, "h1", 2))
	hours, err = s.OpeningHours(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	require.Len(t, hours, 1)
	assert.Equal(t, "h2", hours[0].ID)
}

func testScheduleVersion(t *testing.T, k *kit) {
	s := k.store(t)
	c := k.create(t, s, k.newCalendar("t1", "Versione del calendario"))
	read := c.Clone()
	c.Updated = at.Add(time.Hour)
	require.NoError(t, s.SaveOpeningHour(k.ctx, c, newHour("h1", 540, 600)))
	assert.Equal(t, int64(2), c.Version)
	got, err := s.GetCalendar(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, at.Add(time.Hour), got.Updated)
	assert.Equal(t, c.Title, got.Title)

	// Every schedule change with the version read before is refused.
	assertConflict(t, s.SaveOpeningHour(k.ctx, read.Clone(), newHour("h2", 600, 660)), "calendar")
	assertConflict(t, s.ChangeClosures(k.ctx, read.Clone(), []calendar.Closure{{ID: "x", From: at, To: at.Add(time.Hour)}}, nil), "calendar")
	assertConflict(t, s.DeleteOpeningHour(k.ctx, read.Clone(), "h1", 1), "calendar")
	assertConflict(t, s.ChangeClosures(k.ctx, read.Clone(), nil, []string{"x"}), "calendar")
	assertConflict(t, s.UpdateCalendar(k.ctx, read.Clone()), "version")
	// Nothing of it was saved.
	hours, err := s.OpeningHours(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Len(t, hours, 1)
	cl, err := s.Closures(k.ctx, "t1", c.ID, time.Time{}, time.Time{})
	require.NoError(t, err)
	assert.Empty(t, cl)

	require.NoError(t, s.ChangeClosures(k.ctx, c, []calendar.Closure{{ID: "x", From: at, To: at.Add(time.Hour)}}, nil))
	require.NoError(t, s.ChangeClosures(k.ctx, c, nil, []string{"x"}))
	assert.ErrorIs(t, s.ChangeClosures(k.ctx, c, nil, []string{"x"}), calendar.ErrNotFound)
	require.NoError(t, s.DeleteOpeningHour(k.ctx, c, "h1", 1))
	assert.Equal(t, int64(5), c.Version)
	missing := k.newCalendar("t1", "Inesistente")
	missing.Version = 1
	assert.ErrorIs(t, s.SaveOpeningHour(k.ctx, missing, newHour("h9", 0, 60)), calendar.ErrNotFound)
}

func testConcurrentSchedule(t *testing.T, k *kit) {
	stores := k.stores(t, 2)
	c := k.create(t, stores[0], k.newCalendar("t1", "Concorrenza orari"))
	ok, refused := conctest.Run(t, 20, calendar.ErrConflict, func(i int) error {
		h := newHour(fmt.Sprintf("h%02d", i), 540, 600)
		return stores[i%2].SaveOpeningHour(k.ctx, c.Clone(), h)
	})
	assert.Equal(t, 1, ok)
	assert.Equal(t, 19, refused)
	hours, err := stores[1].OpeningHours(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Len(t, hours, 1)
}

func testClosures(t *testing.T, k *kit) {
	s := k.store(t)
	c := k.create(t, s, k.newCalendar("t1", "Chiusure"))
	day := time.Date(2026, 6, 1, 22, 0, 0, 0, time.UTC)
	all := []calendar.Closure{
		{ID: "c3", From: day.Add(48 * time.Hour), To: day.Add(72 * time.Hour), Reason: "Festa"},
		{ID: "c1", From: day, To: day.Add(11 * time.Hour), Reason: "Notte — lavori"},
		{ID: "c2", From: day, To: day.Add(time.Hour)},
	}
	require.NoError(t, s.ChangeClosures(k.ctx, c, all, nil))
	got, err := s.Closures(k.ctx, "t1", c.ID, time.Time{}, time.Time{})
	require.NoError(t, err)
	ids := func(cs []calendar.Closure) []string {
		var out []string
		for _, x := range cs {
			out = append(out, x.ID)
		}
		return out
	}
	assert.Equal(t, []string{"c1", "c2", "c3"}, ids(got))
	assert.Equal(t, calendar.Closure{ID: "c1", Calendar: c.ID, Tenant: "t1", From: day, To: day.Add(11 * time.Hour), Reason: "Notte — lavori"}, got[0])
	// [from, to) overlaps: touching ends do not.
	got, err = s.Closures(k.ctx, "t1", c.ID, day.Add(time.Hour), day.Add(48*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, []string{"c1"}, ids(got))
	got, err = s.Closures(k.ctx, "t1", c.ID, day.Add(30*time.Hour), time.Time{})
	require.NoError(t, err)
	assert.Equal(t, []string{"c3"}, ids(got))
	assertConflict(t, s.ChangeClosures(k.ctx, c, []calendar.Closure{{ID: "c9", From: day, To: day.Add(time.Hour)}, {ID: "c1", From: day, To: day.Add(time.Hour)}}, nil), "id")
	got, err = s.Closures(k.ctx, "t1", c.ID, time.Time{}, time.Time{})
	require.NoError(t, err)
	assert.Len(t, got, 3, "a refused batch saves nothing")
	// Remove and add in one change; a missing one to remove refuses it all.
	require.NoError(t, s.ChangeClosures(k.ctx, c, []calendar.Closure{{ID: "c4", From: day, To: day.Add(2 * time.Hour)}}, []string{"c1", "c3"}))
	got, err = s.Closures(k.ctx, "t1", c.ID, time.Time{}, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, []string{"c2", "c4"}, ids(got))
	assert.ErrorIs(t, s.ChangeClosures(k.ctx, c, []calendar.Closure{{ID: "c5", From: day, To: day.Add(time.Hour)}}, []string{"c2", "c1"}), calendar.ErrNotFound)
	got, err = s.Closures(k.ctx, "t1", c.ID, time.Time{}, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, []string{"c2", "c4"}, ids(got))
}

func testTenants(t *testing.T, k *kit) {
	s := k.store(t)
	c := k.create(t, s, k.newCalendar("t1", "Riservato"))
	require.NoError(t, s.SaveOpeningHour(k.ctx, c, newHour("h1", 540, 600)))
	require.NoError(t, s.ChangeClosures(k.ctx, c, []calendar.Closure{{ID: "x1", From: at, To: at.Add(time.Hour)}}, nil))
	_, err := s.GetCalendar(k.ctx, "t2", c.ID)
	assert.ErrorIs(t, err, calendar.ErrNotFound)
	_, err = s.OpeningHours(k.ctx, "t2", c.ID)
	assert.ErrorIs(t, err, calendar.ErrNotFound)
	_, err = s.Closures(k.ctx, "t2", c.ID, time.Time{}, time.Time{})
	assert.ErrorIs(t, err, calendar.ErrNotFound)
	list, err := s.ListCalendars(k.ctx, "t2", calendar.CalendarFilter{All: true, IDs: []calendar.ID{c.ID}, Member: "op-1"}, "", 10)
	require.NoError(t, err)
	assert.Empty(t, list)
	foreign := c.Clone()
	foreign.Tenant = "t2"
	foreign.Location = "stolen"
	assert.ErrorIs(t, s.UpdateCalendar(k.ctx, foreign), calendar.ErrNotFound)
	assert.ErrorIs(t, s.SaveOpeningHour(k.ctx, foreign.Clone(), newHour("h2", 0, 60)), calendar.ErrNotFound)
	assert.ErrorIs(t, s.ChangeClosures(k.ctx, foreign.Clone(), []calendar.Closure{{ID: "x2", From: at, To: at.Add(time.Hour)}}, nil), calendar.ErrNotFound)
	assert.ErrorIs(t, s.ChangeClosures(k.ctx, foreign.Clone(), nil, []string{"x1"}), calendar.ErrNotFound)
	assert.ErrorIs(t, s.DeleteOpeningHour(k.ctx, foreign.Clone(), "h1", 1), calendar.ErrNotFound)
	assert.ErrorIs(t, s.DeleteCalendar(k.ctx, "t2", c.ID, c.Version), calendar.ErrNotFound)
	got, err := s.GetCalendar(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, got)
	hours, err := s.OpeningHours(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Len(t, hours, 1)
	// The same ID may exist in another tenant.
	same := k.newCalendar("t2", "Riservato")
	same.ID = c.ID
	k.create(t, s, same)
}

// admin is an administrator of tenant t1.
var admin = auth.Principal{ID: "op-admin", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}

func (k *kit) desk(t *testing.T, s calendar.Store) *calendar.Desk {
	t.Helper()
	// A clock with nanoseconds: the Desk stores microseconds, so what it
	// returns is what every store reads back.
	d, err := calendar.New(calendar.Config{Store: s, Now: func() time.Time { return at.Add(789 * time.Nanosecond) }})
	require.NoError(t, err)
	return d
}

func testBadText(t *testing.T, k *kit) {
	s := k.store(t)
	d := k.desk(t, s)
	for _, bad := range []string{"nul\x00byte", "bell\a", "line\nbreak", "\xff\xfe", string(make([]rune, 201))} {
		_, err := d.CreateCalendar(k.ctx, admin, calendar.NewCalendar{Title: bad, Location: "Via Roma 1"})
		assert.ErrorIs(t, err, calendar.ErrValidation, "%q", bad)
	}
	list, err := s.ListCalendars(k.ctx, "t1", calendar.CalendarFilter{All: true}, "", 10)
	require.NoError(t, err)
	assert.Empty(t, list, "nothing saved")
	c, err := d.CreateCalendar(k.ctx, admin, calendar.NewCalendar{Title: "Città di Forlì — 𝔘𝔣𝔣𝔦𝔠𝔦𝔬", Location: "Piazza Saffi, 8"})
	require.NoError(t, err)
	_, err = d.AddOpeningHour(k.ctx, admin, c.ID, calendar.NewOpeningHour{Name: "tab\there", Days: []int{1},
		ValidFrom: calendar.Date{Year: 2026, Month: 1, Day: 1}, Begin: 540, End: 600, Queue: 1})
	assert.ErrorIs(t, err, calendar.ErrValidation)
	_, err = d.AddClosure(k.ctx, admin, c.ID, calendar.NewClosure{FirstDay: calendar.Date{Year: 2026, Month: 8, Day: 14}, Reason: "ferie\x00"})
	assert.ErrorIs(t, err, calendar.ErrValidation)
	got, err := s.GetCalendar(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, got)
	assert.Equal(t, int64(1), got.Version, "nothing saved")
	// IDs that break the text rule name nothing, in every store alike.
	for _, id := range []calendar.ID{"bad\x00id", "\xff", calendar.ID(make([]byte, 300))} {
		_, err := d.Calendar(k.ctx, admin, id)
		assert.ErrorIs(t, err, calendar.ErrNotFound)
		_, err = d.Schedule(k.ctx, "t1", id, time.Time{}, time.Time{})
		assert.ErrorIs(t, err, calendar.ErrNotFound)
	}
	assert.ErrorIs(t, d.DeleteClosure(k.ctx, admin, c.ID, "x\x00"), calendar.ErrNotFound)
	assert.ErrorIs(t, d.DeleteOpeningHour(k.ctx, admin, c.ID, "x\x00", 1), calendar.ErrNotFound)
	h, err := d.AddOpeningHour(k.ctx, admin, c.ID, calendar.NewOpeningHour{Name: "Mattina", Days: []int{1},
		ValidFrom: calendar.Date{Year: 2026, Month: 1, Day: 1}, Begin: 540, End: 600, Queue: 1})
	require.NoError(t, err)
	hours, err := d.OpeningHours(k.ctx, admin, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []*calendar.OpeningHour{h}, hours, "instants to the microsecond")
}

func testDeskOverlap(t *testing.T, k *kit) {
	stores := k.stores(t, 2)
	desks := []*calendar.Desk{k.desk(t, stores[0]), k.desk(t, stores[1])}
	c, err := desks[0].CreateCalendar(k.ctx, admin, calendar.NewCalendar{Title: "Sovrapposizioni", Location: "Via Roma 1"})
	require.NoError(t, err)
	// Ten overlapping opening hours at once: one is saved, the others are
	// refused as overlapping (or, after the retries, as a calendar
	// conflict).
	ok, refused := conctest.Run(t, 10, calendar.ErrConflict, func(i int) error {
		_, err := desks[i%2].AddOpeningHour(k.ctx, admin, c.ID, calendar.NewOpeningHour{Name: fmt.Sprintf("Orario %d", i),
			Days: []int{1, 2, 3}, ValidFrom: calendar.Date{Year: 2026, Month: 1, Day: 1},
			Begin: calendar.Clock(9, i), End: calendar.Clock(12, 0), Queue: 1})
		return err
	})
	assert.Equal(t, 1, ok)
	assert.Equal(t, 9, refused)
	hours, err := stores[0].OpeningHours(k.ctx, "t1", c.ID)
	require.NoError(t, err)
	assert.Len(t, hours, 1)
}
