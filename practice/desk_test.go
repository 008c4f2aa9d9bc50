package practice_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/practice"
)

func TestApprovalFlowWithProtocolRegistersEveryDocument(t *testing.T) {
	svc := baseService()
	svc.ProtocolRequired = true
	f := newFixture(t, svc)
	a, d, ctx := f.act, f.desk, f.ctx
	p := f.draft()
	p = f.must(d.Submit(ctx, a.owner, p.ID))
	p = f.must(d.Acquire(ctx, a.system, p.ID))
	if _, err := d.TakeInCharge(ctx, a.assigned, p.ID); !errors.Is(err, practice.ErrInvalidTransition) {
		t.Fatalf("take in charge before protocol: %v, want ErrInvalidTransition", err)
	}
	p = f.must(d.RegisterProtocol(ctx, a.system, p.ID))
	if p.ProtocolNumber == "" {
		t.Fatal("no protocol number after registration")
	}
	p = f.must(d.TakeInCharge(ctx, a.assigned, p.ID))
	p = f.must(d.RequestIntegration(ctx, a.assigned, p.ID, practice.IntegrationInput{Text: "manca il documento"}))
	if p.Status != practice.StatusRequestIntegration {
		t.Fatalf("after request: %v, want 4100 (waiting for protocol)", p.Status)
	}
	p = f.must(d.RegisterProtocol(ctx, a.system, p.ID))
	p = f.must(d.AnswerIntegration(ctx, a.owner, p.ID, practice.AnswerInput{Text: "ecco", Attachments: []practice.Attachment{{ID: "file-1", Name: "doc.pdf"}}}))
	p = f.must(d.RegisterProtocol(ctx, a.system, p.ID))
	p = f.must(d.TakeInCharge(ctx, a.assigned, p.ID))
	p = f.must(d.Accept(ctx, a.assigned, p.ID, practice.Decision{Motivation: "ok"}))
	p = f.must(d.RegisterProtocol(ctx, a.system, p.ID))

	want := []practice.Status{1000, 1900, 2000, 3000, 4000, 4100, 4200, 4300, 4400, 4500, 6000, 7000}
	if got := statuses(f.get(p.ID)); !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	var kinds []practice.DocumentKind
	for _, doc := range f.reg.docs {
		kinds = append(kinds, doc.Document)
	}
	wantKinds := []practice.DocumentKind{practice.DocumentApplication, practice.DocumentIntegrationRequest,
		practice.DocumentIntegrationAnswer, practice.DocumentOutcome}
	if !slices.Equal(kinds, wantKinds) {
		t.Fatalf("registered %v, want %v", kinds, wantKinds)
	}
	got := f.get(p.ID)
	if got.Outcome == nil || got.Outcome.ProtocolNumber == "" || got.Integrations[0].ProtocolNumber == "" ||
		got.Integrations[0].Answer == nil || got.Integrations[0].Answer.ProtocolNumber == "" {
		t.Fatalf("protocol numbers not recorded: %+v %+v", got.Outcome, got.Integrations)
	}
}

func TestApprovalFlowWithoutProtocolPassesStraightOn(t *testing.T) {
	f := newFixture(t, baseService())
	a, d, ctx := f.act, f.desk, f.ctx
	p := f.draft()
	f.must(d.Submit(ctx, a.owner, p.ID))
	f.must(d.Acquire(ctx, a.system, p.ID))
	if _, err := d.RegisterProtocol(ctx, a.system, p.ID); !errors.Is(err, practice.ErrInvalidTransition) {
		t.Fatalf("register protocol on a service without: %v", err)
	}
	f.must(d.TakeInCharge(ctx, a.assigned, p.ID))
	p = f.must(d.RequestIntegration(ctx, a.assigned, p.ID, practice.IntegrationInput{Text: "serve altro"}))
	if p.Status != practice.StatusDraftForIntegration {
		t.Fatalf("after request: %v, want 4200", p.Status)
	}
	p = f.must(d.AnswerIntegration(ctx, a.owner, p.ID, practice.AnswerInput{Text: "fatto"}))
	if p.Status != practice.StatusPending {
		t.Fatalf("after answer: %v, want 4000", p.Status)
	}
	f.must(d.Reject(ctx, a.assigned, p.ID, practice.Decision{Motivation: "requisiti mancanti"}))
	want := []practice.Status{1000, 1900, 2000, 4000, 4100, 4200, 4300, 4000, 9000}
	if got := statuses(f.get(p.ID)); !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	if len(f.reg.docs) != 0 {
		t.Fatalf("registrar called %d times for a service without protocol", len(f.reg.docs))
	}
}

