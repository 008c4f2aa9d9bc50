package practice

import (
	"errors"
	"slices"
	"testing"
)

func TestStatusNamesLabelsAndFinality(t *testing.T) {
	cases := []struct {
		s      Status
		name   string
		it, en string
		final  bool
	}{
		{StatusDraft, "draft", "Bozza", "Draft", false},
		{StatusPaymentPending, "payment_pending", "In attesa di pagamento", "Waiting for payment", false},
		{StatusPaymentOutcomePending, "payment_outcome_pending", "In attesa dell'esito di pagamento", "Waiting for the payment outcome", false},
		{StatusPaymentSuccess, "payment_success", "Pagamento avvenuto con successo", "Payment successful", false},
		{StatusPaymentError, "payment_error", "Pagamento rifiutato", "Payment refused", false},
		{StatusPreSubmit, "pre_submit", "Inviata", "Sent", false},
		{StatusSubmitted, "submitted", "Acquisita", "Acquired", false},
		{StatusRegistered, "registered", "Protocollata", "Registered", false},
		{StatusPending, "pending", "Presa in carico", "Taken in charge", false},
		{StatusRequestIntegration, "request_integration", "Richiesta integrazioni", "Integration requested", false},
		{StatusDraftForIntegration, "draft_for_integration", "In attesa di integrazioni", "Waiting for integrations", false},
		{StatusSubmittedAfterIntegration, "submitted_after_integration", "Integrazioni concluse", "Integrations sent", false},
		{StatusRegisteredAfterIntegration, "registered_after_integration", "Integrazioni protocollate", "Integrations registered", false},
		{StatusPendingAfterIntegration, "pending_after_integration", "Presa in carico in seguito a integrazioni", "Taken in charge after integrations", false},
		{StatusCompleteWaitingDocument, "complete_waiting_document", "Accettata (in attesa di protocollo)", "Accepted (outcome being registered)", false},
		{StatusComplete, "complete", "Accettata", "Accepted", true},
		{StatusCancelledWaitingDocument, "cancelled_waiting_document", "Rifiutata (in attesa di protocollo)", "Rejected (outcome being registered)", false},
		{StatusCancelled, "cancelled", "Rifiutata", "Rejected", true},
		{StatusWithdrawn, "withdrawn", "Ritirata", "Withdrawn", true},
		{StatusRevoked, "revoked", "Annullata", "Revoked", true},
	}
	// The platform's codes, as reference/practice.md lists them.
	codes := map[string]int{"draft": 1000, "payment_pending": 1500, "payment_outcome_pending": 1510,
		"payment_success": 1520, "payment_error": 1530, "pre_submit": 1900, "submitted": 2000, "registered": 3000,
		"pending": 4000, "request_integration": 4100, "draft_for_integration": 4200, "submitted_after_integration": 4300,
		"registered_after_integration": 4400, "pending_after_integration": 4500, "complete_waiting_document": 6000,
		"complete": 7000, "cancelled_waiting_document": 8000, "cancelled": 9000, "withdrawn": 20000, "revoked": 50000}
	if len(cases) != len(Statuses()) {
		t.Fatalf("%d cases for %d statuses: every status must be checked", len(cases), len(Statuses()))
	}
	for _, c := range cases {
		if int(c.s) != codes[c.name] {
			t.Errorf("%s has code %d, want %d", c.name, int(c.s), codes[c.name])
		}
		if c.s.String() != c.name || c.s.Label("it") != c.it || c.s.Label("en") != c.en || c.s.IsFinal() != c.final {
			t.Errorf("%d: %q %q %q %v", int(c.s), c.s.String(), c.s.Label("it"), c.s.Label("en"), c.s.IsFinal())
		}
	}
	finals := 0
	for _, s := range Statuses() {
		back, ok := ParseStatus(s.String())
		if !ok || back != s || !s.Valid() {
			t.Errorf("%d does not round-trip through its name", int(s))
		}
		if s.IsFinal() {
			finals++
		}
	}
	if len(Statuses()) != 20 || finals != 4 {
		t.Fatalf("%d statuses, %d final; want 20 and 4", len(Statuses()), finals)
	}
	if Status(1234).Valid() || Status(1234).String() != "1234" || StatusNone.String() != "none" {
		t.Fatal("unknown codes must not look valid")
	}
	for _, a := range Actions() {
		if back, ok := ParseAction(a.String()); !ok || back != a {
			t.Errorf("action %d does not round-trip", a)
		}
	}
}

