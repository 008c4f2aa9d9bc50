package payment

import (
	"errors"
	"testing"
	"time"
)

func TestNextFollowsReferenceTable(t *testing.T) {
	// The reference's moves, written out independently of the table.
	allowed := map[Status][]Status{
		StatusCreationPending: {StatusCreationFailed, StatusPending},
		StatusPending:         {StatusStarted, StatusCanceled, StatusComplete, StatusExpired},
		StatusStarted:         {StatusComplete, StatusExpired},
	}
	for from, tos := range allowed {
		for _, to := range tos {
			step, ok := stepTo(to)
			if !ok {
				t.Fatalf("no step reaches %s", to)
			}
			if got, ok := Next(from, step); !ok || got != to {
				t.Errorf("Next(%s, %s) = %s, %v; want %s", from, step, got, ok, to)
			}
		}
	}
	for _, tr := range Transitions() {
		if tr.From == StatusComplete {
			t.Errorf("complete must be final, table has %v", tr)
		}
		if tr.From.IsFinal() && tr.To != StatusComplete {
			t.Errorf("a final record may only be completed by a late receipt, table has %v", tr)
		}
		if !tr.From.Valid() || !tr.To.Valid() {
			t.Errorf("invalid status in %v", tr)
		}
	}
	if _, ok := Next(StatusStarted, StepCancel); ok {
		t.Error("a started payment cannot be canceled")
	}
	if _, ok := Next(StatusComplete, StepExpire); ok {
		t.Error("a complete payment cannot expire")
	}
}

func TestDecideNotifications(t *testing.T) {
	tests := []struct {
		name              string
		current, notified Status
		outcome           Outcome
		to                Status
		reason            IgnoreReason
	}{
		{"position created", StatusCreationPending, StatusPending, Applied, StatusPending, ""},
		{"started", StatusPending, StatusStarted, Applied, StatusStarted, ""},
		{"paid", StatusStarted, StatusComplete, Applied, StatusComplete, ""},
		{"paid without start", StatusPending, StatusComplete, Applied, StatusComplete, ""},
		{"expired at gateway", StatusStarted, StatusExpired, Applied, StatusExpired, ""},
		{"failed", StatusStarted, StatusFailed, Applied, StatusFailed, ""},
		{"canceled at gateway", StatusPending, StatusCanceled, Applied, StatusCanceled, ""},
		{"duplicate started", StatusStarted, StatusStarted, Ignored, "", ReasonDuplicate},
		{"duplicate complete keeps first receipt", StatusComplete, StatusComplete, Ignored, "", ReasonDuplicate},
		{"pending after started", StatusStarted, StatusPending, Ignored, "", ReasonBackwards},
		{"pending after complete", StatusComplete, StatusPending, Ignored, "", ReasonBackwards},
		{"started after complete", StatusComplete, StatusStarted, Ignored, "", ReasonBackwards},
		{"expired after complete", StatusComplete, StatusExpired, Ignored, "", ReasonBackwards},
		{"started after expired", StatusExpired, StatusStarted, Ignored, "", ReasonBackwards},
		{"canceled while started", StatusStarted, StatusCanceled, Ignored, "", ReasonStale},
		{"late complete after expiry", StatusExpired, StatusComplete, Applied, StatusComplete, ""},
		{"late complete after cancel", StatusCanceled, StatusComplete, Applied, StatusComplete, ""},
		{"late complete after failure", StatusFailed, StatusComplete, Applied, StatusComplete, ""},
		{"complete before creation recorded", StatusCreationPending, StatusComplete, Applied, StatusComplete, ""},
		{"creation_pending is never notified", StatusPending, StatusCreationPending, Ignored, "", ReasonStale},
		{"unknown status", StatusPending, Status("bogus"), Ignored, "", ReasonStale},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Decide(tt.current, tt.notified)
			want := Decision{Outcome: tt.outcome, To: tt.to, Reason: tt.reason}
			if got != want {
				t.Fatalf("Decide(%s, %s) = %+v, want %+v", tt.current, tt.notified, got, want)
			}
		})
	}
}

// TestOutOfOrderSequences replays notification orders and checks where the
// record ends up.
func TestOutOfOrderSequences(t *testing.T) {
	tests := []struct {
		name  string
		notes []Status
		want  Status
	}{
		{"in order", []Status{StatusPending, StatusStarted, StatusComplete}, StatusComplete},
		{"reversed", []Status{StatusComplete, StatusStarted, StatusPending}, StatusComplete},
		{"each twice", []Status{StatusPending, StatusPending, StatusStarted, StatusStarted, StatusComplete, StatusComplete}, StatusComplete},
		{"expiry overtaken by receipt", []Status{StatusPending, StatusExpired, StatusComplete, StatusExpired}, StatusComplete},
		{"started then late pending", []Status{StatusPending, StatusStarted, StatusPending}, StatusStarted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := StatusCreationPending
			for _, n := range tt.notes {
				if d := Decide(st, n); d.Outcome == Applied {
					st = d.To
				}
			}
			if st != tt.want {
				t.Fatalf("ended in %s, want %s", st, tt.want)
			}
		})
	}
}

func TestApplyRecordsHistoryAndEvent(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	p := &Payment{ID: "p1", Tenant: "t", Subject: "s", Status: StatusPending}
	ev, err := p.apply(StepStart, at, "gateway", "", "e1")
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != StatusStarted || len(p.History) != 1 || p.History[0] != (Change{At: at, From: StatusPending, To: StatusStarted, Source: "gateway"}) {
		t.Fatalf("record after apply: %+v", p)
	}
	if ev != (Event{ID: "e1", Tenant: "t", PaymentID: "p1", Subject: "s", From: StatusPending, To: StatusStarted, At: at}) {
		t.Fatalf("event %+v", ev)
	}
	_, err = p.apply(StepCancel, at, "cancel", "op", "e2")
	var te *TransitionError
	if !errors.As(err, &te) || !errors.Is(err, ErrInvalidTransition) || te.From != StatusStarted || te.Step != StepCancel {
		t.Fatalf("cancel of a started payment: %v", err)
	}
	if p.Status != StatusStarted || len(p.History) != 1 {
		t.Fatal("a refused step changed the record")
	}
}

func TestStatusPredicates(t *testing.T) {
	for _, s := range []Status{StatusCreationPending, StatusCreationFailed, StatusPending, StatusStarted, StatusFailed, StatusComplete, StatusCanceled, StatusExpired} {
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
		if s.IsFinal() == s.IsOpen() {
			t.Errorf("%s must be either final or open", s)
		}
	}
	if Status("x").Valid() || Applied.String() != "applied" || Ignored.String() != "ignored" || Outcome(0).String() != "unknown" {
		t.Error("predicates")
	}
}
