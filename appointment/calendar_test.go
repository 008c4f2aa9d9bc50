package appointment_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/appointment/memstore"
	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
	calmem "github.com/sportello/sportello/calendar/memstore"
)

// counterOf forwards calendar's BookingCounter to the appointment Desk
// made after the calendar Desk (each needs the other).
type counterOf struct{ d *appointment.Desk }

func (c *counterOf) FutureActiveBookings(ctx context.Context, tenant string, cal calendar.ID, hour string, after time.Time) (int, error) {
	return c.d.FutureActiveBookings(ctx, tenant, cal, hour, after)
}

// The two wings wired together as a host does: the calendar Desk is the
// appointment Desk's Schedules, and the appointment Desk the calendar's
// BookingCounter.
func TestWithTheCalendarWing(t *testing.T) {
	now := func() time.Time { return t0 }
	counter := &counterOf{}
	cals, err := calendar.New(calendar.Config{Store: calmem.New(), Bookings: counter, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	desk, err := appointment.New(appointment.Config{Store: memstore.New(), Calendars: cals, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	counter.d = desk
	c, err := cals.CreateCalendar(ctx, admin, calendar.NewCalendar{Title: "Ufficio anagrafe", Location: "Piazza del Comune 1",
		Moderators: []string{"op-mod"}, Moderated: true})
	if err != nil {
		t.Fatal(err)
	}
	in := calendar.NewOpeningHour{Name: "Mattina", Days: []int{1, 2, 3, 4, 5}, ValidFrom: calendar.Date{Year: 2026, Month: 3, Day: 1},
		Begin: calendar.Clock(8, 30), End: calendar.Clock(12, 30), MeetingMinutes: 30, Queue: 2}
	h, err := cals.AddOpeningHour(ctx, admin, c.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	p := appointment.Pick{Calendar: c.ID, Start: at(3, 9, 0), End: at(3, 9, 30), Name: "Mario Rossi"}
	b, err := desk.Book(ctx, mario, p)
	if err != nil {
		t.Fatal(err)
	}
	if b, _, err = desk.Confirm(ctx, mario, b.ID); err != nil || b.Status != appointment.StatusPending {
		t.Fatalf("confirm on a moderated calendar: %v %v", b, err)
	}
	modOnly := auth.Principal{ID: "op-mod", Tenant: "t1", Kind: auth.KindOperator}
	if b, err = desk.Approve(ctx, modOnly, b.ID); err != nil || b.Status != appointment.StatusApproved {
		t.Fatalf("the calendar's moderator approves: %v", err)
	}
	slots, err := desk.Availability(ctx, luigi, c.ID, at(3, 9, 0), at(3, 10, 0))
	if err != nil || len(slots) != 2 || slots[0].Remaining != 1 || slots[1].Remaining != 2 {
		t.Fatalf("availability: %+v %v", slots, err)
	}
	if _, err := desk.Book(ctx, luigi, appointment.Pick{Calendar: c.ID, Start: at(7, 9, 0), End: at(7, 9, 30), Name: "L"}); !errors.Is(err, calendar.ErrSlotUnavailable) {
		t.Fatalf("Saturday: %v", err)
	}
	// The slot length is locked while a future booking uses it.
	in.MeetingMinutes = 20
	if _, err := cals.UpdateOpeningHour(ctx, admin, c.ID, h.ID, h.Version, in); !errors.Is(err, calendar.ErrConflict) {
		t.Fatalf("meeting minutes changed under a booking: %v", err)
	}
	if _, err := desk.Cancel(ctx, enabled, b.ID); err == nil {
		t.Fatal("an operator not enabled for the new calendar cancelled")
	}
	if _, err := desk.Cancel(ctx, modOnly, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := cals.UpdateOpeningHour(ctx, admin, c.ID, h.ID, h.Version, in); err != nil {
		t.Fatalf("meeting minutes with no booking left: %v", err)
	}
}