// settings is one combination of the service settings that change the
// rules.
type settings struct {
	protocol, approval                bool
	pay                               PaymentMode
	integration, withdraw, reopen, sc bool
}

func (s settings) facts() Facts {
	svc := Service{ProtocolRequired: s.protocol, Workflow: WorkflowForward, Payment: s.pay,
		AllowIntegrationRequest: s.integration, AllowWithdraw: s.withdraw, AllowReopening: s.reopen, AllowStatusChange: s.sc}
	if s.approval {
		svc.Workflow = WorkflowApproval
	}
	return svc.Facts()
}

func allSettings() []settings {
	var out []settings
	for bits := 0; bits < 64; bits++ {
		for _, pay := range []PaymentMode{PaymentNone, PaymentRequired, PaymentDeferred} {
			b := func(i int) bool { return bits&(1<<i) != 0 }
			out = append(out, settings{b(0), b(1), pay, b(2), b(3), b(4), b(5)})
		}
	}
	return out
}

// cmd is what a command knows about the pratica and its input.
type cmd struct {
	made, accepted, due, replied bool
	outcome                      string // "", "started", "complete", "failed"
}

func (c cmd) facts() Facts {
	var f Facts
	if c.made {
		f |= FactPaymentMade
	}
	if c.accepted {
		f |= FactAccepted
	}
	if c.due {
		f |= FactAmountDue
	}
	if c.replied {
		f |= FactCitizenReplied
	}
	switch c.outcome {
	case "started":
		f |= FactPaymentStarted
	case "complete":
		f |= FactPaymentComplete
	case "failed":
		f |= FactPaymentFailed
	}
	return f
}

func allCmds() []cmd {
	var out []cmd
	for bits := 0; bits < 16; bits++ {
		for _, o := range []string{"", "started", "complete", "failed"} {
			b := func(i int) bool { return bits&(1<<i) != 0 }
			out = append(out, cmd{b(0), b(1), b(2), b(3), o})
		}
	}
	return out
}

