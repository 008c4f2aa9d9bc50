package appointment_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/appointment/memstore"
	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
)

// schedules is a calendar.Schedules over fixed schedules.
type schedules struct {
	mu sync.Mutex
	m  map[string]*calendar.Schedule // tenant + "/" + calendar ID
}

func (s *schedules) put(sc *calendar.Schedule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]*calendar.Schedule{}
	}
	s.m[sc.Calendar.Tenant+"/"+string(sc.Calendar.ID)] = sc
}

func (s *schedules) Schedule(_ context.Context, tenant string, id calendar.ID, _, _ time.Time) (*calendar.Schedule, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := s.m[tenant+"/"+string(id)]
	if sc == nil {
		return nil, calendar.ErrNotFound
	}
	c := *sc
	c.Calendar = sc.Calendar.Clone()
	return &c, nil
}

// clock is a settable Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Monday 2 March 2026, 08:00 in Rome.
var t0 = time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)

var rome, _ = time.LoadLocation("Europe/Rome")

// at returns day d of March 2026 at hh:mm in Rome.
func at(d, hh, mm int) time.Time { return time.Date(2026, 3, d, hh, mm, 0, 0, rome).UTC() }

// referenceCalendar is the office of the examples: Monday to Friday
// 08:30-12:30, 30-minute slots, 3 places each.
func referenceCalendar(tenant string) *calendar.Schedule {
	return &calendar.Schedule{
		Calendar: &calendar.Calendar{
			ID: "anagrafe", Tenant: tenant, Title: "Ufficio anagrafe", Owner: "op-owner", Moderators: []string{"op-mod"},
			Location: "Piazza del Comune 1, Roma", ContactEmail: "anagrafe@comune.example.it", Zone: "Europe/Rome",
			RollingDays: 30, AllowCancelDays: 1, DraftsDuration: 10 * time.Minute, Notifications: true, VideoCalls: true,
		},
		OpeningHours: []*calendar.OpeningHour{{
			ID: "mattina", Calendar: "anagrafe", Tenant: tenant, Name: "Mattina", Rule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
			ValidFrom: calendar.Date{Year: 2026, Month: 1, Day: 1}, Begin: calendar.Clock(8, 30), End: calendar.Clock(12, 30),
			MeetingMinutes: 30, Queue: 3,
		}},
	}
}

type fixture struct {
	desk  *appointment.Desk
	store *memstore.Store
	clock *clock
	cals  *schedules
	sent  []appointment.Notification
	mu    sync.Mutex
	n     int
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{store: memstore.New(), clock: &clock{t: t0}, cals: &schedules{}}
	f.cals.put(referenceCalendar("t1"))
	f.cals.put(referenceCalendar("t2"))
	d, err := appointment.New(appointment.Config{
		Store: f.store, Calendars: f.cals, Now: f.clock.Now,
		NewID: func() string {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.n++
			return "id-" + string(rune('a'+f.n/26%26)) + string(rune('a'+f.n%26))
		},
		Notifier: appointment.NotifierFunc(func(_ context.Context, n appointment.Notification) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.sent = append(f.sent, n)
			return nil
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	f.desk = d
	return f
}

func fiscal(s string) auth.FiscalCode {
	fc, err := auth.ParseFiscalCode(s)
	if err != nil {
		panic(err)
	}
	return fc
}

// The actors of the permission matrix.
var (
	mario     = auth.Principal{ID: "u-mario", Tenant: "t1", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}, FiscalCode: fiscal("RSSMRA80A01H501U")}
	luigi     = auth.Principal{ID: "u-luigi", Tenant: "t1", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}, FiscalCode: fiscal("VRDLGU80A01H501Q")}
	enabled   = auth.Principal{ID: "op-enabled", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Calendars: []string{"anagrafe"}}
	owner     = auth.Principal{ID: "op-owner", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}}
	moderator = auth.Principal{ID: "op-mod", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}}
	otherOp   = auth.Principal{ID: "op-other", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Calendars: []string{"tributi"}}
	admin     = auth.Principal{ID: "op-admin", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}
	foreign   = auth.Principal{ID: "op-admin", Tenant: "t2", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}
	platform  = auth.System("t1")
)

// pick is Mario's choice of the slot at hh:mm on day d.
func pick(d, hh, mm int) appointment.Pick {
	return appointment.Pick{Calendar: "anagrafe", Start: at(d, hh, mm), End: at(d, hh, mm+30), Name: "Mario Rossi", Email: "mario@example.org", Notes: "Carta d'identità"}
}

// confirmed books and confirms the slot for who.
func (f *fixture) confirmed(t testing.TB, who auth.Principal, p appointment.Pick) (*appointment.Booking, appointment.CancelToken) {
	t.Helper()
	b, err := f.desk.Book(context.Background(), who, p)
	if err != nil {
		t.Fatalf("Book: %v", err)
	}
	b, tok, err := f.desk.Confirm(context.Background(), who, b.ID)
	if err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	return b, tok
}
