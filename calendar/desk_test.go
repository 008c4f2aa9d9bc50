package calendar_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
	"github.com/sportello/sportello/calendar/memstore"
)

var (
	admin   = auth.Principal{ID: "op-admin", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}
	citizen = auth.Principal{ID: "cit-1", Tenant: "t1", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}}
)

// counter is a BookingCounter with a fixed answer.
type counter struct {
	n   int
	err error
}

func (c counter) FutureActiveBookings(context.Context, string, calendar.ID, string, time.Time) (int, error) {
	return c.n, c.err
}

type env struct {
	ctx   context.Context
	desk  *calendar.Desk
	store *memstore.Store
	logs  *bytes.Buffer
	now   time.Time
}

func newEnv(t *testing.T, bookings calendar.BookingCounter) *env {
	t.Helper()
	e := &env{ctx: context.Background(), store: memstore.New(), logs: &bytes.Buffer{}, now: local(2026, 3, 1, 9, 0).Add(123456789)}
	log := zerolog.New(e.logs)
	d, err := calendar.New(calendar.Config{Store: e.store, Bookings: bookings, Now: func() time.Time { return e.now }, Logger: &log})
	require.NoError(t, err)
	e.desk = d
	return e
}

func (e *env) calendar(t *testing.T, title string) *calendar.Calendar {
	t.Helper()
	c, err := e.desk.CreateCalendar(e.ctx, admin, calendar.NewCalendar{Title: title, Location: "Piazza del Comune 1", RollingDays: 60})
	require.NoError(t, err)
	return c
}

func weekdays(days ...int) calendar.NewOpeningHour {
	return calendar.NewOpeningHour{Name: "Mattina", Days: days, ValidFrom: date(2026, 1, 1),
		Begin: calendar.Clock(8, 30), End: calendar.Clock(12, 30), Queue: 2}
}

func TestNewRequiresStore(t *testing.T) {
	_, err := calendar.New(calendar.Config{})
	assert.Error(t, err)
}

// TestCreateCalendarDefaults: the documented defaults, the creator as
// owner, times to the microsecond, a log line with calendar_id.
func TestCreateCalendarDefaults(t *testing.T) {
	e := newEnv(t, nil)
	c, err := e.desk.CreateCalendar(e.ctx, admin, calendar.NewCalendar{Title: "  Anagrafe ", Location: "Via Roma 1"})
	require.NoError(t, err)
	assert.Equal(t, "Anagrafe", c.Title)
	assert.Equal(t, "Europe/Rome", c.Zone)
	assert.Equal(t, 30, c.RollingDays)
	assert.Equal(t, 3, c.AllowCancelDays)
	assert.Equal(t, 600*time.Second, c.DraftsDuration)
	assert.True(t, c.Notifications)
	assert.Equal(t, "op-admin", c.Owner)
	assert.Equal(t, int64(1), c.Version)
	assert.Equal(t, e.now.UTC().Truncate(time.Microsecond), c.Created)
	assert.Contains(t, e.logs.String(), `"calendar_id":"`+string(c.ID)+`"`)
	got, err := e.desk.Calendar(e.ctx, admin, c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, got)

	off, zero := false, 0
	c2, err := e.desk.CreateCalendar(e.ctx, admin, calendar.NewCalendar{Title: "Tributi", Location: "Via Roma 2",
		Notifications: &off, AllowCancelDays: &zero, Owner: "op-9", Moderators: []string{"op-2", "op-1", "op-2"}})
	require.NoError(t, err)
	assert.False(t, c2.Notifications)
	assert.Equal(t, 0, c2.AllowCancelDays)
	assert.Equal(t, "op-9", c2.Owner)
	assert.Equal(t, []string{"op-1", "op-2"}, c2.Moderators)

	_, err = e.desk.CreateCalendar(e.ctx, admin, calendar.NewCalendar{Title: "ANAGRAFE", Location: "Altrove"})
	var ce *calendar.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "title", ce.Field)
}

