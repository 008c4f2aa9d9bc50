package appointment_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/auth"
)

// FuzzRandomWalk drives bookings through random commands, actors and
// clock moves on the Desk and checks every outcome against Transitions():
// a command that succeeds made a move of the table (from, action) → to
// whose conditions held; a command refused by the lifecycle has no such
// row; a refused command changes nothing; no slot ever holds more places
// than its queue.
func FuzzRandomWalk(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	f.Add([]byte{0, 0, 0, 0, 1, 1, 1, 1, 9, 9, 9, 3, 3})
	f.Add([]byte{12, 0, 1, 7, 7, 7, 4, 5, 6, 12, 12, 2})
	f.Fuzz(func(t *testing.T, program []byte) {
		if len(program) > 200 {
			return
		}
		fx := newFixture(t)
		var ids []appointment.ID
		slot := func(b byte) (int, int) { return 3 + int(b%3), 9 + int(b/3%3) } // day, hour
		for i := 0; i+1 < len(program); i += 2 {
			op, arg := program[i]%13, program[i+1]
			var target appointment.ID
			if len(ids) > 0 {
				target = ids[int(arg)%len(ids)]
			}
			before, _ := fx.store.Get(ctx, "t1", target)
			var (
				a   appointment.Action
				got *appointment.Booking
				err error
			)
			switch op {
			case 0:
				d, h := slot(arg)
				who := []auth.Principal{mario, luigi}[arg%2]
				got, err = fx.desk.Book(ctx, who, pick(d, h, 0))
				if err == nil {
					ids = append(ids, got.ID)
				}
				continue
			case 1:
				a = appointment.ActionConfirm
				who := mario
				if before != nil && before.CitizenID == "u-luigi" {
					who = luigi
				}
				got, _, err = fx.desk.Confirm(ctx, who, target)
			case 2:
				a = appointment.ActionApprove
				got, err = fx.desk.Approve(ctx, enabled, target)
			case 3:
				a = appointment.ActionRefuse
				got, err = fx.desk.Refuse(ctx, moderator, target, "no")
			case 4:
				a = appointment.ActionCancel
				got, err = fx.desk.Cancel(ctx, owner, target)
			case 5:
				a = appointment.ActionMiss
				got, err = fx.desk.MarkMissed(ctx, enabled, target)
			case 6:
				a = appointment.ActionDone
				got, err = fx.desk.MarkDone(ctx, enabled, target)
			case 7:
				a = appointment.ActionMove
				d, h := slot(arg / 2)
				got, err = fx.desk.Move(ctx, admin, target, at(d, h, 0), at(d, h, 30))
			case 8:
				a = appointment.ActionModify
				n := "nota"
				got, err = fx.desk.Modify(ctx, enabled, target, appointment.Changes{Notes: &n})
			case 9:
				a = appointment.ActionLink
				got, err = fx.desk.LinkPractice(ctx, enabled, target, "p-"+string(rune('a'+arg%3)))
			case 10:
				a = appointment.ActionUnlink
				got, err = fx.desk.UnlinkPractice(ctx, enabled, target)
			case 11:
				fx.clock.Set(fx.clock.Now().Add(time.Duration(arg) * 7 * time.Minute))
				continue
			case 12:
				if _, err := fx.desk.SweepDrafts(ctx, "t1"); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if before == nil {
				if err == nil {
					t.Fatalf("%s on a missing booking succeeded", a)
				}
				continue
			}
			after, _ := fx.store.Get(ctx, "t1", target)
			if err != nil {
				if after != nil && after.Version != before.Version {
					t.Fatalf("refused %s changed the booking: %v", a, err)
				}
				if errors.Is(err, appointment.ErrInvalidTransition) {
					var te *appointment.TransitionError
					if errors.As(err, &te) && te.Reason == "" && appointment.Allows(before.Status, a) {
						t.Fatalf("%s from %v refused without a reason, but the table has it", a, before.Status)
					}
				}
				continue
			}
			if !inTable(before.Status, a, got.Status) {
				t.Fatalf("%s took %v to %v: no such row in Transitions()", a, before.Status, got.Status)
			}
			wantRes := before.Reschedules
			if a == appointment.ActionMove && before.Status != appointment.StatusDraft {
				wantRes++
			}
			if got.Reschedules != wantRes {
				t.Fatalf("%s: reschedules %d, want %d", a, got.Reschedules, wantRes)
			}
		}
		held, err := fx.store.HeldPlaces(ctx, "t1", "anagrafe", at(1, 0, 0), at(10, 0, 0), fx.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range held {
			if h.Places > 3 {
				t.Fatalf("slot %v holds %d places, queue 3", h.Start, h.Places)
			}
		}
	})
}

func inTable(from appointment.Status, a appointment.Action, to appointment.Status) bool {
	for _, tr := range appointment.Transitions() {
		if tr.From == from && tr.Action == a && tr.To == to {
			return true
		}
	}
	return false
}

// FuzzParseStatus: any text either parses to a valid status that round
// trips through its name, or is refused.
func FuzzParseStatus(f *testing.F) {
	for _, s := range []string{"pending", "6", " Draft ", "7", "", "approvato", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, ok := appointment.ParseStatus(text)
		if !ok {
			if s != appointment.StatusNone {
				t.Fatalf("%q refused but gave %v", text, s)
			}
			return
		}
		if !s.Valid() {
			t.Fatalf("%q parsed to %v", text, s)
		}
		if again, ok := appointment.ParseStatus(s.String()); !ok || again != s {
			t.Fatalf("%v does not round trip", s)
		}
	})
}

// FuzzSearchCursor: any cursor is either a page or a *ValidationError.
func FuzzSearchCursor(f *testing.F) {
	fx := newFixture(f)
	for d := 3; d <= 4; d++ {
		fx.confirmed(f, mario, pick(d, 9, 0))
	}
	p, err := fx.desk.Search(ctx, enabled, appointment.Query{Calendar: "anagrafe"}, "", 1)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(p.Next)
	f.Add("")
	f.Add("!!")
	f.Fuzz(func(t *testing.T, cursor string) {
		_, err := fx.desk.Search(ctx, enabled, appointment.Query{Calendar: "anagrafe"}, cursor, 1)
		if err != nil && !errors.Is(err, appointment.ErrValidation) {
			t.Fatalf("%q: %v", cursor, err)
		}
	})
}
