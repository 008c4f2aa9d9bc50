package appointment_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
)

var ctx = context.Background()

func TestNewNeedsStoreAndCalendars(t *testing.T) {
	if _, err := appointment.New(appointment.Config{Calendars: &schedules{}}); err == nil {
		t.Error("no store accepted")
	}
	f := newFixture(t)
	if _, err := appointment.New(appointment.Config{Store: f.store}); err == nil {
		t.Error("no calendars accepted")
	}
}

func TestBookHoldsADraftUntilConfirmed(t *testing.T) {
	f := newFixture(t)
	b, err := f.desk.Book(ctx, mario, pick(3, 9, 0))
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != appointment.StatusDraft || !b.DraftExpires.Equal(t0.Add(10*time.Minute)) || b.OpeningHour != "mattina" {
		t.Fatalf("draft %+v", b)
	}
	slots, err := f.desk.Availability(ctx, mario, "anagrafe", at(3, 9, 0), at(3, 9, 30))
	if err != nil || len(slots) != 1 || slots[0].Remaining != 2 {
		t.Fatalf("availability with a draft: %+v %v", slots, err)
	}
	b, tok, err := f.desk.Confirm(ctx, mario, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != appointment.StatusApproved || !b.DraftExpires.IsZero() || tok == "" || !tok.Matches(b.CancelTokenHash) {
		t.Fatalf("confirmed %+v", b)
	}
	if stored, _ := f.store.Get(ctx, "t1", b.ID); strings.Contains(string(stored.CancelTokenHash), string(tok)) {
		t.Fatal("the token is stored in clear")
	}
	if _, _, err := f.desk.Confirm(ctx, mario, b.ID); !errors.Is(err, appointment.ErrInvalidTransition) {
		t.Fatalf("confirm twice: %v", err)
	}
}

func TestConfirmOnModeratedCalendarIsPending(t *testing.T) {
	for _, where := range []string{"calendar", "opening hour"} {
		f := newFixture(t)
		sc := referenceCalendar("t1")
		if where == "calendar" {
			sc.Calendar.Moderated = true
		} else {
			sc.OpeningHours[0].Moderated = true
		}
		f.cals.put(sc)
		b, _ := f.confirmed(t, mario, pick(3, 9, 0))
		if b.Status != appointment.StatusPending {
			t.Fatalf("%s moderated: %v", where, b.Status)
		}
		b, err := f.desk.Approve(ctx, moderator, b.ID)
		if err != nil || b.Status != appointment.StatusApproved {
			t.Fatalf("approve: %v %v", b, err)
		}
	}
}

func TestExpiredDraftCannotBeConfirmedAndIsSwept(t *testing.T) {
	f := newFixture(t)
	b, err := f.desk.Book(ctx, mario, pick(3, 9, 0))
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Set(t0.Add(10 * time.Minute))
	var te *appointment.TransitionError
	if _, _, err := f.desk.Confirm(ctx, mario, b.ID); !errors.As(err, &te) || te.Reason != "draft_expired" {
		t.Fatalf("confirm after expiry: %v", err)
	}
	slots, _ := f.desk.Availability(ctx, mario, "anagrafe", at(3, 9, 0), at(3, 9, 30))
	if slots[0].Remaining != 3 {
		t.Fatalf("an expired draft still holds a place: %+v", slots)
	}
	if n, err := f.desk.SweepDrafts(ctx, "t1"); n != 1 || err != nil {
		t.Fatalf("sweep: %d %v", n, err)
	}
	if n, err := f.desk.SweepDrafts(ctx, "t1"); n != 0 || err != nil {
		t.Fatalf("second sweep: %d %v", n, err)
	}
	if _, _, err := f.desk.Confirm(ctx, mario, b.ID); !errors.Is(err, appointment.ErrNotFound) {
		t.Fatalf("confirm after sweep: %v", err)
	}
}

func TestSlotOutsideAvailabilityRefused(t *testing.T) {
	f := newFixture(t)
	sc := referenceCalendar("t1")
	sc.Closures = []calendar.Closure{{ID: "c1", Calendar: "anagrafe", Tenant: "t1", From: at(5, 0, 0), To: at(6, 0, 0)}}
	sc.Calendar.MinNoticeHours = 24
	f.cals.put(sc)
	tests := []struct {
		name   string
		p      appointment.Pick
		reason calendar.SlotReason
	}{
		{"closed", pick(5, 9, 0), calendar.SlotClosed},
		{"too soon", pick(2, 11, 0), calendar.SlotTooSoon},
		{"past", pick(2, 7, 0), calendar.SlotPast},
		{"too far", appointment.Pick{Calendar: "anagrafe", Start: at(2, 9, 0).AddDate(0, 2, 0), End: at(2, 9, 30).AddDate(0, 2, 0), Name: "M"}, calendar.SlotTooFar},
		{"off the grid", pick(3, 9, 10), calendar.SlotNotOnGrid},
		{"sunday", pick(8, 9, 0), calendar.SlotNotOnGrid},
	}
	for _, tt := range tests {
		_, err := f.desk.Book(ctx, mario, tt.p)
		var se *calendar.SlotError
		if !errors.Is(err, appointment.ErrValidation) || !errors.Is(err, calendar.ErrSlotUnavailable) || !errors.As(err, &se) || se.Reason != tt.reason {
			t.Errorf("%s: %v, want slot error %v", tt.name, err, tt.reason)
		}
	}
	if list, _ := f.store.List(ctx, "t1", appointment.Filter{}, appointment.Position{}, 10); len(list) != 0 {
		t.Fatal("refused bookings were stored")
	}
}

func TestBadInputListsEveryField(t *testing.T) {
	f := newFixture(t)
	_, err := f.desk.Book(ctx, mario, appointment.Pick{Calendar: "anagrafe", Start: at(3, 9, 0), End: at(3, 8, 0),
		Name: "a\x00b", Email: "not-an-email", Notes: strings.Repeat("x", 2001)})
	var ve *appointment.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("%v", err)
	}
	for _, field := range []string{"end", "name", "email", "notes"} {
		if !ve.Has(field, "") {
			t.Errorf("%s not reported: %v", field, err)
		}
	}
	if strings.Contains(err.Error(), "not-an-email") {
		t.Error("the error quotes the input")
	}
	if _, err := f.desk.Get(ctx, admin, "bad\x00id"); !errors.Is(err, appointment.ErrNotFound) {
		t.Errorf("impossible ID: %v", err)
	}
	if _, err := f.desk.Refuse(ctx, admin, "x", ""); !errors.Is(err, appointment.ErrValidation) {
		t.Errorf("refuse without motivation: %v", err)
	}
}