// TestCreateCalendarListsEveryInvalidField: one *ValidationError with
// every bad field; nothing saved.
func TestCreateCalendarListsEveryInvalidField(t *testing.T) {
	e := newEnv(t, nil)
	_, err := e.desk.CreateCalendar(e.ctx, admin, calendar.NewCalendar{
		ContactEmail: "not-an-email", Zone: "Mars/Base", RollingDays: 200, MinNoticeHours: 5,
		DraftsDuration: 10 * time.Second, ExternalCalendars: []string{"ftp://x.example/a.ics"},
		Limits: calendar.Limits{PerDay: -1}, Slots: 7,
	})
	var ve *calendar.ValidationError
	require.ErrorAs(t, err, &ve)
	for _, f := range []struct{ field, rule string }{
		{"title", "required"}, {"location", "required"}, {"contact_email", "email"}, {"zone", "zone"},
		{"rolling_days", "lte"}, {"min_notice_hours", "oneof"}, {"drafts_duration", "min"},
		{"external_calendars[0]", "scheme"}, {"limits.per_day", "gte"}, {"slots", "lte"},
	} {
		assert.True(t, ve.Has(f.field, f.rule), "%s %s in %v", f.field, f.rule, err)
	}
	_, err = e.desk.CreateCalendar(e.ctx, admin, calendar.NewCalendar{Title: "T", Location: "L", RollingDays: 2, MinNoticeHours: 48})
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("min_notice_hours", "notice"))
	list, err := e.store.ListCalendars(e.ctx, "t1", calendar.CalendarFilter{All: true}, "", 10)
	require.NoError(t, err)
	assert.Empty(t, list)
}

// TestOpeningHoursOverlapRefused: an opening hour that shares a date and
// a time with another is refused; different days, touching times or
// disjoint validity are fine.
func TestOpeningHoursOverlapRefused(t *testing.T) {
	e := newEnv(t, nil)
	c := e.calendar(t, "Anagrafe")
	h, err := e.desk.AddOpeningHour(e.ctx, admin, c.ID, weekdays(1, 2, 3, 4, 5))
	require.NoError(t, err)
	assert.Equal(t, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", h.Rule)
	assert.Equal(t, 30, h.MeetingMinutes)

	tests := []struct {
		name string
		in   calendar.NewOpeningHour
		ok   bool
	}{
		{"same days, overlapping time", func() calendar.NewOpeningHour {
			n := weekdays(3)
			n.Begin = calendar.Clock(12, 0)
			n.End = calendar.Clock(13, 0)
			return n
		}(), false},
		{"first Monday of the month", calendar.NewOpeningHour{Name: "x", Rule: "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", ValidFrom: date(2026, 1, 1), Begin: calendar.Clock(9, 0), End: calendar.Clock(10, 0), Queue: 1}, false},
		{"touching at the end", func() calendar.NewOpeningHour {
			n := weekdays(3)
			n.Begin = calendar.Clock(12, 30)
			n.End = calendar.Clock(13, 0)
			return n
		}(), true},
		{"saturday", weekdays(6), true},
		{"validity before", func() calendar.NewOpeningHour {
			n := weekdays(1)
			n.ValidFrom = date(2025, 1, 1)
			n.ValidTo = date(2025, 12, 31)
			return n
		}(), true},
	}
	for _, tt := range tests {
		_, err := e.desk.AddOpeningHour(e.ctx, admin, c.ID, tt.in)
		if tt.ok {
			assert.NoError(t, err, tt.name)
			continue
		}
		var ce *calendar.ConflictError
		if assert.ErrorAs(t, err, &ce, tt.name) {
			assert.Equal(t, "opening_hours", ce.Field)
		}
	}
	_, err = e.desk.AddOpeningHour(e.ctx, admin, c.ID, calendar.NewOpeningHour{Name: "x", Days: []int{1}, Rule: "FREQ=DAILY"})
	var ve *calendar.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("rule", "exclusive"))
	assert.True(t, ve.Has("valid_from", "required"))
	assert.True(t, ve.Has("queue", "gte"))
}