func TestUpFrontPaymentFlow(t *testing.T) {
	svc := baseService()
	svc.Payment = practice.PaymentRequired
	svc.PaymentAmount = decimal.RequireFromString("25.50")
	f := newFixture(t, svc)
	a, d, ctx := f.act, f.desk, f.ctx
	p := f.draft()
	if _, err := d.Submit(ctx, a.owner, p.ID); !errors.Is(err, practice.ErrInvalidTransition) {
		t.Fatalf("submit without paying: %v", err)
	}
	p = f.must(d.Pay(ctx, a.owner, p.ID))
	if p.Status != practice.StatusPaymentPending || len(p.Payments) != 1 || !p.Payments[0].Amount.Equal(svc.PaymentAmount) {
		t.Fatalf("after pay: %v %+v", p.Status, p.Payments)
	}
	again := f.must(d.Pay(ctx, a.owner, p.ID))
	if len(again.Payments) != 1 || f.paymentCount() != 1 {
		t.Fatalf("paying again with an open payment created another: %d", f.paymentCount())
	}
	pid := p.Payments[0].ID
	f.settle(pid, payment.StatusStarted)
	p = f.must(d.ApplyPaymentOutcome(ctx, a.system, p.ID, pid))
	if p.Status != practice.StatusPaymentOutcomePending {
		t.Fatalf("started: %v", p.Status)
	}
	f.settle(pid, payment.StatusComplete)
	p = f.must(d.ApplyPaymentOutcome(ctx, a.system, p.ID, pid))
	p = f.must(d.ApplyPaymentOutcome(ctx, a.system, p.ID, pid)) // repeated: no change
	want := []practice.Status{1000, 1500, 1510, 1520, 1900}
	if got := statuses(p); !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	if p.SubmittedAt.IsZero() {
		t.Fatal("SubmittedAt not set by the up-front payment")
	}
	if _, err := d.Withdraw(ctx, a.owner, p.ID, ""); !errors.Is(err, practice.ErrInvalidTransition) {
		t.Fatalf("withdraw after payment: %v, want ErrInvalidTransition", err)
	}
}

func TestFailedPaymentMovesToPaymentError(t *testing.T) {
	svc := baseService()
	svc.Payment = practice.PaymentRequired
	svc.PaymentAmount = decimal.RequireFromString("10")
	f := newFixture(t, svc)
	p := f.must(f.desk.Pay(f.ctx, f.act.owner, f.draft().ID))
	f.settle(p.Payments[0].ID, payment.StatusFailed)
	p = f.must(f.desk.ApplyPaymentOutcome(f.ctx, f.act.system, p.ID, p.Payments[0].ID))
	if p.Status != practice.StatusPaymentError {
		t.Fatalf("failed payment: %v, want 1530", p.Status)
	}
	// The office forces it back to 1500; paying creates a new payment.
	f.must(f.desk.ChangeStatus(f.ctx, f.act.enabled, p.ID, practice.StatusPaymentPending, "nuovo tentativo"))
	p = f.must(f.desk.Pay(f.ctx, f.act.owner, p.ID))
	if len(p.Payments) != 2 || p.Payments[1].ID == p.Payments[0].ID {
		t.Fatalf("no new payment after the failed one: %+v", p.Payments)
	}
}