func TestCapacityRefusalsThroughTheDesk(t *testing.T) {
	f := newFixture(t)
	sc := referenceCalendar("t1")
	sc.Calendar.Limits = calendar.Limits{PerDay: 4, PerCitizen: 2}
	f.cals.put(sc)
	f.confirmed(t, mario, pick(3, 9, 0))
	f.confirmed(t, mario, pick(3, 10, 0))
	if _, err := f.desk.Book(ctx, mario, pick(4, 9, 0)); !errors.Is(err, appointment.ErrCitizenLimit) {
		t.Fatalf("third booking of a citizen limited to 2: %v", err)
	}
	f.confirmed(t, luigi, pick(3, 9, 0))
	if _, err := f.desk.Book(ctx, mario, pick(3, 9, 0)); !errors.Is(err, appointment.ErrCitizenLimit) {
		t.Fatalf("overlap: %v", err)
	}
	create := func(fc string, hh int) error {
		_, _, err := f.desk.Create(ctx, enabled, appointment.NewBooking{Calendar: "anagrafe", Start: at(3, hh, 0), End: at(3, hh, 30), FiscalCode: fc, Name: "X"})
		return err
	}
	if err := create("BNCGNN75C41F205H", 9); err != nil {
		t.Fatal(err)
	}
	if err := create("BNCGNN75C41F205H", 11); !errors.Is(err, appointment.ErrDayFull) {
		t.Fatalf("fifth place of a day limited to 4: %v", err)
	}
	slots, _ := f.desk.Availability(ctx, luigi, "anagrafe", at(3, 0, 0), at(4, 0, 0))
	for _, s := range slots {
		if s.Remaining != 0 {
			t.Fatalf("a full day still offers %v", s)
		}
	}
}