// TestMeetingMinutesLockedByBookings: meeting and interval minutes may
// not change while future active bookings use the opening hour; other
// fields may.
func TestMeetingMinutesLockedByBookings(t *testing.T) {
	for _, tt := range []struct {
		name    string
		counter calendar.BookingCounter
		change  func(*calendar.NewOpeningHour)
		want    error
	}{
		{"no counter", nil, func(n *calendar.NewOpeningHour) { n.MeetingMinutes = 20 }, nil},
		{"no bookings", counter{}, func(n *calendar.NewOpeningHour) { n.MeetingMinutes = 20 }, nil},
		{"meeting with bookings", counter{n: 2}, func(n *calendar.NewOpeningHour) { n.MeetingMinutes = 20 }, calendar.ErrConflict},
		{"interval with bookings", counter{n: 1}, func(n *calendar.NewOpeningHour) { n.IntervalMinutes = 5 }, calendar.ErrConflict},
		{"queue with bookings", counter{n: 1}, func(n *calendar.NewOpeningHour) { n.Queue = 5 }, nil},
		{"counter fails", counter{err: errors.New("db down with secret@example.org")}, func(n *calendar.NewOpeningHour) { n.MeetingMinutes = 20 }, calendar.ErrUnavailable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.counter)
			c := e.calendar(t, "Anagrafe")
			in := weekdays(1, 2)
			h, err := e.desk.AddOpeningHour(e.ctx, admin, c.ID, in)
			require.NoError(t, err)
			tt.change(&in)
			_, err = e.desk.UpdateOpeningHour(e.ctx, admin, c.ID, h.ID, h.Version, in)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
			assert.NotContains(t, err.Error(), "secret")
		})
	}
}

// TestUpdateOpeningHourVersions: a stale opening hour is a conflict; the
// calendar's version moves with every schedule change.
func TestUpdateOpeningHourVersions(t *testing.T) {
	e := newEnv(t, nil)
	c := e.calendar(t, "Anagrafe")
	h, err := e.desk.AddOpeningHour(e.ctx, admin, c.ID, weekdays(1))
	require.NoError(t, err)
	in := weekdays(1, 2)
	h2, err := e.desk.UpdateOpeningHour(e.ctx, admin, c.ID, h.ID, h.Version, in)
	require.NoError(t, err)
	assert.Equal(t, int64(2), h2.Version)
	_, err = e.desk.UpdateOpeningHour(e.ctx, admin, c.ID, h.ID, h.Version, in)
	assert.ErrorIs(t, err, calendar.ErrConflict)
	_, err = e.desk.UpdateOpeningHour(e.ctx, admin, c.ID, "missing", 1, in)
	assert.ErrorIs(t, err, calendar.ErrNotFound)
	got, err := e.desk.Calendar(e.ctx, admin, c.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(3), got.Version)
	_, err = e.desk.UpdateCalendar(e.ctx, admin, c.ID, c.Version, calendar.NewCalendar{Title: "Anagrafe", Location: "X"})
	assert.ErrorIs(t, err, calendar.ErrConflict, "the calendar moved with its opening hours")
	up, err := e.desk.UpdateCalendar(e.ctx, admin, c.ID, got.Version, calendar.NewCalendar{Title: "Anagrafe centrale", Location: "X"})
	require.NoError(t, err)
	assert.Equal(t, c.Owner, up.Owner)
	assert.Equal(t, c.Created, up.Created)
	moderator := auth.Principal{ID: "op-mod", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}}
	_, err = e.desk.UpdateCalendar(e.ctx, admin, c.ID, up.Version, calendar.NewCalendar{Title: "Anagrafe centrale", Location: "X", Moderators: []string{"op-mod"}})
	require.NoError(t, err)
	_, err = e.desk.UpdateCalendar(e.ctx, moderator, c.ID, up.Version+1, calendar.NewCalendar{Title: "Anagrafe", Location: "Y", Moderators: []string{"op-mod"}})
	require.NoError(t, err, "a moderator configures the calendar")
	_, err = e.desk.UpdateCalendar(e.ctx, moderator, c.ID, up.Version+2, calendar.NewCalendar{Title: "Anagrafe", Location: "Y", Moderators: []string{"op-mod", "op-friend"}})
	assert.ErrorIs(t, err, auth.ErrForbidden, "but does not choose the moderators")
	require.NoError(t, e.desk.DeleteOpeningHour(e.ctx, admin, c.ID, h.ID, h2.Version))
	hours, err := e.desk.OpeningHours(e.ctx, admin, c.ID)
	require.NoError(t, err)
	assert.Empty(t, hours)
}