func TestDeferredPaymentAfterAcceptance(t *testing.T) {
	for _, protocol := range []bool{false, true} {
		svc := baseService()
		svc.Payment = practice.PaymentDeferred
		svc.ProtocolRequired = protocol
		f := newFixture(t, svc)
		a, d, ctx := f.act, f.desk, f.ctx
		p := f.draft()
		f.must(d.Submit(ctx, a.owner, p.ID))
		f.must(d.Acquire(ctx, a.system, p.ID))
		if protocol {
			f.must(d.RegisterProtocol(ctx, a.system, p.ID))
		}
		f.must(d.TakeInCharge(ctx, a.assigned, p.ID))
		p = f.must(d.Accept(ctx, a.assigned, p.ID, practice.Decision{Motivation: "ok", Amount: decimal.RequireFromString("40")}))
		if p.Status != practice.StatusPaymentPending || len(p.Payments) != 1 || p.Payments[0].Purpose != practice.PurposeDeferred {
			t.Fatalf("accept with amount: %v %+v", p.Status, p.Payments)
		}
		f.settle(p.Payments[0].ID, payment.StatusComplete)
		p = f.must(d.ApplyPaymentOutcome(ctx, a.system, p.ID, p.Payments[0].ID))
		want := practice.StatusComplete
		if protocol {
			want = practice.StatusCompleteWaitingDocument
		}
		if p.Status != want {
			t.Fatalf("protocol=%v: after deferred payment %v, want %v", protocol, p.Status, want)
		}
	}
}

func TestRegisterPaymentCancelsTheGatewayPayment(t *testing.T) {
	svc := baseService()
	svc.Payment = practice.PaymentRequired
	svc.PaymentAmount = decimal.RequireFromString("12")
	f := newFixture(t, svc)
	p := f.must(f.desk.Pay(f.ctx, f.act.owner, f.draft().ID))
	p = f.must(f.desk.RegisterPayment(f.ctx, f.act.enabled, p.ID, practice.ManualPayment{Note: "pagato allo sportello", NoteInternal: true}))
	if p.Status != practice.StatusPreSubmit {
		t.Fatalf("after manual payment: %v, want 1900", p.Status)
	}
	if p.Payments[0].Status != payment.StatusCanceled || p.Payments[1].Purpose != practice.PurposeManual ||
		!p.Payments[1].Amount.Equal(svc.PaymentAmount) {
		t.Fatalf("payments %+v", p.Payments)
	}
	if last := p.Messages[len(p.Messages)-1]; last.Visibility != practice.VisibilityInternal {
		t.Fatalf("internal note saved as %v", last.Visibility)
	}
	seen := f.must(f.desk.Get(f.ctx, f.act.owner, p.ID))
	if len(seen.Messages) != 0 {
		t.Fatalf("citizen sees %d internal notes", len(seen.Messages))
	}
}

func TestAcceptIsForTheAssignedOperatorOnly(t *testing.T) {
	f := newFixture(t, baseService())
	a, d, ctx := f.act, f.desk, f.ctx
	p := f.draft()
	f.must(d.Submit(ctx, a.owner, p.ID))
	f.must(d.Acquire(ctx, a.system, p.ID))
	f.must(d.TakeInCharge(ctx, a.assigned, p.ID))
	for _, who := range []auth.Principal{a.enabled, a.admin, a.officeMember, a.owner} {
		if _, err := d.Accept(ctx, who, p.ID, practice.Decision{Motivation: "ok"}); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("%s accepted: %v", who.ID, err)
		}
	}
	p = f.must(d.TakeOver(ctx, a.enabled, p.ID))
	if p.Assignee != a.enabled.ID {
		t.Fatalf("take over: assignee %q", p.Assignee)
	}
	f.must(d.Accept(ctx, a.enabled, p.ID, practice.Decision{Motivation: "ok"}))
	if _, err := d.Reject(ctx, a.enabled, p.ID, practice.Decision{Motivation: "no"}); !errors.Is(err, practice.ErrInvalidTransition) {
		t.Fatalf("reject after accept: %v", err)
	}
}

