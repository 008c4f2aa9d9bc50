package appointment

import (
	"errors"
	"testing"
)

// referenceNext is the lifecycle of reference/calendar.md and issue 12,
// written out independently of the package's table: what each action does
// from each status, given whether the calendar is moderated and whether
// the booking's start has passed.
func referenceNext(from Status, a Action, moderated, started bool) (Status, bool) {
	switch from {
	case StatusNone:
		switch a {
		case ActionBook:
			return StatusDraft, true
		case ActionCreate:
			return StatusApproved, true
		}
	case StatusDraft:
		switch a {
		case ActionConfirm:
			if started {
				return StatusNone, false
			}
			if moderated {
				return StatusPending, true
			}
			return StatusApproved, true
		case ActionMove:
			return StatusDraft, !started
		case ActionModify:
			return StatusDraft, true
		case ActionCancel:
			return StatusCancelled, true
		case ActionExpire:
			return StatusNone, true
		}
	case StatusPending, StatusApproved:
		switch a {
		case ActionApprove:
			return StatusApproved, from == StatusPending && !started
		case ActionRefuse:
			return StatusRefused, !started
		case ActionCancel:
			return StatusCancelled, !started
		case ActionMove: // moving a pending booking approves it
			return StatusApproved, !started
		case ActionMiss:
			return StatusMissed, started
		case ActionDone:
			return StatusDone, started
		case ActionModify, ActionLink, ActionUnlink:
			return from, true
		}
	}
	return StatusNone, false
}

var allFacts = []Facts{0, FactModerated, FactStarted, FactModerated | FactStarted}

func TestNextIsTheReferenceLifecycle(t *testing.T) {
	froms := append([]Status{StatusNone}, Statuses()...)
	for _, from := range froms {
		for _, a := range Actions() {
			for _, f := range allFacts {
				wantTo, wantOK := referenceNext(from, a, f.Has(FactModerated), f.Has(FactStarted))
				gotTo, gotOK := Next(from, a, f)
				if gotOK != wantOK || (wantOK && gotTo != wantTo) {
					t.Errorf("Next(%v, %s, %v) = %v, %v; reference %v, %v", from, a, f.Names(), gotTo, gotOK, wantTo, wantOK)
				}
			}
		}
	}
}

func TestTransitionsHaveNoDuplicates(t *testing.T) {
	for i, a := range transitions {
		for _, b := range transitions[i+1:] {
			if a.From == b.From && a.Action == b.Action && (a.When&^b.Unless == a.When && b.When&^a.Unless == b.When) {
				// Two rows of one (from, action) must exclude each other.
				if a.When&b.Unless == 0 && b.When&a.Unless == 0 {
					t.Errorf("rows %v and %v overlap", a, b)
				}
			}
		}
	}
}

func TestFinalStatusesHaveNoWayOut(t *testing.T) {
	for _, s := range Statuses() {
		out := false
		for _, tr := range Transitions() {
			if tr.From == s {
				out = true
			}
		}
		if s.IsFinal() == out {
			t.Errorf("%v: IsFinal %v but table has a way out: %v", s, s.IsFinal(), out)
		}
	}
}

func TestRefusedActionFromEveryStatus(t *testing.T) {
	for _, from := range Statuses() {
		for _, a := range Actions() {
			for _, f := range allFacts {
				if _, ok := referenceNext(from, a, f.Has(FactModerated), f.Has(FactStarted)); ok {
					continue
				}
				b := &Booking{ID: "b1", Status: from}
				_, err := step(b, a, f)
				var te *TransitionError
				if !errors.As(err, &te) || !errors.Is(err, ErrInvalidTransition) {
					t.Fatalf("%s from %v: %v, want *TransitionError", a, from, err)
				}
				if te.ID != "b1" || te.From != from || te.Action != a {
					t.Errorf("%s from %v: detail %+v", a, from, te)
				}
			}
		}
	}
}

func TestStatusNamesLabelsAndCodes(t *testing.T) {
	tests := []struct {
		s        Status
		code     int
		name, it string
		en       string
		final    bool
	}{
		{StatusPending, 0, "pending", "In attesa di approvazione", "Awaiting approval", false},
		{StatusApproved, 1, "approved", "Approvato", "Approved", false},
		{StatusRefused, 2, "refused", "Rifiutato", "Refused", true},
		{StatusMissed, 3, "missed", "Assente", "Missed", true},
		{StatusDone, 4, "done", "Concluso", "Done", true},
		{StatusCancelled, 5, "cancelled", "Annullato", "Cancelled", true},
		{StatusDraft, 6, "draft", "Bozza", "Draft", false},
	}
	if len(tests) != len(Statuses()) {
		t.Fatalf("%d statuses, table has %d", len(Statuses()), len(tests))
	}
	for _, tt := range tests {
		if int(tt.s) != tt.code || tt.s.String() != tt.name || tt.s.Label("it") != tt.it || tt.s.Label("EN") != tt.en || tt.s.IsFinal() != tt.final {
			t.Errorf("%d: got %q %q %q final=%v", tt.code, tt.s, tt.s.Label("it"), tt.s.Label("en"), tt.s.IsFinal())
		}
		for _, text := range []string{tt.name, " " + tt.name + " ", string(rune('0' + tt.code))} {
			if got, ok := ParseStatus(text); !ok || got != tt.s {
				t.Errorf("ParseStatus(%q) = %v, %v", text, got, ok)
			}
		}
	}
	for _, bad := range []string{"", "7", "-1", "none", "approvato"} {
		if got, ok := ParseStatus(bad); ok {
			t.Errorf("ParseStatus(%q) = %v, true; want false", bad, got)
		}
	}
	if StatusNone.String() != "none" || Status(9).String() != "status(9)" || Status(9).Label("it") != "status(9)" {
		t.Errorf("unknown statuses: %q %q", StatusNone, Status(9))
	}
	if StatusApproved.Label("de") != "Approvato" {
		t.Errorf("unknown language falls back to Italian")
	}
}
