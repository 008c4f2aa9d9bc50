package appointment_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/auth"
)

// actors in the matrix's column order.
var actors = []struct {
	name string
	who  auth.Principal
}{
	{"citizen owner", mario}, {"other citizen", luigi}, {"enabled operator", enabled}, {"calendar owner", owner},
	{"moderator", moderator}, {"other operator", otherOp}, {"admin", admin}, {"other tenant", foreign}, {"platform", platform},
}

// matrix is the permission rule written out: one row per command, one
// letter per actor (Y allowed, - refused) in the order of actors.
var matrix = map[appointment.Action]string{
	appointment.ActionBook:    "Y--------",
	appointment.ActionConfirm: "Y--------",
	appointment.ActionCancel:  "Y-YYY-Y-Y",
	appointment.ActionView:    "Y-YYY-Y-Y",
	appointment.ActionCreate:  "--YYY-Y-Y",
	appointment.ActionApprove: "--YYY-Y-Y",
	appointment.ActionRefuse:  "--YYY-Y-Y",
	appointment.ActionMiss:    "--YYY-Y-Y",
	appointment.ActionDone:    "--YYY-Y-Y",
	appointment.ActionMove:    "--YYY-Y-Y",
	appointment.ActionModify:  "--YYY-Y-Y",
	appointment.ActionLink:    "--YYY-Y-Y",
	appointment.ActionUnlink:  "--YYY-Y-Y",
	appointment.ActionExpire:  "--YYY-Y-Y",
	appointment.ActionSearch:  "--YYY-Y-Y",
}

func marioBooking() *appointment.Booking {
	return &appointment.Booking{ID: "b1", Tenant: "t1", Calendar: "anagrafe", CitizenID: "u-mario",
		FiscalCode: "RSSMRA80A01H501U", Moderators: []string{"op-owner", "op-mod"}}
}

func TestPermissionMatrix(t *testing.T) {
	all := append(appointment.Actions(), appointment.ActionView, appointment.ActionSearch)
	if len(matrix) != len(all) {
		t.Fatalf("matrix has %d rows, there are %d actions", len(matrix), len(all))
	}
	for _, a := range all {
		row, ok := matrix[a]
		if !ok {
			t.Fatalf("no matrix row for %s", a)
		}
		for i, actor := range actors {
			err := appointment.Authorize(actor.who, a, marioBooking())
			want := row[i] == 'Y'
			if (err == nil) != want {
				t.Errorf("%s by %s: %v, want allowed=%v", a, actor.name, err, want)
			}
			var pe *auth.PermissionError
			if err != nil && (!errors.Is(err, auth.ErrForbidden) || !errors.As(err, &pe)) {
				t.Errorf("%s by %s: %v is not a *auth.PermissionError", a, actor.name, err)
			}
		}
	}
}

func TestCitizenOwnsByFiscalCode(t *testing.T) {
	b := marioBooking()
	b.CitizenID = "" // made by an operator for a citizen without an account
	if err := appointment.Authorize(mario, appointment.ActionCancel, b); err != nil {
		t.Fatalf("owner by codice fiscale: %v", err)
	}
	if err := appointment.Authorize(luigi, appointment.ActionView, b); err == nil {
		t.Fatal("another citizen may see it")
	}
	noCode := mario
	noCode.FiscalCode = auth.FiscalCode{}
	if err := appointment.Authorize(noCode, appointment.ActionView, b); err == nil {
		t.Fatal("a citizen without a code owns it")
	}
	if err := appointment.Authorize(mario, appointment.ActionView, nil); err == nil {
		t.Fatal("nil booking allowed")
	}
}