func TestAcceptIntegrationNeedsANewerCitizenMessage(t *testing.T) {
	f := newFixture(t, baseService())
	a, d, ctx := f.act, f.desk, f.ctx
	p := f.draft()
	f.must(d.Submit(ctx, a.owner, p.ID))
	f.must(d.Acquire(ctx, a.system, p.ID))
	f.must(d.TakeInCharge(ctx, a.assigned, p.ID))
	f.must(d.SendMessage(ctx, a.owner, p.ID, practice.MessageInput{Text: "prima della richiesta"}))
	f.must(d.RequestIntegration(ctx, a.assigned, p.ID, practice.IntegrationInput{Text: "manca la firma"}))
	if _, err := d.AcceptIntegration(ctx, a.assigned, p.ID); !errors.Is(err, practice.ErrInvalidTransition) {
		t.Fatalf("accept without a reply: %v", err)
	}
	f.must(d.SendMessage(ctx, a.owner, p.ID, practice.MessageInput{Text: "firmato", Attachments: []practice.Attachment{{ID: "f1"}}}))
	p = f.must(d.AcceptIntegration(ctx, a.assigned, p.ID))
	req := p.Integrations[0]
	if p.Status != practice.StatusPending || req.State != practice.IntegrationAnswered || len(req.Answer.Attachments) != 1 {
		t.Fatalf("after accepting: %v %+v", p.Status, req)
	}
}

func TestNotificationsFollowTheReference(t *testing.T) {
	svc := baseService()
	svc.ProtocolRequired = true
	svc.Templates = map[practice.Status]practice.MessageTemplate{
		practice.StatusPending:  {Active: true, Subject: "In carico", Body: "La pratica è in carico"},
		practice.StatusComplete: {Active: false},
	}
	f := newFixture(t, svc)
	a, d, ctx := f.act, f.desk, f.ctx
	p := f.draft()
	f.must(d.Submit(ctx, a.owner, p.ID))
	f.must(d.Acquire(ctx, a.system, p.ID))
	f.must(d.RegisterProtocol(ctx, a.system, p.ID))
	f.must(d.TakeInCharge(ctx, a.assigned, p.ID))
	f.must(d.RequestIntegration(ctx, a.assigned, p.ID, practice.IntegrationInput{Text: "x"}))
	f.must(d.RegisterProtocol(ctx, a.system, p.ID))
	f.must(d.AnswerIntegration(ctx, a.owner, p.ID, practice.AnswerInput{Text: "y"}))
	f.must(d.RegisterProtocol(ctx, a.system, p.ID))
	f.must(d.TakeInCharge(ctx, a.assigned, p.ID))
	f.must(d.ChangeStatus(ctx, a.assigned, p.ID, practice.StatusPending, ""))         // 4000 again: no second notice
	f.must(d.Reject(ctx, a.assigned, p.ID, practice.Decision{Motivation: "no"}))      // 8000: none
	f.must(d.RegisterProtocol(ctx, a.system, p.ID))                                   // 9000
	f.must(d.Reopen(ctx, a.enabled, p.ID))                                            // 4000: not again
	f.must(d.Accept(ctx, a.enabled, p.ID, practice.Decision{Motivation: "ok"}))       // 6000: none
	f.must(d.RegisterProtocol(ctx, a.system, p.ID))                                   // 7000: template inactive
	f.must(d.ChangeStatus(ctx, a.enabled, p.ID, practice.StatusRevoked, "annullata")) // 50000

	notes := outbox(t, f.store, time.Time{})
	var citizen, operators []practice.Status
	for _, n := range notes {
		switch n.Kind {
		case practice.NotifyCitizenStatus:
			if n.Recipient != a.owner.ID {
				t.Fatalf("citizen notice to %q", n.Recipient)
			}
			citizen = append(citizen, n.Status)
			if n.Status == practice.StatusPending && n.Subject != "In carico" {
				t.Fatalf("4000 notice without the template: %+v", n)
			}
		case practice.NotifyOperatorsNew:
			operators = append(operators, n.Status)
		}
	}
	wantCitizen := []practice.Status{1000, 1900, 2000, 3000, 4000, 9000, 50000}
	if !slices.Equal(citizen, wantCitizen) {
		t.Fatalf("citizen notified on %v, want %v", citizen, wantCitizen)
	}
	if want := []practice.Status{2000, 3000}; !slices.Equal(operators, want) {
		t.Fatalf("operators notified on %v, want %v", operators, want)
	}

	delivered := 0
	f.notify.to = practice.NotifierFunc(func(context.Context, practice.Notification) error {
		delivered++
		return nil
	})
	n, err := d.DeliverNotifications(ctx, tenant, 100)
	if err != nil || n != len(notes) || delivered != n {
		t.Fatalf("delivered %d/%d: %v", n, len(notes), err)
	}
	if rest := outbox(t, f.store, f.clock.Add(time.Hour)); len(rest) != 0 {
		t.Fatalf("%d notifications still pending after delivery", len(rest))
	}
}

