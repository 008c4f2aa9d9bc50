package practice_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/practice"
)

// TestHistoryRecordsEveryChange: every command appends one history entry
// {time, from, to, event, operator, office, message} per move, in order,
// with the acting principal, the office after the change and the clock's
// UTC time; refused commands append nothing.
func TestHistoryRecordsEveryChange(t *testing.T) {
	f := newFixture(t, baseService())
	a, d, ctx := f.act, f.desk, f.ctx
	p := f.draft()
	f.must(d.Submit(ctx, a.owner, p.ID))
	f.must(d.Acquire(ctx, a.system, p.ID))
	f.must(d.TakeInCharge(ctx, a.assigned, p.ID))
	f.must(d.Assign(ctx, a.enabled, p.ID, "office-2", assigneeID))
	f.must(d.SendMessage(ctx, a.enabled, p.ID, practice.MessageInput{Text: "al cittadino"}))
	f.must(d.SendMessage(ctx, a.assigned, p.ID, practice.MessageInput{Text: "nota", Internal: true}))
	f.must(d.SendMessage(ctx, a.owner, p.ID, practice.MessageInput{Text: "all'ufficio"}))
	if _, err := d.Accept(ctx, a.enabled, p.ID, practice.Decision{Motivation: "ok"}); err == nil {
		t.Fatal("accepted by an operator not assigned")
	}
	f.must(d.Reject(ctx, a.assigned, p.ID, practice.Decision{Motivation: "no"}))
	got := f.must(d.Reopen(ctx, a.enabled, p.ID))

	type entry struct {
		event    practice.Action
		from, to practice.Status
		operator string
		office   string
		message  bool
	}
	want := []entry{
		{practice.ActionCreate, practice.StatusNone, 1000, a.owner.ID, officeID, false},
		{practice.ActionSubmit, 1000, 1900, a.owner.ID, officeID, false},
		{practice.ActionAcquire, 1900, 2000, a.system.ID, officeID, false},
		{practice.ActionTakeInCharge, 2000, 4000, a.assigned.ID, officeID, false},
		{practice.ActionChangeAssignee, 4000, 4000, a.enabled.ID, "office-2", false},
		{practice.ActionMessage, 4000, 4000, a.enabled.ID, "office-2", true},
		{practice.ActionNote, 4000, 4000, a.assigned.ID, "office-2", true},
		{practice.ActionCitizenMessage, 4000, 4000, a.owner.ID, "office-2", true},
		{practice.ActionReject, 4000, 9000, a.assigned.ID, "office-2", true},
		{practice.ActionReopen, 9000, 4000, a.enabled.ID, "office-2", false},
	}
	if len(got.History) != len(want) {
		t.Fatalf("%d history entries, want %d: %+v", len(got.History), len(want), got.History)
	}
	var last time.Time
	for i, h := range got.History {
		w := want[i]
		if h.Event != w.event || h.From != w.from || h.To != w.to || h.Operator != w.operator || h.Office != w.office ||
			(h.MessageID != "") != w.message {
			t.Errorf("entry %d: %+v, want %+v", i, h, w)
		}
		if h.At.Location() != time.UTC || !h.At.After(last) {
			t.Errorf("entry %d at %v after %v: not a later UTC instant", i, h.At, last)
		}
		last = h.At
		if w.message {
			found := false
			for _, m := range got.Messages {
				found = found || m.ID == h.MessageID
			}
			if !found {
				t.Errorf("entry %d names message %q, which is not saved", i, h.MessageID)
			}
		}
	}
	if got.LastStatusChange() != got.History[len(got.History)-1].At {
		t.Errorf("last status change %v", got.LastStatusChange())
	}
}

