package appointment_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/conctest"
)

// validCodes returns n valid codici fiscali.
func validCodes(t testing.TB, n int) []string {
	t.Helper()
	var out []string
	for i := 0; len(out) < n && i < 1000; i++ {
		base := fmt.Sprintf("RSSMRA80A01H%03d", i)
		for c := 'A'; c <= 'Z'; c++ {
			if _, err := auth.ParseFiscalCode(base + string(c)); err == nil {
				out = append(out, base+string(c))
				break
			}
		}
	}
	if len(out) < n {
		t.Fatalf("only %d codes", len(out))
	}
	return out
}

// Through the Desk: 200 citizens book one slot of queue 3 at once.
func TestDeskNeverOverbooks(t *testing.T) {
	f := newFixture(t)
	codes := validCodes(t, 200)
	ok, refused := conctest.Run(t, 200, appointment.ErrSlotFull, func(i int) error {
		who := auth.Principal{ID: fmt.Sprint("u", i), Tenant: "t1", Kind: auth.KindCitizen, FiscalCode: fiscal(codes[i])}
		_, err := f.desk.Book(ctx, who, pick(3, 9, 0))
		return err
	})
	if ok != 3 || refused != 197 {
		t.Fatalf("%d booked, %d refused", ok, refused)
	}
	slots, _ := f.desk.Availability(ctx, mario, "anagrafe", at(3, 9, 0), at(3, 9, 30))
	if slots[0].Remaining != 0 {
		t.Fatalf("remaining %d", slots[0].Remaining)
	}
}

// Confirm racing the sweep of the same draft, through the Desk: the draft
// is confirmed or swept, never both.
func TestDeskConfirmRacesSweep(t *testing.T) {
	for range 20 {
		f := newFixture(t)
		b, err := f.desk.Book(ctx, mario, pick(3, 9, 0))
		if err != nil {
			t.Fatal(err)
		}
		sweeper, _ := appointment.New(appointment.Config{Store: f.store, Calendars: f.cals,
			Now: func() time.Time { return b.DraftExpires }})
		var wg sync.WaitGroup
		var errConfirm error
		var swept int
		wg.Add(2)
		go func() { defer wg.Done(); _, _, errConfirm = f.desk.Confirm(ctx, mario, b.ID) }()
		go func() { defer wg.Done(); swept, _ = sweeper.SweepDrafts(ctx, "t1") }()
		wg.Wait()
		got, errGet := f.store.Get(ctx, "t1", b.ID)
		switch {
		case errConfirm == nil && swept == 0 && errGet == nil && got.Status == appointment.StatusApproved:
		case errConfirm != nil && swept == 1 && errGet != nil:
		default:
			t.Fatalf("confirm %v, swept %d, stored %v %v", errConfirm, swept, got, errGet)
		}
	}
}

func TestDeskICSAndFeed(t *testing.T) {
	f := newFixture(t)
	b, _ := f.confirmed(t, mario, pick(3, 9, 0))
	f.confirmed(t, luigi, pick(4, 9, 0))
	out, err := f.desk.ICS(ctx, mario, b.ID, appointment.MethodRequest)
	if err != nil || !bytes.Contains(out, []byte("METHOD:REQUEST\r\n")) {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := f.desk.ICS(ctx, luigi, b.ID, appointment.MethodPublish); err == nil {
		t.Fatal("another citizen read the ICS")
	}
	if _, err := f.desk.Cancel(ctx, mario, b.ID); err != nil {
		t.Fatal(err)
	}
	out, _ = f.desk.ICS(ctx, mario, b.ID, appointment.MethodRequest)
	if !bytes.Contains(out, []byte("METHOD:CANCEL\r\n")) || !bytes.Contains(out, []byte("STATUS:CANCELLED\r\n")) {
		t.Fatalf("cancelled booking:\n%s", out)
	}
	var buf bytes.Buffer
	if err := f.desk.Feed(ctx, enabled, "anagrafe", at(3, 0, 0), at(5, 0, 0), &buf); err != nil {
		t.Fatal(err)
	}
	c, err := ics.ParseCalendar(&buf)
	if err != nil || len(c.Events()) != 2 {
		t.Fatalf("feed: %v", err)
	}
	buf.Reset()
	if err := f.desk.Feed(ctx, luigi, "anagrafe", at(3, 0, 0), at(5, 0, 0), &buf); err == nil || buf.Len() != 0 {
		t.Fatal("a citizen read the feed")
	}
	buf.Reset()
	if err := f.desk.Feed(ctx, enabled, "anagrafe", at(20, 0, 0), at(21, 0, 0), &buf); err != nil || !bytes.HasSuffix(buf.Bytes(), []byte("END:VCALENDAR\r\n")) {
		t.Fatalf("empty feed: %v %q", err, buf.String())
	}
}
