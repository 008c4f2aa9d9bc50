package calendar_test

import (
	"context"
	"fmt"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
	"github.com/sportello/sportello/calendar/memstore"
)

// A registry office with two opening hours (Monday and Wednesday
// mornings, Thursday afternoon) closed on Wednesday, and its availability
// for one week, one booking already taken.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	desk, err := calendar.New(calendar.Config{Store: memstore.New(), Now: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	admin := auth.Principal{ID: "op-1", Tenant: "comune-a", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}
	cal, err := desk.CreateCalendar(ctx, admin, calendar.NewCalendar{Title: "Anagrafe", Location: "Piazza del Comune 1"})
	if err != nil {
		panic(err)
	}
	for _, in := range []calendar.NewOpeningHour{
		{Name: "Mattina", Days: []int{1, 3}, ValidFrom: calendar.Date{Year: 2026, Month: time.January, Day: 1},
			Begin: calendar.Clock(9, 0), End: calendar.Clock(10, 0), Queue: 2},
		{Name: "Pomeriggio", Days: []int{4}, ValidFrom: calendar.Date{Year: 2026, Month: time.January, Day: 1},
			Begin: calendar.Clock(15, 0), End: calendar.Clock(16, 0), MeetingMinutes: 20, Queue: 1},
	} {
		if _, err := desk.AddOpeningHour(ctx, admin, cal.ID, in); err != nil {
			panic(err)
		}
	}
	wednesday := calendar.Date{Year: 2026, Month: time.March, Day: 4}
	if _, err := desk.AddClosure(ctx, admin, cal.ID, calendar.NewClosure{FirstDay: wednesday, Reason: "Inventario"}); err != nil {
		panic(err)
	}

	rome, _ := time.LoadLocation("Europe/Rome")
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, rome)
	held := []calendar.Held{{Start: time.Date(2026, 3, 2, 9, 0, 0, 0, rome), End: time.Date(2026, 3, 2, 9, 30, 0, 0, rome), Places: 2}}
	citizen := auth.Principal{ID: "cit-1", Tenant: "comune-a", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}}
	slots, err := desk.Availability(ctx, citizen, cal.ID, from, from.AddDate(0, 0, 7), held)
	if err != nil {
		panic(err)
	}
	for _, s := range slots {
		fmt.Printf("%s–%s  %d/%d free\n", s.Start.In(rome).Format("Mon 02 15:04"), s.End.In(rome).Format("15:04"), s.Remaining, s.Capacity)
	}
	// Output:
	// Mon 02 09:00–09:30  0/2 free
	// Mon 02 09:30–10:00  2/2 free
	// Thu 05 15:00–15:20  1/1 free
	// Thu 05 15:20–15:40  1/1 free
	// Thu 05 15:40–16:00  1/1 free
}

// The pure engine: a Query built by hand, a slot at 08:30 in Rome on
// either side of the change to summer time.
func ExampleAvailability() {
	rome, _ := time.LoadLocation("Europe/Rome")
	cal := &calendar.Calendar{ID: "c", Tenant: "t", Zone: "Europe/Rome", RollingDays: 60}
	hour := &calendar.OpeningHour{ID: "h", Rule: "FREQ=WEEKLY;BYDAY=FR,MO", ValidFrom: calendar.Date{Year: 2026, Month: 1, Day: 1},
		Begin: calendar.Clock(8, 30), End: calendar.Clock(9, 0), MeetingMinutes: 30, Queue: 1}
	slots, err := calendar.Availability(calendar.Query{Calendar: cal, OpeningHours: []*calendar.OpeningHour{hour},
		From: time.Date(2026, 3, 27, 0, 0, 0, 0, rome), To: time.Date(2026, 3, 31, 0, 0, 0, 0, rome),
		Now: time.Date(2026, 3, 1, 0, 0, 0, 0, rome)})
	if err != nil {
		panic(err)
	}
	for _, s := range slots {
		fmt.Println(s.Start.Format(time.RFC3339), s.Start.In(rome).Format("15:04 MST"))
	}
	// Output:
	// 2026-03-27T07:30:00Z 08:30 CET
	// 2026-03-30T06:30:00Z 08:30 CEST
}

// FindSlot tells why a slot cannot be booked.
func ExampleFindSlot() {
	rome, _ := time.LoadLocation("Europe/Rome")
	cal := &calendar.Calendar{ID: "c", Tenant: "t", Zone: "Europe/Rome", MinNoticeHours: 24}
	hour := &calendar.OpeningHour{ID: "h", Rule: "FREQ=DAILY", ValidFrom: calendar.Date{Year: 2026, Month: 1, Day: 1},
		Begin: calendar.Clock(9, 0), End: calendar.Clock(12, 0), MeetingMinutes: 30, Queue: 1}
	q := calendar.Query{Calendar: cal, OpeningHours: []*calendar.OpeningHour{hour}, Now: time.Date(2026, 6, 1, 10, 0, 0, 0, rome)}
	for _, start := range []time.Time{
		time.Date(2026, 6, 1, 11, 0, 0, 0, rome),
		time.Date(2026, 6, 3, 9, 15, 0, 0, rome),
		time.Date(2026, 6, 3, 9, 30, 0, 0, rome),
	} {
		s, err := calendar.FindSlot(q, start, start.Add(30*time.Minute))
		fmt.Println(s.Remaining, err)
	}
	// Output:
	// 0 calendar: slot at 2026-06-01T09:00:00Z unavailable: too_soon
	// 0 calendar: slot at 2026-06-03T07:15:00Z unavailable: not_on_grid
	// 1 <nil>
}

// Italy's national holidays of 2027 with a patron saint's day.
func ExampleItalianHolidays() {
	for _, h := range calendar.ItalianHolidays(2027, calendar.PatronDay(2027, time.October, 4, "San Petronio"))[:5] {
		fmt.Println(h.Date, h.Name)
	}
	// Output:
	// 2027-01-01 Capodanno
	// 2027-01-06 Epifania
	// 2027-03-28 Pasqua
	// 2027-03-29 Lunedì dell'Angelo
	// 2027-04-25 Festa della Liberazione
}

// ParseRule returns an opening hour's RRULE in canonical form.
func ExampleParseRule() {
	fmt.Println(calendar.ParseRule("RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=MO;BYSETPOS=1"))
	_, err := calendar.ParseRule("FREQ=HOURLY")
	fmt.Println(err)
	// Output:
	// FREQ=MONTHLY;BYSETPOS=1;BYDAY=MO <nil>
	// calendar: invalid input: rule: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY
}
