package practice_test

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/practice"
)

// fuzzCommands are the commands a random walk picks from.
var fuzzCommands = []func(f *fixture, who auth.Principal, p *practice.Practice) error{
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.Edit(f.ctx, who, p.ID, map[string]any{"x": 1})
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.Submit(f.ctx, who, p.ID)
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.Pay(f.ctx, who, p.ID)
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.AnswerIntegration(f.ctx, who, p.ID, practice.AnswerInput{Text: "a"})
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.Withdraw(f.ctx, who, p.ID, "")
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.SendMessage(f.ctx, who, p.ID, practice.MessageInput{Text: "m"})
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.SendMessage(f.ctx, who, p.ID, practice.MessageInput{Text: "n", Internal: true})
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.TakeInCharge(f.ctx, who, p.ID)
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.Assign(f.ctx, who, p.ID, officeID, assigneeID)
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.TakeOver(f.ctx, who, p.ID)
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.RequestIntegration(f.ctx, who, p.ID, practice.IntegrationInput{Text: "r"})
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.AcceptIntegration(f.ctx, who, p.ID)
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.CancelIntegration(f.ctx, who, p.ID)
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.RegisterPayment(f.ctx, who, p.ID, practice.ManualPayment{})
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.Accept(f.ctx, who, p.ID, practice.Decision{Motivation: "ok", Amount: decimal.RequireFromString("7")})
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.Accept(f.ctx, who, p.ID, practice.Decision{Motivation: "ok"})
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.Reject(f.ctx, who, p.ID, practice.Decision{Motivation: "no"})
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.RequestStampDuty(f.ctx, who, p.ID)
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.ChangeStatus(f.ctx, who, p.ID, practice.ManualTargets()[len(p.History)%5], "")
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.Reopen(f.ctx, who, p.ID)
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.Acquire(f.ctx, who, p.ID)
		return err
	},
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		_, err := f.desk.RegisterProtocol(f.ctx, who, p.ID)
		return err
	},
	// The payer and the gateway act on the newest payment, then the
	// outcome is applied.
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		if len(p.Payments) == 0 {
			return nil
		}
		id := p.Payments[len(p.Payments)-1].ID
		statuses := []payment.Status{payment.StatusStarted, payment.StatusComplete, payment.StatusFailed}
		var n payment.Notification
		var err error
		switch statuses[len(p.History)%3] {
		case payment.StatusStarted:
			n, err = f.pays.gw.Start(tenant, id)
		case payment.StatusComplete:
			n, err = f.pays.gw.Pay(tenant, id, "psp")
		default:
			n, err = f.pays.gw.Fail(tenant, id)
		}
		if err == nil {
			_, _, _ = f.pays.desk.ApplyNotification(f.ctx, f.act.system, n)
		}
		_, err = f.desk.ApplyPaymentOutcome(f.ctx, who, p.ID, id)
		return err
	},
	// Last, so that the seeds' command numbers keep their meaning.
	func(f *fixture, who auth.Principal, p *practice.Practice) error {
		return f.desk.Delete(f.ctx, who, p.ID)
	},
}

// settingAllows reports whether t's conditions on service settings can
// hold for a service with facts svc (the conditions on the pratica and the
// command are left free).
func settingAllows(t practice.Transition, svc practice.Facts) bool {
	const settings = practice.FactProtocol | practice.FactApproval | practice.FactPaymentUpFront | practice.FactPaymentDeferred |
		practice.FactIntegrationAllowed | practice.FactWithdrawAllowed | practice.FactReopeningAllowed | practice.FactStatusChangeAllowed
	if t.When&settings&^svc != 0 || t.Unless&settings&svc != 0 {
		return false
	}
	if anySet := t.Any & settings; anySet != 0 && t.Any&^settings == 0 && anySet&svc == 0 {
		return false
	}
	return true
}

// FuzzLifecycle walks a pratica through random commands by random actors
// under random service settings: nothing panics, every history entry (a
// status change or an event that keeps the status) is in Transitions()
// for the service's settings and continues from the one before, the
// status is the last entry's, and a pratica disappears only when its
// owner deletes a draft.
func FuzzLifecycle(f *testing.F) {
	f.Add([]byte{0xff, 1, 0, 20, 9, 7, 5, 7, 15, 5})
	f.Add([]byte{0x15, 2, 0, 22, 9, 20, 9, 7, 5, 10, 5, 3, 0, 11, 5, 14, 5, 22, 9})
	f.Add([]byte{0x42, 1, 0, 20, 9, 21, 9, 7, 5, 21, 9, 10, 5, 21, 9, 3, 0, 21, 9, 7, 5, 14, 5, 21, 9})
	f.Add([]byte{0x7f, 1, 0, 20, 9, 7, 3, 4, 0, 19, 6, 18, 3, 16, 8, 9, 3, 13, 4})
	table := practice.Transitions()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 || len(data) > 200 {
			return
		}
		bits := data[0]
		svc := baseService()
		svc.ProtocolRequired = bits&1 != 0
		if bits&2 != 0 {
			svc.Workflow = practice.WorkflowForward
		}
		switch (bits >> 2) & 3 {
		case 1:
			svc.Payment, svc.PaymentAmount = practice.PaymentRequired, decimal.RequireFromString("9.90")
		case 2:
			if svc.Workflow == practice.WorkflowApproval {
				svc.Payment = practice.PaymentDeferred
			}
		}
		svc.AllowIntegrationRequest = bits&16 != 0
		svc.AllowWithdraw = bits&32 != 0
		svc.AllowReopening = bits&64 != 0
		svc.AllowStatusChange = bits&128 != 0
		fx := newFixture(t, svc)
		a := fx.act
		actors := []auth.Principal{a.owner, a.other, a.related, a.enabled, a.notEnabled, a.assigned, a.officeMember, a.manager, a.admin, a.system}
		svcFacts := fx.svc.Facts()
		p := fx.draft()
		seen := len(p.History)
		for i := 1; i+1 < len(data); i += 2 {
			cmd := fuzzCommands[int(data[i])%len(fuzzCommands)]
			who := actors[int(data[i+1])%len(actors)]
			cmdErr := cmd(fx, who, p)
			got, err := fx.store.Get(fx.ctx, tenant, p.ID)
			if errors.Is(err, practice.ErrNotFound) {
				// Only the owner deletes, and only a draft.
				if cmdErr != nil || p.Status != practice.StatusDraft || who.ID != a.owner.ID {
					t.Fatalf("pratica gone after %v by %s in %v", cmdErr, who.ID, p.Status)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got.History) < seen {
				t.Fatal("history shrank")
			}
			for j, h := range got.History[seen:] {
				// Every entry, status change or not, is a row of the table
				// continuing from the one before.
				if prev := seen + j - 1; prev >= 0 && got.History[prev].To != h.From {
					t.Fatalf("history entry %d starts in %v after one ending in %v", seen+j, h.From, got.History[prev].To)
				}
				ok := false
				for _, tr := range table {
					if tr.From == h.From && tr.Action == h.Event && tr.To == h.To && settingAllows(tr, svcFacts) {
						ok = true
						break
					}
				}
				if !ok {
					t.Fatalf("move %v -%s-> %v is not in Transitions() for %v", h.From, h.Event, h.To, svcFacts.Names())
				}
			}
			if n := len(got.History); n > 0 && got.History[n-1].To != got.Status {
				t.Fatalf("status %v but the last history entry says %v", got.Status, got.History[n-1].To)
			}
			seen = len(got.History)
			p = got
		}
	})
}