func TestCreateIsIdempotentAndChecksTheService(t *testing.T) {
	f := newFixture(t, baseService())
	in := practice.NewPractice{Service: serviceID, IdempotencyKey: "k1", Data: map[string]any{"n": 1}}
	p1 := f.must(f.desk.Create(f.ctx, f.act.owner, in))
	p2 := f.must(f.desk.Create(f.ctx, f.act.owner, in))
	if p1.ID != p2.ID {
		t.Fatalf("same key, two pratiche: %s %s", p1.ID, p2.ID)
	}
	if _, err := f.desk.Create(f.ctx, f.act.other, in); !errors.Is(err, practice.ErrConflict) {
		t.Fatalf("another citizen's key: %v", err)
	}
	if v, ok := p1.Data["n"].(float64); !ok || v != 1 {
		t.Fatalf("form data not normalized to JSON: %#v", p1.Data["n"])
	}
	low := f.act.owner
	low.Level = auth.LevelL1
	if _, err := f.desk.Create(f.ctx, low, practice.NewPractice{Service: serviceID}); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("level L1 on an L2 service: %v", err)
	}
	if _, err := f.desk.Create(f.ctx, f.act.owner, practice.NewPractice{Service: serviceID, Related: []string{"nope"}}); !errors.Is(err, practice.ErrValidation) {
		t.Fatalf("bad related codice fiscale: %v", err)
	}
	svc := *f.svc
	svc.Status = practice.ServiceSuspended
	if _, err := f.desk.UpdateService(f.ctx, f.act.admin, svc); err != nil {
		t.Fatal(err)
	}
	if _, err := f.desk.Create(f.ctx, f.act.owner, practice.NewPractice{Service: serviceID}); !errors.Is(err, practice.ErrUnavailable) {
		t.Fatalf("suspended service: %v", err)
	}
}

func TestDraftEditAndDelete(t *testing.T) {
	f := newFixture(t, baseService())
	p := f.draft()
	p = f.must(f.desk.Edit(f.ctx, f.act.owner, p.ID, map[string]any{"reason": "changed"}))
	if p.Data["reason"] != "changed" {
		t.Fatalf("edit: %v", p.Data)
	}
	if _, err := f.desk.Edit(f.ctx, f.act.related, p.ID, nil); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("related citizen edited: %v", err)
	}
	if err := f.desk.Delete(f.ctx, f.act.owner, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.desk.Get(f.ctx, f.act.owner, p.ID); !errors.Is(err, practice.ErrNotFound) {
		t.Fatalf("deleted draft: %v", err)
	}
	q := f.draft()
	f.must(f.desk.Submit(f.ctx, f.act.owner, q.ID))
	if err := f.desk.Delete(f.ctx, f.act.owner, q.ID); !errors.Is(err, practice.ErrInvalidTransition) {
		t.Fatalf("delete after submit: %v", err)
	}
}

func TestAnotherTenantSeesNothing(t *testing.T) {
	f := newFixture(t, baseService())
	p := f.draft()
	stranger := f.act.admin
	stranger.Tenant = "comune-b"
	if _, err := f.desk.Get(f.ctx, stranger, p.ID); !errors.Is(err, practice.ErrNotFound) {
		t.Fatalf("other tenant's admin: %v", err)
	}
	pg, err := f.desk.ListOffice(f.ctx, stranger, practice.OfficeQuery{Statuses: practice.Statuses()}, "", 10)
	if err != nil || len(pg.Items) != 0 {
		t.Fatalf("other tenant lists %d: %v", len(pg.Items), err)
	}
}