// TestClosuresHolidaysAndAvailability: whole-day closures and holidays
// remove their days from availability; a citizen reads availability but
// not the configuration.
func TestClosuresHolidaysAndAvailability(t *testing.T) {
	e := newEnv(t, nil)
	c := e.calendar(t, "Anagrafe")
	_, err := e.desk.AddOpeningHour(e.ctx, admin, c.ID, weekdays(1, 2, 3, 4, 5))
	require.NoError(t, err)
	cl, err := e.desk.AddClosure(e.ctx, admin, c.ID, calendar.NewClosure{FirstDay: date(2026, 3, 3), LastDay: date(2026, 3, 4), Reason: "Inventario"})
	require.NoError(t, err)
	assert.Equal(t, local(2026, 3, 3, 0, 0).UTC(), cl.From)
	assert.Equal(t, local(2026, 3, 5, 0, 0).UTC(), cl.To)
	hol, err := e.desk.AddHolidays(e.ctx, admin, c.ID, 2026, calendar.PatronDay(2026, time.March, 19, "San Giuseppe"))
	require.NoError(t, err)
	assert.Len(t, hol, 14)
	_, err = e.desk.AddClosure(e.ctx, admin, c.ID, calendar.NewClosure{From: local(2026, 3, 2, 10, 0), To: local(2026, 3, 2, 9, 0)})
	assert.ErrorIs(t, err, calendar.ErrValidation)

	days, err := e.desk.DaySummary(e.ctx, citizen, c.ID, local(2026, 3, 2, 0, 0), local(2026, 3, 21, 0, 0), nil)
	require.NoError(t, err)
	open := map[string]bool{}
	for _, d := range days {
		open[d.Date.String()] = d.Open
	}
	assert.True(t, open["2026-03-02"])
	assert.False(t, open["2026-03-03"])
	assert.False(t, open["2026-03-04"])
	assert.True(t, open["2026-03-05"])
	assert.False(t, open["2026-03-19"], "patron saint")
	slots, err := e.desk.Availability(e.ctx, citizen, c.ID, local(2026, 3, 5, 0, 0), local(2026, 3, 6, 0, 0),
		[]calendar.Held{{Start: local(2026, 3, 5, 8, 30), End: local(2026, 3, 5, 9, 0), Places: 2}})
	require.NoError(t, err)
	require.Len(t, slots, 8)
	assert.Equal(t, 0, slots[0].Remaining)
	assert.Equal(t, 2, slots[1].Remaining)

	_, err = e.desk.Calendar(e.ctx, citizen, c.ID)
	assert.ErrorIs(t, err, auth.ErrForbidden)
	_, err = e.desk.AddClosure(e.ctx, citizen, c.ID, calendar.NewClosure{FirstDay: date(2026, 3, 6)})
	assert.ErrorIs(t, err, auth.ErrForbidden)
	closures, err := e.desk.Closures(e.ctx, admin, c.ID, local(2026, 3, 1, 0, 0), local(2026, 4, 1, 0, 0))
	require.NoError(t, err)
	assert.Len(t, closures, 2)
	require.NoError(t, e.desk.DeleteClosure(e.ctx, admin, c.ID, cl.ID))
	assert.ErrorIs(t, e.desk.DeleteClosure(e.ctx, admin, c.ID, cl.ID), calendar.ErrNotFound)
}