func TestCancelByCitizenUntilTheDeadline(t *testing.T) {
	f := newFixture(t)
	b, tok := f.confirmed(t, mario, pick(4, 9, 0))
	other, otherTok := f.confirmed(t, mario, pick(5, 9, 0))
	if _, err := f.desk.CancelWithToken(ctx, "t1", b.ID, "wrong"); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("wrong token: %v", err)
	}
	if _, err := f.desk.CancelWithToken(ctx, "t1", b.ID, otherTok); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("another booking's token: %v", err)
	}
	if _, err := f.desk.CancelWithToken(ctx, "t2", b.ID, tok); !errors.Is(err, appointment.ErrNotFound) {
		t.Fatalf("other tenant: %v", err)
	}
	// AllowCancelDays is 1: until 09:00 of the day before.
	f.clock.Set(at(3, 9, 0))
	var te *appointment.TransitionError
	if _, err := f.desk.CancelWithToken(ctx, "t1", b.ID, tok); !errors.As(err, &te) || te.Reason != "cancel_deadline" {
		t.Fatalf("after the deadline: %v", err)
	}
	if _, err := f.desk.Cancel(ctx, mario, b.ID); !errors.Is(err, appointment.ErrInvalidTransition) {
		t.Fatalf("signed-in citizen after the deadline: %v", err)
	}
	if c, err := f.desk.Cancel(ctx, enabled, b.ID); err != nil || c.Status != appointment.StatusCancelled {
		t.Fatalf("operator after the citizen's deadline: %v", err)
	}
	f.clock.Set(at(3, 8, 59))
	if c, err := f.desk.CancelWithToken(ctx, "t1", other.ID, otherTok); err != nil || c.Status != appointment.StatusCancelled {
		t.Fatalf("before the deadline: %v", err)
	}
}