// TestDeskEnforcesTheMatrix runs every operator command and the
// citizen's cancel and view through the Desk for every actor: a refused
// actor gets *auth.PermissionError (or ErrNotFound across tenants) and
// changes nothing.
func TestDeskEnforcesTheMatrix(t *testing.T) {
	ctx := context.Background()
	commands := map[appointment.Action]func(f *fixture, who auth.Principal, id appointment.ID) error{
		appointment.ActionView: func(f *fixture, who auth.Principal, id appointment.ID) error {
			_, err := f.desk.Get(ctx, who, id)
			return err
		},
		appointment.ActionCancel: func(f *fixture, who auth.Principal, id appointment.ID) error {
			_, err := f.desk.Cancel(ctx, who, id)
			return err
		},
		appointment.ActionRefuse: func(f *fixture, who auth.Principal, id appointment.ID) error {
			_, err := f.desk.Refuse(ctx, who, id, "documenti mancanti")
			return err
		},
		appointment.ActionMove: func(f *fixture, who auth.Principal, id appointment.ID) error {
			_, err := f.desk.Move(ctx, who, id, at(4, 9, 0), at(4, 9, 30))
			return err
		},
		appointment.ActionModify: func(f *fixture, who auth.Principal, id appointment.ID) error {
			notes := "nuove note"
			_, err := f.desk.Modify(ctx, who, id, appointment.Changes{Notes: &notes})
			return err
		},
		appointment.ActionLink: func(f *fixture, who auth.Principal, id appointment.ID) error {
			_, err := f.desk.LinkPractice(ctx, who, id, "pratica-1")
			return err
		},
		appointment.ActionUnlink: func(f *fixture, who auth.Principal, id appointment.ID) error {
			_, err := f.desk.UnlinkPractice(ctx, who, id)
			return err
		},
		appointment.ActionMiss: func(f *fixture, who auth.Principal, id appointment.ID) error {
			f.clock.Set(at(3, 10, 0))
			_, err := f.desk.MarkMissed(ctx, who, id)
			return err
		},
		appointment.ActionDone: func(f *fixture, who auth.Principal, id appointment.ID) error {
			f.clock.Set(at(3, 10, 0))
			_, err := f.desk.MarkDone(ctx, who, id)
			return err
		},
	}
	for a, run := range commands {
		for i, actor := range actors {
			t.Run(string(a)+"/"+actor.name, func(t *testing.T) {
				f := newFixture(t)
				b, _ := f.confirmed(t, mario, pick(3, 9, 0))
				err := run(f, actor.who, b.ID)
				allowed := matrix[a][i] == 'Y'
				refused := errors.Is(err, auth.ErrForbidden) || errors.Is(err, appointment.ErrNotFound)
				if allowed == refused {
					t.Fatalf("%v, want allowed=%v", err, allowed)
				}
				if refused {
					f.clock.Set(t0)
					after, gerr := f.desk.Get(ctx, admin, b.ID)
					if gerr != nil || after.Version != b.Version {
						t.Fatalf("refused command changed the booking: %v", gerr)
					}
				}
			})
		}
	}
	// Create on behalf and search.
	// Across tenants: t2 has no calendar of that ID, so its admin finds
	// nothing to book on or search.
	for i, actor := range actors {
		f := newFixture(t)
		f.cals.mu.Lock()
		delete(f.cals.m, "t2/anagrafe")
		f.cals.mu.Unlock()
		_, _, err := f.desk.Create(ctx, actor.who, appointment.NewBooking{Calendar: "anagrafe", Start: at(3, 9, 0), End: at(3, 9, 30),
			FiscalCode: "RSSMRA80A01H501U", Name: "Mario Rossi"})
		allowed := matrix[appointment.ActionCreate][i] == 'Y'
		if (err == nil) != allowed || (err != nil && !errors.Is(err, auth.ErrForbidden) && !errors.Is(err, appointment.ErrNotFound)) {
			t.Errorf("create by %s: %v", actor.name, err)
		}
		_, err = f.desk.Search(ctx, actor.who, appointment.Query{Calendar: "anagrafe"}, "", 10)
		if (err == nil) != (matrix[appointment.ActionSearch][i] == 'Y') {
			t.Errorf("search by %s: %v", actor.name, err)
		}
	}
}

func TestAnotherCitizensBookingIsNotFound(t *testing.T) {
	f := newFixture(t)
	b, _ := f.confirmed(t, mario, pick(3, 9, 0))
	if _, err := f.desk.Get(ctx, luigi, b.ID); !errors.Is(err, appointment.ErrNotFound) {
		t.Fatalf("other citizen: %v", err)
	}
	if _, err := f.desk.Get(ctx, otherOp, b.ID); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("operator of another calendar: %v", err)
	}
}