// TestScheduleIsTenantScoped: Schedule reads without a principal, within
// the tenant only.
func TestScheduleIsTenantScoped(t *testing.T) {
	e := newEnv(t, nil)
	c := e.calendar(t, "Anagrafe")
	_, err := e.desk.AddOpeningHour(e.ctx, admin, c.ID, weekdays(1))
	require.NoError(t, err)
	var s calendar.Schedules = e.desk
	sched, err := s.Schedule(e.ctx, "t1", c.ID, local(2026, 3, 1, 0, 0), local(2026, 4, 1, 0, 0))
	require.NoError(t, err)
	assert.Equal(t, c.ID, sched.Calendar.ID)
	assert.Len(t, sched.OpeningHours, 1)
	_, err = s.Schedule(e.ctx, "t2", c.ID, local(2026, 3, 1, 0, 0), local(2026, 4, 1, 0, 0))
	assert.ErrorIs(t, err, calendar.ErrNotFound)
	slots, err := calendar.Availability(sched.Query(local(2026, 3, 2, 0, 0), local(2026, 3, 3, 0, 0), e.now, nil))
	require.NoError(t, err)
	assert.Len(t, slots, 8)
}

// TestListCalendarsPagesAndRights: administrators list every calendar,
// operators those they manage or are enabled for, citizens none.
func TestListCalendarsPagesAndRights(t *testing.T) {
	e := newEnv(t, nil)
	var ids []calendar.ID
	for _, title := range []string{"A", "B", "C", "D", "E"} {
		ids = append(ids, e.calendar(t, title).ID)
	}
	var got []calendar.ID
	cur := ""
	for {
		p, err := e.desk.ListCalendars(e.ctx, admin, calendar.CalendarQuery{}, cur, 2)
		require.NoError(t, err)
		for _, c := range p.Items {
			got = append(got, c.ID)
		}
		if p.Next == "" {
			break
		}
		cur = p.Next
	}
	assert.Equal(t, ids, got)
	op := auth.Principal{ID: "op-7", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Calendars: []string{string(ids[3])}}
	p, err := e.desk.ListCalendars(e.ctx, op, calendar.CalendarQuery{}, "", 0)
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, ids[3], p.Items[0].ID)
	p, err = e.desk.ListCalendars(e.ctx, op, calendar.CalendarQuery{Managed: true}, "", 0)
	require.NoError(t, err)
	assert.Empty(t, p.Items)
	_, err = e.desk.ListCalendars(e.ctx, citizen, calendar.CalendarQuery{}, "", 0)
	assert.ErrorIs(t, err, auth.ErrForbidden)
	_, err = e.desk.ListCalendars(e.ctx, admin, calendar.CalendarQuery{}, "garbage!", 0)
	assert.ErrorIs(t, err, calendar.ErrValidation)
	require.NoError(t, e.desk.DeleteCalendar(e.ctx, admin, ids[0], 1))
	_, err = e.desk.Calendar(e.ctx, admin, ids[0])
	assert.ErrorIs(t, err, calendar.ErrNotFound)
}