func TestMoveApprovesAndCountsReschedules(t *testing.T) {
	f := newFixture(t)
	sc := referenceCalendar("t1")
	sc.Calendar.Moderated = true
	f.cals.put(sc)
	b, tok := f.confirmed(t, mario, pick(3, 9, 0))
	b, err := f.desk.Move(ctx, enabled, b.ID, at(4, 10, 0), at(4, 10, 30))
	if err != nil || b.Status != appointment.StatusApproved || b.Reschedules != 1 || !b.Start.Equal(at(4, 10, 0)) {
		t.Fatalf("move: %+v %v", b, err)
	}
	// Fill 11:00 on day 4, then move into it: refused, unchanged.
	for _, who := range []auth.Principal{luigi, {ID: "u3", Tenant: "t1", Kind: auth.KindCitizen, FiscalCode: fiscal("BNCGNN75C41F205H")}} {
		f.confirmed(t, who, pick(4, 11, 0))
	}
	// The third place goes to Mario himself, booked by an operator: his
	// moved booking at 10:00 does not overlap it.
	if _, _, err := f.desk.Create(ctx, enabled, appointment.NewBooking{Calendar: "anagrafe", Start: at(4, 11, 0), End: at(4, 11, 30), FiscalCode: "RSSMRA80A01H501U", Name: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.desk.Move(ctx, enabled, b.ID, at(4, 11, 0), at(4, 11, 30)); !errors.Is(err, appointment.ErrSlotFull) {
		t.Fatalf("move into a full slot: %v", err)
	}
	// Moving within its own slot fits: its own place is not counted.
	b, err = f.desk.Move(ctx, enabled, b.ID, at(4, 10, 0), at(4, 10, 30))
	if err != nil || b.Reschedules != 2 {
		t.Fatalf("move onto itself: %v %+v", err, b)
	}
	if !tok.Matches(b.CancelTokenHash) {
		t.Fatal("a move changed the cancel token")
	}
}

func TestOperatorCommands(t *testing.T) {
	f := newFixture(t)
	b, _ := f.confirmed(t, mario, pick(3, 9, 0))
	if _, err := f.desk.MarkDone(ctx, enabled, b.ID); !errors.Is(err, appointment.ErrInvalidTransition) {
		t.Fatalf("done before the start: %v", err)
	}
	link := "https://meet.example.org/abc"
	notes := "portare il documento"
	b, err := f.desk.Modify(ctx, enabled, b.ID, appointment.Changes{Notes: &notes, VideoLink: &link})
	if err != nil || b.Notes != notes || b.VideoLink != link || b.Name != "Mario Rossi" {
		t.Fatalf("modify: %+v %v", b, err)
	}
	bad := "ftp//x"
	if _, err := f.desk.Modify(ctx, enabled, b.ID, appointment.Changes{VideoLink: &bad}); !errors.Is(err, appointment.ErrValidation) {
		t.Fatalf("bad link: %v", err)
	}
	b, err = f.desk.LinkPractice(ctx, enabled, b.ID, "pratica-7")
	if err != nil || b.PracticeID != "pratica-7" {
		t.Fatalf("link: %v", err)
	}
	other, _ := f.confirmed(t, luigi, pick(3, 10, 0))
	var ce *appointment.ConflictError
	if _, err := f.desk.LinkPractice(ctx, enabled, other.ID, "pratica-7"); !errors.As(err, &ce) || ce.Field != "practice_id" {
		t.Fatalf("second active booking of a pratica: %v", err)
	}
	if b, err = f.desk.UnlinkPractice(ctx, enabled, b.ID); err != nil || b.PracticeID != "" {
		t.Fatalf("unlink: %v", err)
	}
	f.clock.Set(at(3, 9, 5))
	if _, err := f.desk.Refuse(ctx, enabled, b.ID, "troppo tardi"); !errors.Is(err, appointment.ErrInvalidTransition) {
		t.Fatalf("refuse after the start: %v", err)
	}
	if b, err = f.desk.MarkMissed(ctx, enabled, b.ID); err != nil || b.Status != appointment.StatusMissed {
		t.Fatalf("missed: %v", err)
	}
	if b, err = f.desk.MarkDone(ctx, enabled, other.ID); err == nil {
		t.Fatalf("done before its start at 10:00: %v", b.Status)
	}
	f.clock.Set(at(3, 10, 0))
	if b, err = f.desk.MarkDone(ctx, enabled, other.ID); err != nil || b.Status != appointment.StatusDone {
		t.Fatalf("done: %v", err)
	}
}

func TestApplyPracticeOutcomeIsIdempotent(t *testing.T) {
	for _, tt := range []struct {
		effect appointment.PracticeEffect
		want   appointment.Status
	}{
		{appointment.EffectCancel, appointment.StatusCancelled},
		{appointment.EffectRefuse, appointment.StatusRefused},
		{appointment.EffectApprove, appointment.StatusApproved},
	} {
		f := newFixture(t)
		sc := referenceCalendar("t1")
		sc.Calendar.Moderated = true
		f.cals.put(sc)
		b, _ := f.confirmed(t, mario, pick(3, 9, 0))
		if _, err := f.desk.LinkPractice(ctx, enabled, b.ID, "pratica-1"); err != nil {
			t.Fatal(err)
		}
		past, _ := f.confirmed(t, luigi, pick(2, 9, 0))
		if _, err := f.desk.LinkPractice(ctx, enabled, past.ID, "pratica-2"); err != nil {
			t.Fatal(err)
		}
		n, err := f.desk.ApplyPracticeOutcome(ctx, platform, "t1", "pratica-1", tt.effect)
		if err != nil || n != 1 {
			t.Fatalf("%v: %d %v", tt.effect, n, err)
		}
		got, _ := f.desk.Get(ctx, admin, b.ID)
		if got.Status != tt.want {
			t.Fatalf("%v: status %v", tt.effect, got.Status)
		}
		n, err = f.desk.ApplyPracticeOutcome(ctx, platform, "t1", "pratica-1", tt.effect)
		if err != nil || n != 0 {
			t.Fatalf("%v again: %d %v", tt.effect, n, err)
		}
		if again, _ := f.desk.Get(ctx, admin, b.ID); again.Version != got.Version {
			t.Fatal("the second call changed the booking")
		}
		// A booking already started is not in the future any more.
		f.clock.Set(at(2, 9, 10))
		if n, _ := f.desk.ApplyPracticeOutcome(ctx, platform, "t1", "pratica-2", appointment.EffectCancel); n != 0 {
			t.Fatalf("a started booking was changed")
		}
		if _, err := f.desk.ApplyPracticeOutcome(ctx, platform, "t2", "pratica-1", tt.effect); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("other tenant: %v", err)
		}
	}
}

func TestNotificationsSavedWithTheChangeAndDelivered(t *testing.T) {
	f := newFixture(t)
	b, _ := f.confirmed(t, mario, pick(3, 9, 0))
	if _, err := f.desk.Move(ctx, enabled, b.ID, at(3, 10, 0), at(3, 10, 30)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.desk.Cancel(ctx, mario, b.ID); err != nil {
		t.Fatal(err)
	}
	n, err := f.desk.DeliverNotifications(ctx, "t1", 0)
	if err != nil || n != 3 {
		t.Fatalf("delivered %d, %v", n, err)
	}
	kinds := []appointment.NotificationKind{appointment.NotifyCreated, appointment.NotifyMoved, appointment.NotifyCancelled}
	for i, note := range f.sent {
		if note.Kind != kinds[i] || note.Booking != b.ID || note.CalendarEmail != "anagrafe@comune.example.it" || !note.ToCitizenEmail {
			t.Errorf("notification %d: %+v", i, note)
		}
	}
	// The actor is left out: Mario confirmed and cancelled, so the
	// citizen is told only of the operator's move.
	if strings.Join(f.sent[0].Recipients, ",") != "op-owner,op-mod" || strings.Join(f.sent[1].Recipients, ",") != "u-mario,op-owner,op-mod" {
		t.Errorf("recipients %v / %v", f.sent[0].Recipients, f.sent[1].Recipients)
	}
	if n, _ := f.desk.DeliverNotifications(ctx, "t1", 0); n != 0 {
		t.Fatal("delivered twice")
	}
	// No notifications when the calendar has them off.
	sc := referenceCalendar("t1")
	sc.Calendar.Notifications = false
	f.cals.put(sc)
	f.confirmed(t, luigi, pick(3, 11, 0))
	if n, _ := f.desk.DeliverNotifications(ctx, "t1", 0); n != 0 {
		t.Fatal("notified with notifications off")
	}
}

func TestFailedDeliveryHoldsBackOnlyItsBooking(t *testing.T) {
	f := newFixture(t)
	a, _ := f.confirmed(t, mario, pick(3, 9, 0))
	f.confirmed(t, luigi, pick(3, 10, 0))
	if _, err := f.desk.Approve(ctx, enabled, a.ID); err == nil {
		t.Fatal("approve of an approved booking")
	}
	if _, err := f.desk.Move(ctx, enabled, a.ID, at(3, 11, 0), at(3, 11, 30)); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("smtp down")
	var got []string
	d, _ := appointment.New(appointment.Config{Store: f.store, Calendars: f.cals, Now: f.clock.Now,
		Notifier: appointment.NotifierFunc(func(_ context.Context, n appointment.Notification) error {
			if n.Booking == a.ID {
				return boom
			}
			got = append(got, string(n.Kind))
			return nil
		})})
	n, err := d.DeliverNotifications(ctx, "t1", 0)
	if !errors.Is(err, boom) || n != 1 || len(got) != 1 {
		t.Fatalf("delivered %d (%v), %v", n, got, err)
	}
	f.clock.Set(t0.Add(time.Minute))
	if n, err := f.desk.DeliverNotifications(ctx, "t1", 0); n != 2 || err != nil {
		t.Fatalf("after the lease: %d %v", n, err)
	}
	if f.sent[0].Kind != appointment.NotifyCreated || f.sent[1].Kind != appointment.NotifyMoved {
		t.Fatalf("order %v", f.sent)
	}
}

func TestSearchAndListOwnPages(t *testing.T) {
	f := newFixture(t)
	for d := 3; d <= 6; d++ {
		for _, hh := range []int{9, 10} {
			f.confirmed(t, mario, pick(d, hh, 0))
			f.confirmed(t, luigi, appointment.Pick{Calendar: "anagrafe", Start: at(d, hh, 30), End: at(d, hh+1, 0), Name: "Luigi Verdi", Notes: "rinnovo"})
		}
	}
	seen := 0
	cursor := ""
	for {
		p, err := f.desk.Search(ctx, enabled, appointment.Query{Calendar: "anagrafe", Name: "VERDI"}, cursor, 3)
		if err != nil {
			t.Fatal(err)
		}
		seen += len(p.Items)
		if p.Next == "" {
			break
		}
		cursor = p.Next
	}
	if seen != 8 {
		t.Fatalf("search found %d, want 8", seen)
	}
	p, err := f.desk.Search(ctx, enabled, appointment.Query{Calendar: "anagrafe", FiscalCode: "rssmra80a01h501u", From: at(4, 0, 0), To: at(5, 0, 0)}, "", 10)
	if err != nil || len(p.Items) != 2 {
		t.Fatalf("by codice fiscale and dates: %d %v", len(p.Items), err)
	}
	if _, err := f.desk.Search(ctx, enabled, appointment.Query{Calendar: "anagrafe"}, "garbage", 10); !errors.Is(err, appointment.ErrValidation) {
		t.Fatalf("bad cursor: %v", err)
	}
	if _, err := f.desk.Search(ctx, enabled, appointment.Query{}, "", 10); !errors.Is(err, appointment.ErrValidation) {
		t.Fatalf("operator without a calendar: %v", err)
	}
	if p, err := f.desk.Search(ctx, admin, appointment.Query{Text: "rinnovo"}, "", 100); err != nil || len(p.Items) != 8 {
		t.Fatalf("admin across calendars: %v", err)
	}
	own, err := f.desk.ListOwn(ctx, mario, "", 100)
	if err != nil || len(own.Items) != 8 {
		t.Fatalf("own: %d %v", len(own.Items), err)
	}
	for _, b := range own.Items {
		if b.CitizenID != "u-mario" {
			t.Fatal("someone else's booking listed")
		}
	}
	n := 0
	for b, err := range f.desk.Iterate(ctx, enabled, appointment.Query{Calendar: "anagrafe"}) {
		if err != nil || b == nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 16 {
		t.Fatalf("iterate: %d", n)
	}
}

func TestFutureActiveBookingsForTheCalendarWing(t *testing.T) {
	f := newFixture(t)
	var counter calendar.BookingCounter = f.desk
	f.confirmed(t, mario, pick(3, 9, 0))
	f.confirmed(t, mario, pick(4, 9, 0))
	n, err := counter.FutureActiveBookings(ctx, "t1", "anagrafe", "mattina", at(4, 0, 0))
	if err != nil || n != 1 {
		t.Fatalf("%d %v", n, err)
	}
}

func TestLogsCarryNoPersonalData(t *testing.T) {
	var buf strings.Builder
	log := zerolog.New(&buf)
	f := newFixture(t)
	d, _ := appointment.New(appointment.Config{Store: f.store, Calendars: f.cals, Now: f.clock.Now, Logger: &log})
	b, err := d.Book(ctx, mario, pick(3, 9, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.Confirm(ctx, mario, b.ID); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, secret := range []string{"RSSMRA80A01H501U", "Mario", "mario@example.org", "identità"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q", secret)
		}
	}
	if !strings.Contains(out, `"booking_id":"`+string(b.ID)) || !strings.Contains(out, `"tenant":"t1"`) {
		t.Errorf("log keys missing: %s", out)
	}
}

func TestModifyRefusesAnEmptyName(t *testing.T) {
	f := newFixture(t)
	b, _ := f.confirmed(t, mario, pick(3, 9, 0))
	empty := ""
	if _, err := f.desk.Modify(ctx, enabled, b.ID, appointment.Changes{Name: &empty}); !errors.Is(err, appointment.ErrValidation) {
		t.Fatalf("empty name: %v", err)
	}
	d, _ := appointment.New(appointment.Config{Store: f.store, Calendars: f.cals})
	if _, err := d.DeliverNotifications(ctx, "t1", 0); !errors.Is(err, appointment.ErrUnavailable) {
		t.Fatalf("no notifier: %v", err)
	}
}

func TestIdempotencyKeysMakeCreationRetrySafe(t *testing.T) {
	f := newFixture(t)
	p := pick(3, 9, 0)
	p.IdempotencyKey = "req-1"
	a, err := f.desk.Book(ctx, mario, p)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.desk.Book(ctx, mario, p)
	if err != nil || again.ID != a.ID || again.Version != a.Version {
		t.Fatalf("repeat: %v %v", again, err)
	}
	other, err := f.desk.Book(ctx, luigi, p) // another principal's key space
	if err != nil || other.ID == a.ID {
		t.Fatalf("another citizen with the same key: %v", err)
	}
	slots, _ := f.desk.Availability(ctx, mario, "anagrafe", at(3, 9, 0), at(3, 9, 30))
	if slots[0].Remaining != 1 {
		t.Fatalf("remaining %d, want 1: the repeat took a place", slots[0].Remaining)
	}
	in := appointment.NewBooking{Calendar: "anagrafe", Start: at(3, 10, 0), End: at(3, 10, 30), FiscalCode: "BNCGNN75C41F205H", Name: "G", IdempotencyKey: "k"}
	b1, tok1, err := f.desk.Create(ctx, enabled, in)
	if err != nil {
		t.Fatal(err)
	}
	b2, tok2, err := f.desk.Create(ctx, enabled, in)
	if err != nil || b2.ID != b1.ID || tok2 == tok1 {
		t.Fatalf("repeat create: %v", err)
	}
	if _, err := f.desk.CancelWithToken(ctx, "t1", b1.ID, tok1); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("the first token still works: %v", err)
	}
	if n, _ := f.desk.DeliverNotifications(ctx, "t1", 0); n != 1 {
		t.Fatalf("%d notifications, want one creation", n)
	}
}
