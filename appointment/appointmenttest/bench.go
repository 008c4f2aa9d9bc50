package appointmenttest

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
)

// referenceBookings are the 2,000 bookings of the shared reference
// calendar (see ReferenceSchedule).
//
//go:embed testdata/reference-calendar-bookings.json
var referenceBookings []byte

// Bench runs the store benchmarks: bookings per second with 8 goroutines
// over 100 slots, and the reference calendar's 90-day availability read
// through the store. newStore returns a fresh, empty store.
func Bench(b *testing.B, newStore func(b *testing.B) appointment.Store) {
	b.Run("Book8x100Slots", func(b *testing.B) { benchBook(b, newStore(b)) })
	b.Run("Availability90Days", func(b *testing.B) { benchAvailability(b, newStore(b)) })
}

// benchBook books with 8 goroutines over 100 slots of queue 3 (ten a day
// over ten days, with a day limit and a citizen limit checked too); each goroutine cancels what it
// booked, so the slots never fill and every iteration is a full
// capacity-checked Book followed by a version-checked Update.
func benchBook(b *testing.B, s appointment.Store) {
	ctx := context.Background()
	codes := make([]string, 1000)
	for i := range codes {
		codes[i] = fmt.Sprintf("CF%014d", i)
	}
	var seq, booked atomic.Int64
	b.SetParallelism(max(1, 8/max(1, runtimeProcs())))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1)
			// 100 slots: ten 30-minute slots a day over ten days.
			slot := T0.Add(time.Duration(i%100/10)*24*time.Hour + time.Duration(i%10)*30*time.Minute)
			bk := &appointment.Booking{
				ID: appointment.ID("bench-" + strconv.FormatInt(i, 10)), Tenant: "t1", Calendar: cal, OpeningHour: "oh-1",
				Start: slot, End: slot.Add(30 * time.Minute), Status: appointment.StatusApproved,
				FiscalCode: codes[i%1000], Created: T0, Updated: T0,
			}
			day := slot.Truncate(24 * time.Hour)
			c := appointment.Capacity{Now: T0, Queue: 3, PerDay: 1000, DayStart: day, DayEnd: day.Add(24 * time.Hour),
				PerCitizen: 5, CitizenFrom: T0}
			err := s.Book(ctx, bk, c, nil)
			if errors.Is(err, appointment.ErrConflict) {
				continue // eight goroutines on one slot of three: refused, as it must be
			}
			if err != nil {
				b.Error(err)
				return
			}
			booked.Add(1)
			bk.Status = appointment.StatusCancelled
			if err := s.Update(ctx, bk, nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(booked.Load())/time.Since(start).Seconds(), "bookings/s")
}

// ReferenceSchedule is the shared benchmark's reference calendar: zone
// Europe/Rome, Monday–Friday 08:30–12:30 and Tuesday and Thursday
// 14:30–17:00, 30-minute slots with queue 3, twelve closed days; and its
// window: now 2026-03-01 00:00 local, slots from 2026-03-02 to 2026-05-30
// included.
func ReferenceSchedule(tenant string) (s *calendar.Schedule, from, to, now time.Time) {
	rome, _ := time.LoadLocation("Europe/Rome")
	local := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, rome) }
	c := &calendar.Calendar{ID: "ref", Tenant: tenant, Title: "Reference", Zone: "Europe/Rome", RollingDays: 90}
	valid := calendar.Date{Year: 2026, Month: 3, Day: 1}
	hours := []*calendar.OpeningHour{
		{ID: "morning", Calendar: "ref", Tenant: tenant, Rule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", ValidFrom: valid,
			Begin: calendar.Clock(8, 30), End: calendar.Clock(12, 30), MeetingMinutes: 30, Queue: 3},
		{ID: "afternoon", Calendar: "ref", Tenant: tenant, Rule: "FREQ=WEEKLY;BYDAY=TU,TH", ValidFrom: valid,
			Begin: calendar.Clock(14, 30), End: calendar.Clock(17, 0), MeetingMinutes: 30, Queue: 3},
	}
	var closures []calendar.Closure
	for _, d := range [][2]int{{3, 6}, {3, 12}, {3, 19}, {3, 24}, {4, 3}, {4, 6}, {4, 14}, {4, 24}, {5, 1}, {5, 7}, {5, 15}, {5, 26}} {
		day := local(2026, time.Month(d[0]), d[1])
		closures = append(closures, calendar.Closure{Calendar: "ref", Tenant: tenant, From: day.UTC(), To: day.AddDate(0, 0, 1).UTC()})
	}
	return &calendar.Schedule{Calendar: c, OpeningHours: hours, Closures: closures},
		local(2026, 3, 2), local(2026, 5, 31), local(2026, 3, 1)
}

// LoadReferenceBookings books the reference calendar's 2,000 bookings
// into s (approved, one place each, no capacity limit).
func LoadReferenceBookings(ctx context.Context, s appointment.Store, tenant string) error {
	var raw []struct{ Start, End time.Time }
	if err := json.Unmarshal(referenceBookings, &raw); err != nil {
		return err
	}
	for i, r := range raw {
		b := &appointment.Booking{ID: appointment.ID(fmt.Sprintf("ref-%04d", i)), Tenant: tenant, Calendar: "ref",
			OpeningHour: "morning", Start: r.Start.UTC(), End: r.End.UTC(), Status: appointment.StatusApproved,
			FiscalCode: fmt.Sprintf("CF%014d", i)}
		if err := s.Book(ctx, b, appointment.Capacity{Queue: 1 << 30}, nil); err != nil {
			return err
		}
	}
	return nil
}

type fixedSchedule struct{ s *calendar.Schedule }

// Schedule returns the fixed schedule, whatever the window.
func (f fixedSchedule) Schedule(context.Context, string, calendar.ID, time.Time, time.Time) (*calendar.Schedule, error) {
	return f.s, nil
}

// benchAvailability reads the reference calendar's availability for its
// 90-day window through a Desk on s: one HeldPlaces query, then
// calendar.Availability.
func benchAvailability(b *testing.B, s appointment.Store) {
	ctx := context.Background()
	if err := LoadReferenceBookings(ctx, s, "t1"); err != nil {
		b.Fatal(err)
	}
	sched, from, to, now := ReferenceSchedule("t1")
	d, err := appointment.New(appointment.Config{Store: s, Calendars: fixedSchedule{sched}, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	who := auth.Principal{ID: "u", Tenant: "t1", Kind: auth.KindCitizen}
	var slots []calendar.Slot
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if slots, err = d.Availability(ctx, who, "ref", from, to); err != nil {
			b.Fatal(err)
		}
	}
	bookable := 0
	for _, sl := range slots {
		if sl.Remaining > 0 {
			bookable++
		}
	}
	b.ReportMetric(float64(len(slots)), "slots")
	b.ReportMetric(float64(bookable), "bookable")
}