// TestCitizenWritesOnlyOnceTakenInCharge: the owner's messages to the
// office are refused by the lifecycle until an operator takes the pratica
// in charge.
func TestCitizenWritesOnlyOnceTakenInCharge(t *testing.T) {
	f := newFixture(t, baseService())
	a, d, ctx := f.act, f.desk, f.ctx
	p := f.draft()
	msg := practice.MessageInput{Text: "posso integrare?"}
	for _, step := range []func(){
		func() {},
		func() { f.must(d.Submit(ctx, a.owner, p.ID)) },
		func() { f.must(d.Acquire(ctx, a.system, p.ID)) },
	} {
		step()
		if _, err := d.SendMessage(ctx, a.owner, p.ID, msg); !errors.Is(err, practice.ErrInvalidTransition) {
			t.Fatalf("message in %v: %v, want ErrInvalidTransition", f.get(p.ID).Status, err)
		}
	}
	f.must(d.TakeInCharge(ctx, a.assigned, p.ID))
	got := f.must(d.SendMessage(ctx, a.owner, p.ID, msg))
	if n := len(got.Messages); n != 1 || got.Messages[0].AuthorKind != a.owner.Kind {
		t.Fatalf("messages after taking in charge: %+v", got.Messages)
	}
	if _, err := d.SendMessage(ctx, a.owner, p.ID, practice.MessageInput{Text: "x", Internal: true}); !errors.Is(err, practice.ErrForbidden) {
		t.Fatalf("citizen private note: %v", err)
	}
}

// TestChangeStatusTargetsAndReopening: the manual change reaches only the
// reference's targets the service allows, never the current status; a
// service without reopening never reopens, and one without manual changes
// never forces.
func TestChangeStatusTargetsAndReopening(t *testing.T) {
	allowed := map[practice.Status]bool{practice.StatusSubmitted: true, practice.StatusRegistered: true, practice.StatusRevoked: true}
	for _, to := range append(practice.Statuses(), practice.StatusNone, practice.Status(1234)) {
		f := newFixture(t, baseService()) // approval, free: no 1500
		p := f.inCharge()
		_, err := f.desk.ChangeStatus(f.ctx, f.act.enabled, p.ID, to, "motivo")
		// A target no manual change ever reaches is the caller's mistake;
		// one the pratica's status or service refuses is the lifecycle's.
		want := practice.ErrInvalidTransition
		if !slices.Contains(practice.ManualTargets(), to) && to != practice.StatusPendingAfterIntegration {
			want = practice.ErrValidation
			var ve *practice.ValidationError
			if errors.As(err, &ve) && !ve.Has("to", "") {
				t.Errorf("4000 → %v: %v does not name the field to", to, err)
			}
		}
		if allowed[to] != (err == nil) || err != nil && !errors.Is(err, want) {
			t.Errorf("4000 → %v: %v, want %v", to, err, want)
		}
		if err != nil && len(f.get(p.ID).History) != len(p.History) {
			t.Errorf("refused change to %v wrote history", to)
		}
	}

	svc := baseService()
	svc.AllowReopening, svc.AllowStatusChange = false, false
	f := newFixture(t, svc)
	p := f.inCharge()
	if _, err := f.desk.ChangeStatus(f.ctx, f.act.enabled, p.ID, practice.StatusRevoked, ""); !errors.Is(err, practice.ErrInvalidTransition) {
		t.Fatalf("forced without the service allowing it: %v", err)
	}
	f.must(f.desk.Reject(f.ctx, f.act.assigned, p.ID, practice.Decision{Motivation: "no"}))
	if _, err := f.desk.Reopen(f.ctx, f.act.enabled, p.ID); !errors.Is(err, practice.ErrInvalidTransition) {
		t.Fatalf("reopened without the service allowing it: %v", err)
	}
}

// TestStampDutyIsAskedOnceWhileOpen: a second request while the first
// stamp duty is unpaid changes nothing; once it is paid, a new request
// asks again.
func TestStampDutyIsAskedOnceWhileOpen(t *testing.T) {
	f := newFixture(t, baseService())
	p := f.inCharge()
	p = f.must(f.desk.RequestStampDuty(f.ctx, f.act.assigned, p.ID))
	again := f.must(f.desk.RequestStampDuty(f.ctx, f.act.assigned, p.ID))
	if len(again.Payments) != 1 || f.paymentCount() != 1 || len(f.get(p.ID).History) != len(p.History) {
		t.Fatalf("second request while open: %d refs, %d payments", len(again.Payments), f.paymentCount())
	}
	f.settle(p.Payments[0].ID, payment.StatusComplete)
	f.must(f.desk.ApplyPaymentOutcome(f.ctx, f.act.system, p.ID, p.Payments[0].ID))
	p = f.must(f.desk.RequestStampDuty(f.ctx, f.act.assigned, p.ID))
	if len(p.Payments) != 2 || f.paymentCount() != 2 || p.Status != practice.StatusPending {
		t.Fatalf("request after payment: %+v", p.Payments)
	}
}