// expect is the reference (reference/practice.md) written out a second
// time, independently of the table, as plain conditions.
func expect(from Status, a Action, s settings, c cmd) (Status, bool) {
	in := func(set ...Status) bool { return slices.Contains(set, from) }
	switch a {
	case ActionCreate:
		return StatusDraft, from == StatusNone
	case ActionEdit:
		return from, in(1000, 1500, 4200)
	case ActionDelete:
		return StatusNone, from == 1000
	case ActionSubmit:
		return 1900, from == 1000 && s.pay != PaymentRequired
	case ActionPay:
		if from == 1000 {
			return 1500, s.pay == PaymentRequired
		}
		return 1500, from == 1500 && s.pay != PaymentNone
	case ActionPaymentOutcome:
		switch {
		case from == 1500 && c.outcome == "started":
			return 1510, true
		case in(1500, 1510) && c.outcome == "complete":
			return 1520, true
		case in(1500, 1510) && c.outcome == "failed":
			return 1530, true
		}
	case ActionRegisterPayment:
		return 1520, in(1500, 1510) && s.pay != PaymentNone
	case ActionPaymentDone:
		if from != 1520 {
			return 0, false
		}
		switch {
		case !c.accepted:
			return 1900, true
		case s.protocol:
			return 6000, true
		default:
			return 7000, true
		}
	case ActionAcquire:
		return 2000, from == 1900
	case ActionRegisterProtocol:
		next := map[Status]Status{2000: 3000, 4100: 4200, 4300: 4400, 6000: 7000, 8000: 9000}[from]
		return next, s.protocol && next != 0
	case ActionSkipProtocol:
		next := map[Status]Status{4100: 4200, 4300: 4000}[from]
		return next, !s.protocol && next != 0
	case ActionTakeInCharge:
		switch {
		case !s.approval:
		case from == 2000 && !s.protocol, from == 3000:
			return 4000, true
		case from == 4400:
			return 4500, true
		}
	case ActionRequestIntegration:
		return 4100, s.integration && in(4000, 4500)
	case ActionAnswerIntegration, ActionCancelIntegration:
		return 4300, from == 4200
	case ActionAcceptIntegration:
		return 4300, from == 4200 && c.replied
	case ActionAccept:
		if !in(4000, 4500) {
			return 0, false
		}
		switch {
		case c.due:
			return 1500, s.pay == PaymentDeferred
		case s.protocol:
			return 6000, true
		default:
			return 7000, true
		}
	case ActionReject:
		if s.protocol {
			return 8000, in(4000, 4500)
		}
		return 9000, in(4000, 4500)
	case ActionRequestStampDuty:
		return from, in(4000, 4500)
	case ActionWithdraw:
		return 20000, s.withdraw && !c.made && in(1900, 2000, 3000, 4000, 4100, 4200, 4400)
	case ActionReopen:
		return 4000, s.reopen && s.approval && in(7000, 9000, 20000)
	case ActionMessage, ActionNote:
		return from, from.Valid() && from != 1000
	case ActionChangeAssignee:
		return from, from.Valid() && from != 1000 && !from.IsFinal()
	case ActionTakeOver:
		return from, s.approval && from.Valid() && from != 1000 && from < 5000
	case ActionCitizenMessage:
		return from, in(4000, 4100, 4200, 4300, 4400, 4500, 6000, 8000)
	}
	return 0, false
}

func expectManual(from, to Status, s settings) bool {
	if !s.sc || !from.Valid() || from == 1000 || from == to {
		return false
	}
	switch to {
	case 1500:
		return s.pay != PaymentNone
	case 2000, 3000, 50000:
		return true
	case 4000:
		return s.approval
	case 4500: // the reference's 4300→4500, made by the manual change
		return s.approval && from == 4300
	}
	return false
}

// TestEveryTransitionForEverySetting compares the table with the
// reference, for every status, action, combination of service settings and
// fact about the pratica; a refused move must give *TransitionError.
func TestEveryTransitionForEverySetting(t *testing.T) {
	froms := append([]Status{StatusNone}, Statuses()...)
	all := allCmds()
	// Actions whose rules read no fact about the pratica are checked with
	// none and with every one of them.
	few := []cmd{{}, {made: true, accepted: true, due: true, replied: true, outcome: "complete"}}
	usesCmd := []Action{ActionPaymentOutcome, ActionPaymentDone, ActionAccept, ActionWithdraw, ActionAcceptIntegration}
	for _, s := range allSettings() {
		sf := s.facts()
		for _, from := range froms {
			for _, a := range Actions() {
				if a == ActionChangeStatus {
					for _, to := range froms {
						if got, want := Allowed(from, a, to, sf), expectManual(from, to, s); got != want {
							t.Fatalf("%+v: change_status %v→%v allowed=%v, want %v", s, from, to, got, want)
						}
					}
					continue
				}
				cmds := few
				if slices.Contains(usesCmd, a) {
					cmds = all
				}
				for _, c := range cmds {
					f := sf | c.facts()
					got, ok := Next(from, a, f)
					want, wok := expect(from, a, s, c)
					if ok != wok || ok && got != want {
						t.Fatalf("%+v %+v: %s from %v = (%v, %v), want (%v, %v)", s, c, a, from, got, ok, want, wok)
					}
					if ok && !Allowed(from, a, got, f) {
						t.Fatalf("Allowed disagrees with Next for %s from %v", a, from)
					}
					if !ok {
						_, err := step(&Practice{ID: "p", Status: from}, a, f)
						var te *TransitionError
						if !errors.As(err, &te) || !errors.Is(err, ErrInvalidTransition) || te.From != from || te.Action != a {
							t.Fatalf("refused %s from %v: %v", a, from, err)
						}
					}
				}
			}
		}
	}
}