const agenda = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Comune//Agenda//IT\r\n" +
	"BEGIN:VEVENT\r\nUID:1@comune\r\nDTSTAMP:20260201T000000Z\r\nDTSTART;TZID=Europe/Rome:20260302T100000\r\nDTEND;TZID=Europe/Rome:20260302T113000\r\nSUMMARY:Riunione con Mario Rossi\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:2@comune\r\nDTSTAMP:20260201T000000Z\r\nDTSTART;VALUE=DATE:20260306\r\nSUMMARY:Formazione\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:3@comune\r\nDTSTAMP:20260201T000000Z\r\nDTSTART:20260303T080000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:4@comune\r\nDTSTAMP:20260201T000000Z\r\nDTSTART:20260304T080000Z\r\nDTEND:20260304T090000Z\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:5@comune\r\nDTSTAMP:20260201T000000Z\r\nDTSTART:20260305T080000Z\r\nDTEND:20260305T090000Z\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:6@comune\r\nDTSTAMP:20260201T000000Z\r\nDTSTART:20260601T080000Z\r\nDTEND:20260601T090000Z\r\nEND:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

// TestImportBusy: the events of an agenda in the window become closures
// (no summary copied); bad ICS is an *ICSError and saves nothing.
func TestImportBusy(t *testing.T) {
	e := newEnv(t, nil)
	c := e.calendar(t, "Anagrafe")
	got, err := e.desk.ImportBusy(e.ctx, admin, c.ID, agenda, local(2026, 3, 1, 0, 0), local(2026, 4, 1, 0, 0))
	require.NoError(t, err)
	var spans []string
	for _, cl := range got {
		spans = append(spans, cl.From.Format("01-02T15:04Z")+"/"+cl.To.Format("01-02T15:04Z"))
		assert.NotContains(t, cl.Reason, "Mario")
	}
	assert.Equal(t, []string{"03-02T09:00Z/03-02T10:30Z", "03-03T08:00Z/03-03T09:00Z", "03-05T23:00Z/03-06T23:00Z",
		"03-10T08:00Z/03-10T09:00Z", "03-17T08:00Z/03-17T09:00Z"}, spans)
	for _, bad := range []string{
		"not a calendar",
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:2026\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260302T100000Z\r\nDTEND:20260302T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=Nowhere/Land:20260302T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
	} {
		_, err := e.desk.ImportBusy(e.ctx, admin, c.ID, bad, time.Time{}, time.Time{})
		var ie *calendar.ICSError
		assert.ErrorAs(t, err, &ie, "%q", bad)
		assert.ErrorIs(t, err, calendar.ErrValidation)
		assert.False(t, strings.Contains(err.Error(), "Nowhere"))
	}
	all, err := e.desk.Closures(e.ctx, admin, c.ID, time.Time{}, time.Time{})
	require.NoError(t, err)
	assert.Len(t, all, 5)

	// Importing again replaces what the last import made in the window,
	// and leaves other closures alone.
	_, err = e.desk.AddClosure(e.ctx, admin, c.ID, calendar.NewClosure{FirstDay: date(2026, 3, 20), Reason: "Inventario"})
	require.NoError(t, err)
	one := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:9@comune\r\nDTSTART:20260312T080000Z\r\nDTEND:20260312T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	_, err = e.desk.ImportBusy(e.ctx, admin, c.ID, one, local(2026, 3, 1, 0, 0), local(2026, 4, 1, 0, 0))
	require.NoError(t, err)
	all, err = e.desk.Closures(e.ctx, admin, c.ID, time.Time{}, time.Time{})
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, calendar.BusyReason, all[0].Reason)
	assert.Equal(t, "Inventario", all[1].Reason)
}

// TestNoticeHoursAllowed: the minimum notice takes exactly the values of
// NoticeHours.
func TestNoticeHoursAllowed(t *testing.T) {
	e := newEnv(t, nil)
	allowed := map[int]bool{}
	for _, h := range calendar.NoticeHours() {
		allowed[h] = true
	}
	for h := -1; h <= 800; h++ {
		_, err := e.desk.CreateCalendar(e.ctx, admin, calendar.NewCalendar{Title: fmt.Sprint("Notice ", h), Location: "L",
			RollingDays: 180, MinNoticeHours: h})
		if allowed[h] != (err == nil) {
			t.Errorf("notice %d: err = %v", h, err)
		}
	}
}