func TestListsForCitizenAndOffice(t *testing.T) {
	f := newFixture(t, baseService())
	a, d, ctx := f.act, f.desk, f.ctx
	var ids []practice.ID
	for range 5 {
		p := f.draft()
		f.must(d.Submit(ctx, a.owner, p.ID))
		ids = append(ids, p.ID)
	}
	f.draft() // stays a draft
	var got []practice.ID
	cursor := ""
	for {
		pg, err := d.ListTab(ctx, a.owner, practice.TabPending, cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pg.Items {
			got = append(got, p.ID)
		}
		if pg.Next == "" {
			break
		}
		cursor = pg.Next
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("pending tab %v, want %v", got, ids)
	}
	rel, err := d.ListTab(ctx, a.related, practice.TabRelated, "", 100)
	if err != nil || len(rel.Items) != 6 {
		t.Fatalf("related tab: %d, %v", len(rel.Items), err)
	}
	if pg, _ := d.ListTab(ctx, a.other, practice.TabPending, "", 100); len(pg.Items) != 0 {
		t.Fatalf("another citizen sees %d", len(pg.Items))
	}
	office, err := d.ListOffice(ctx, a.enabled, practice.OfficeQuery{Unassigned: true}, "", 100)
	if err != nil || len(office.Items) != 5 {
		t.Fatalf("office list: %d (drafts must be hidden), %v", len(office.Items), err)
	}
	if pg, _ := d.ListOffice(ctx, a.notEnabled, practice.OfficeQuery{}, "", 100); len(pg.Items) != 0 {
		t.Fatalf("operator not enabled sees %d", len(pg.Items))
	}
	if _, err := d.ListOffice(ctx, a.owner, practice.OfficeQuery{}, "", 10); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("citizen lists the back office: %v", err)
	}
	if _, err := d.ListTab(ctx, a.owner, practice.TabPending, "garbage!", 10); !errors.Is(err, practice.ErrValidation) {
		t.Fatalf("bad cursor: %v", err)
	}
}

func TestServiceDefinitionIsValidated(t *testing.T) {
	f := newFixture(t, baseService())
	bad := baseService()
	bad.ID = "svc-bad"
	bad.Payment = practice.PaymentRequired // without amount
	bad.Workflow = "sideways"
	_, err := f.desk.CreateService(f.ctx, f.act.admin, bad)
	var ve *practice.ValidationError
	if !errors.As(err, &ve) || !ve.Has("payment_amount", "required") || !ve.Has("workflow", "oneof") {
		t.Fatalf("invalid service: %v", err)
	}
	if _, err := f.desk.CreateService(f.ctx, f.act.enabled, baseService()); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("operator created a service: %v", err)
	}
	if _, err := f.desk.CreateService(f.ctx, f.act.admin, baseService()); !errors.Is(err, practice.ErrConflict) {
		t.Fatalf("duplicate service: %v", err)
	}
}

func TestStaleWriteConflicts(t *testing.T) {
	f := newFixture(t, baseService())
	p := f.draft()
	stale := f.get(p.ID)
	f.must(f.desk.Submit(f.ctx, f.act.owner, p.ID))
	err := f.store.Update(f.ctx, stale, nil)
	var ce *practice.ConflictError
	if !errors.As(err, &ce) || ce.Field != "version" || !errors.Is(err, practice.ErrConflict) {
		t.Fatalf("stale update: %v", err)
	}
}

func TestConcurrentAcceptAndRejectOneWins(t *testing.T) {
	f := newFixture(t, baseService())
	p := f.inCharge()
	errs := make(chan error, 2)
	go func() {
		_, err := f.desk.Accept(f.ctx, f.act.assigned, p.ID, practice.Decision{Motivation: "ok"})
		errs <- err
	}()
	go func() {
		_, err := f.desk.Reject(f.ctx, f.act.assigned, p.ID, practice.Decision{Motivation: "no"})
		errs <- err
	}()
	won := 0
	for range 2 {
		err := <-errs
		switch {
		case err == nil:
			won++
		case errors.Is(err, practice.ErrConflict), errors.Is(err, practice.ErrInvalidTransition):
		default:
			t.Fatalf("loser got %v", err)
		}
	}
	got := f.get(p.ID)
	if won != 1 || !got.Status.IsFinal() || len(statuses(got)) != 5 {
		t.Fatalf("%d winners, final %v, statuses %v", won, got.Status, statuses(got))
	}
}