// TestTransitionsAreUnambiguous: apart from the manual status change, at
// most one transition of an action applies from a status under any facts.
func TestTransitionsAreUnambiguous(t *testing.T) {
	ts := Transitions()
	for i, a := range ts {
		if !a.From.Valid() && a.From != StatusNone || !a.To.Valid() && a.To != StatusNone {
			t.Errorf("transition %d names an unknown status: %+v", i, a)
		}
		for _, b := range ts[i+1:] {
			if a.Action != b.Action || a.From != b.From || a.Action == ActionChangeStatus {
				continue
			}
			when := a.When | b.When
			unless := a.Unless | b.Unless
			anyOK := func(any Facts) bool { return any == 0 || any&^unless != 0 }
			if when&unless == 0 && anyOK(a.Any) && anyOK(b.Any) {
				t.Errorf("%s from %v: %v and %v may both apply", a.Action, a.From, a.To, b.To)
			}
		}
	}
}

func TestTransitionsReturnsACopy(t *testing.T) {
	ts := Transitions()
	ts[0].To = StatusRevoked
	if Transitions()[0].To == StatusRevoked {
		t.Fatal("Transitions exposes the table")
	}
}

func TestFactsNames(t *testing.T) {
	f := FactProtocol | FactPaymentFailed
	if got := f.Names(); !slices.Equal(got, []string{"protocol", "payment_failed"}) {
		t.Fatalf("names %v", got)
	}
	if !f.Has(FactProtocol) || f.Has(FactApproval) || settingFacts&FactAccepted != 0 {
		t.Fatal("Has is wrong")
	}
}

func TestStatusSlotsAreDense(t *testing.T) {
	// The slots come from statusTable by binary search: it must list each
	// code once, ascending.
	for i := 1; i < len(statusTable); i++ {
		if statusTable[i-1].s >= statusTable[i].s {
			t.Fatalf("statusTable is not strictly ascending at %v, %v", statusTable[i-1].s, statusTable[i].s)
		}
	}
	seen := map[int]bool{statusSlot(StatusNone): true}
	for _, s := range Statuses() {
		i := statusSlot(s)
		if i <= 0 || i >= statusSlots || seen[i] {
			t.Fatalf("status %v has slot %d", s, i)
		}
		seen[i] = true
	}
	if statusSlot(Status(1234)) != -1 {
		t.Fatal("unknown status has a slot")
	}
	if _, ok := Next(Status(1234), ActionAcquire, 0); ok {
		t.Fatal("unknown status moved")
	}
}

// TestReferenceMovesAreAllInTheTable: every move the reference lists has
// at least one transition in the table (by a named command or by the
// manual status change), so the table is complete.
func TestReferenceMovesAreAllInTheTable(t *testing.T) {
	moves := map[Status][]Status{
		1000: {1900, 1500}, 1500: {1510, 1520, 1530}, 1510: {1520, 1530}, 1520: {1900, 6000, 7000},
		1900: {2000}, 2000: {3000, 4000}, 3000: {4000},
		4000: {4100, 1500, 6000, 7000, 8000, 9000}, 4100: {4200}, 4200: {4300}, 4300: {4400, 4500, 4000},
		4400: {4500, 4000}, 4500: {4000, 4100, 6000, 7000, 8000, 9000}, 6000: {7000}, 8000: {9000},
		7000: {4000}, 9000: {4000}, 20000: {4000},
	}
	for _, from := range []Status{1900, 2000, 3000, 4000, 4100, 4200, 4400} {
		moves[from] = append(moves[from], StatusWithdrawn)
	}
	has := map[[2]Status]bool{}
	for _, tr := range Transitions() {
		has[[2]Status{tr.From, tr.To}] = true
	}
	for from, tos := range moves {
		for _, to := range tos {
			if !has[[2]Status{from, to}] {
				t.Errorf("the reference's move %d→%d has no transition", from, to)
			}
		}
	}
}
