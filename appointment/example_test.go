package appointment_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/appointment/memstore"
	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
)

// oneCalendar serves one calendar's schedule. A host passes its
// *calendar.Desk as Config.Calendars instead.
type oneCalendar struct{ s *calendar.Schedule }

func (o oneCalendar) Schedule(_ context.Context, tenant string, id calendar.ID, _, _ time.Time) (*calendar.Schedule, error) {
	if tenant != o.s.Calendar.Tenant || id != o.s.Calendar.ID {
		return nil, calendar.ErrNotFound
	}
	return o.s, nil
}

// exampleDesk is a Desk on memstore with the office's calendar, a fixed
// clock (Monday 2 March 2026, 08:00 in Rome) and numbered IDs.
func exampleDesk() *appointment.Desk {
	n := 0
	d, err := appointment.New(appointment.Config{
		Store:     memstore.New(),
		Calendars: oneCalendar{referenceCalendar("comune-roma")},
		Now:       func() time.Time { return t0 },
		NewID:     func() string { n++; return fmt.Sprintf("b%d", n) },
	})
	if err != nil {
		panic(err)
	}
	return d
}

func Example() {
	ctx := context.Background()
	desk := exampleDesk()
	fc, _ := auth.ParseFiscalCode("RSSMRA80A01H501U")
	citizen := auth.Principal{ID: "u-mario", Tenant: "comune-roma", Kind: auth.KindCitizen, FiscalCode: fc}
	operator := auth.Principal{ID: "op-1", Tenant: "comune-roma", Kind: auth.KindOperator, Calendars: []string{"anagrafe"}}
	rome, _ := time.LoadLocation("Europe/Rome")
	slot := time.Date(2026, 3, 4, 9, 0, 0, 0, rome)

	// The citizen picks a slot: a draft holds the place for 10 minutes.
	b, err := desk.Book(ctx, citizen, appointment.Pick{
		Calendar: "anagrafe", Start: slot, End: slot.Add(30 * time.Minute), Name: "Mario Rossi", Email: "mario@example.org",
	})
	fmt.Println("book:", b.Status, b.Start.In(rome).Format("Mon 2 Jan 15:04"), err)

	// Confirming approves it (the calendar is not moderated) and gives the
	// secret cancel token, stored only as its hash.
	b, token, err := desk.Confirm(ctx, citizen, b.ID)
	fmt.Println("confirm:", b.Status, token != "", err)

	// An operator moves it one hour later: the reschedule counter is the
	// ICS SEQUENCE.
	b, err = desk.Move(ctx, operator, b.ID, slot.Add(time.Hour), slot.Add(90*time.Minute))
	fmt.Println("move:", b.Status, b.Start.In(rome).Format("15:04"), "reschedules", b.Reschedules, err)

	// The citizen cancels through the link of the confirmation.
	b, err = desk.CancelWithToken(ctx, "comune-roma", b.ID, token)
	fmt.Println("cancel:", b.Status, b.Status.Label("it"), err)

	// Output:
	// book: draft Wed 4 Mar 09:00 <nil>
	// confirm: approved true <nil>
	// move: approved 10:00 reschedules 1 <nil>
	// cancel: cancelled Annullato <nil>
}

func ExampleDesk_Book_slotFull() {
	ctx := context.Background()
	desk := exampleDesk()
	rome, _ := time.LoadLocation("Europe/Rome")
	slot := time.Date(2026, 3, 4, 9, 0, 0, 0, rome)
	for _, code := range []string{"RSSMRA80A01H501U", "VRDLGU80A01H501Q", "BNCGNN75C41F205H", "RSSMRA80A01H501U"} {
		fc, _ := auth.ParseFiscalCode(code)
		who := auth.Principal{ID: "u-" + code, Tenant: "comune-roma", Kind: auth.KindCitizen, FiscalCode: fc}
		_, err := desk.Book(ctx, who, appointment.Pick{Calendar: "anagrafe", Start: slot, End: slot.Add(30 * time.Minute), Name: "N"})
		fmt.Println(err, errors.Is(err, appointment.ErrSlotFull))
	}
	// Output:
	// <nil> false
	// <nil> false
	// <nil> false
	// appointment: slot full true
}

func ExampleICS() {
	cal := &calendar.Calendar{ID: "anagrafe", Tenant: "comune-roma", Title: "Ufficio anagrafe", Location: "Piazza del Comune 1, Roma"}
	start := time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC)
	b := &appointment.Booking{
		ID: "b1", Tenant: "comune-roma", Calendar: "anagrafe", Start: start, End: start.Add(30 * time.Minute),
		Status: appointment.StatusApproved, Reschedules: 1, Notes: "Portare: documento; foto, codice fiscale",
		VideoLink: "https://meet.example.org/b1", Created: start.Add(-48 * time.Hour), Updated: start.Add(-24 * time.Hour),
	}
	out := appointment.ICS(appointment.MethodPublish, cal, b)
	os.Stdout.WriteString(strings.ReplaceAll(string(out), "\r\n", "\n"))
	// Output:
	// BEGIN:VCALENDAR
	// VERSION:2.0
	// PRODID:-//sportello//appointment//IT
	// METHOD:PUBLISH
	// CALSCALE:GREGORIAN
	// BEGIN:VEVENT
	// UID:b1@comune-roma.sportello
	// DTSTAMP:20260303T080000Z
	// CREATED:20260302T080000Z
	// LAST-MODIFIED:20260303T080000Z
	// DTSTART:20260304T080000Z
	// DTEND:20260304T083000Z
	// SEQUENCE:1
	// STATUS:CONFIRMED
	// SUMMARY:Ufficio anagrafe
	// LOCATION:Piazza del Comune 1\, Roma
	// DESCRIPTION:Portare: documento\; foto\, codice fiscale
	// URL:https://meet.example.org/b1
	// END:VEVENT
	// END:VCALENDAR
}

func ExampleNext() {
	to, ok := appointment.Next(appointment.StatusDraft, appointment.ActionConfirm, appointment.FactModerated)
	fmt.Println(to, ok)
	to, ok = appointment.Next(appointment.StatusPending, appointment.ActionMove, 0)
	fmt.Println(to, ok)
	_, ok = appointment.Next(appointment.StatusApproved, appointment.ActionDone, 0)
	fmt.Println(ok)
	// Output:
	// pending true
	// approved true
	// false
}
