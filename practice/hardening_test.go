package practice_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/memstore"
)

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var ve *practice.ValidationError
	if !errors.As(err, &ve) || !ve.Has(field, "") {
		t.Fatalf("%v: want ErrValidation naming %q", err, field)
	}
}

func TestListOfficeRefusesUnknownStatusesAndBadQueries(t *testing.T) {
	f := newFixture(t, baseService())
	f.inCharge()
	cases := []struct {
		name  string
		q     practice.OfficeQuery
		field string
	}{
		{"unknown status code", practice.OfficeQuery{Statuses: []practice.Status{practice.StatusPending, 4242}}, "statuses"},
		{"none status", practice.OfficeQuery{Statuses: []practice.Status{practice.StatusNone}}, "statuses"},
		{"unknown sort", practice.OfficeQuery{Sort: 9}, "sort"},
		{"office with NUL", practice.OfficeQuery{Office: "o\x00"}, "office"},
		{"year 10000", practice.OfficeQuery{ChangedTo: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "changed_to"},
	}
	for _, c := range cases {
		_, err := f.desk.ListOffice(f.ctx, f.act.enabled, c.q, "", 10)
		if !errors.Is(err, practice.ErrValidation) {
			t.Errorf("%s: %v, want ErrValidation", c.name, err)
			continue
		}
		wantField(t, err, c.field)
		n := 0
		for _, err := range f.desk.Iterate(f.ctx, f.act.enabled, c.q) {
			if !errors.Is(err, practice.ErrValidation) {
				t.Errorf("%s: Iterate gave %v", c.name, err)
			}
			n++
		}
		if n != 1 {
			t.Errorf("%s: Iterate yielded %d items, want the error only", c.name, n)
		}
	}
	pg, err := f.desk.ListOffice(f.ctx, f.act.enabled, practice.OfficeQuery{Statuses: []practice.Status{practice.StatusPending}}, "", 10)
	if err != nil || len(pg.Items) != 1 {
		t.Fatalf("known status: %d items, %v", len(pg.Items), err)
	}
}

func TestFormDataRules(t *testing.T) {
	f := newFixture(t, baseService())
	deep := map[string]any{}
	m := deep
	for range practice.MaxFormDataDepth + 1 {
		next := map[string]any{}
		m["k"] = next
		m = next
	}
	cases := []struct {
		name string
		data map[string]any
		ok   bool
	}{
		{"plain", map[string]any{"nome": "Città", "righe": "a\nb\tc", "n": 3}, true},
		{"invalid UTF-8 key refused, not rewritten", map[string]any{"caf\xe9": "x"}, false},
		{"NUL key", map[string]any{"a\x00": "x"}, false},
		{"newline in a key", map[string]any{"a\nb": "x"}, false},
		{"NUL value", map[string]any{"a": "x\x00"}, false},
		{"invalid UTF-8 in a list", map[string]any{"a": []any{"ok", "\xff"}}, false},
		{"typed value with NUL", map[string]any{"a": []string{"x\x00"}}, false},
		{"too deep", deep, false},
		{"too big", map[string]any{"a": strings.Repeat("x", practice.MaxFormDataSize)}, false},
		{"just fits", map[string]any{"a": strings.Repeat("x", practice.MaxFormDataSize-20)}, true},
	}
	for _, c := range cases {
		p, err := f.desk.Create(f.ctx, f.act.owner, practice.NewPractice{Service: serviceID, Data: c.data})
		if c.ok {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if p != nil || !errors.Is(err, practice.ErrValidation) {
			t.Errorf("%s: %v, want ErrValidation", c.name, err)
			continue
		}
		wantField(t, err, "data")
	}
}

func TestApplyPaymentEventIgnoresWhatIsNotAPratica(t *testing.T) {
	svc := baseService()
	svc.Payment, svc.PaymentAmount = practice.PaymentRequired, decimal.RequireFromString("5")
	f := newFixture(t, svc)
	p := f.paymentPending()
	ref := p.Payments[0]
	for _, ev := range []payment.Event{
		{Tenant: tenant, PaymentID: ref.ID, Subject: "TARI-2026"},   // not a pratica
		{Tenant: tenant, PaymentID: ref.ID, Subject: "p\x00"},       // cannot be one
		{Tenant: "other", PaymentID: ref.ID, Subject: string(p.ID)}, // another tenant's
		{Tenant: tenant, PaymentID: "unlinked", Subject: string(p.ID)},
	} {
		if err := f.desk.ApplyPaymentEvent(f.ctx, ev); err != nil {
			t.Errorf("%+v: %v, want it ignored", ev, err)
		}
	}
	if got := f.get(p.ID); got.Version != p.Version {
		t.Fatal("an ignored event changed the pratica")
	}
	f.settle(ref.ID, payment.StatusComplete)
	ev := payment.Event{Tenant: tenant, PaymentID: ref.ID, Subject: string(p.ID), To: payment.StatusComplete}
	for range 2 { // a repeated event changes nothing more
		if err := f.desk.ApplyPaymentEvent(f.ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.get(p.ID); got.Status != practice.StatusPreSubmit || got.Payments[0].Status != payment.StatusComplete {
		t.Fatalf("after the event: %v, payment %v", got.Status, got.Payments[0].Status)
	}
}

func TestAcquireOnSubmit(t *testing.T) {
	for _, acquire := range []bool{false, true} {
		d, err := practice.New(practice.Config{Store: memstore.New(), AcquireOnSubmit: acquire})
		if err != nil {
			t.Fatal(err)
		}
		a := newActors()
		if _, err := d.CreateService(context.Background(), a.admin, baseService()); err != nil {
			t.Fatal(err)
		}
		p, err := d.Create(context.Background(), a.owner, practice.NewPractice{Service: serviceID})
		if err != nil {
			t.Fatal(err)
		}
		p, err = d.Submit(context.Background(), a.owner, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := practice.StatusPreSubmit
		if acquire {
			want = practice.StatusSubmitted
		}
		if p.Status != want {
			t.Fatalf("AcquireOnSubmit=%v: %v, want %v", acquire, p.Status, want)
		}
		if acquire {
			last := p.History[len(p.History)-1]
			if last.Event != practice.ActionAcquire || last.Operator != auth.System(tenant).ID {
				t.Fatalf("acquired as %+v, want the system's acquire", last)
			}
			if _, err := d.TakeInCharge(context.Background(), a.assigned, p.ID); err != nil {
				t.Fatalf("take in charge right after submit: %v", err)
			}
		}
	}
}

func TestPaymentErrorsArePracticeErrors(t *testing.T) {
	svc := baseService()
	svc.Payment, svc.PaymentAmount = practice.PaymentRequired, decimal.RequireFromString("5")
	f := newFixture(t, svc)
	p := f.draft()
	f.pays.gw.FailNext(fakegateway.OpCreate, errors.New("gateway down"))
	_, err := f.desk.Pay(f.ctx, f.act.owner, p.ID)
	var pe *practice.PaymentError
	if !errors.As(err, &pe) || !errors.Is(err, practice.ErrUnavailable) || pe.Op != "create" {
		t.Fatalf("gateway failure: %v, want a *PaymentError matching ErrUnavailable", err)
	}
	for _, other := range []error{payment.ErrConflict, payment.ErrValidation, payment.ErrNotFound, payment.ErrInvalidTransition} {
		if errors.Is(err, other) {
			t.Fatalf("%v matches %v", err, other)
		}
	}
	if pe.Cause() == nil {
		t.Fatal("the cause is kept for logs")
	}
}

// TestEveryTextFieldFollowsTheRule covers the fields the kit's bad-text
// section does not: each refuses a NUL byte with ErrValidation naming it.
func TestEveryTextFieldFollowsTheRule(t *testing.T) {
	upFront := baseService()
	upFront.Payment, upFront.PaymentAmount = practice.PaymentRequired, decimal.RequireFromString("5")
	f := newFixture(t, upFront)
	pending := f.paymentPending()
	g := newFixture(t, baseService())
	waiting := g.waitingIntegration()
	inCharge := g.inCharge()
	const bad = "x\x00"
	svc := func(edit func(*practice.Service)) error {
		s := baseService()
		s.ID = "svc-new"
		edit(&s)
		_, err := g.desk.CreateService(g.ctx, g.act.admin, s)
		return err
	}
	cases := []struct {
		field string
		err   error
	}{
		{"office", svc(func(s *practice.Service) { s.Office = bad })},
		{"templates[complete].subject", svc(func(s *practice.Service) {
			s.Templates = map[practice.Status]practice.MessageTemplate{practice.StatusComplete: {Subject: bad}}
		})},
		{"receipt_id", func() error {
			_, err := f.desk.RegisterPayment(f.ctx, f.act.enabled, pending.ID, practice.ManualPayment{ReceiptID: bad})
			return err
		}()},
		{"note", func() error {
			_, err := f.desk.RegisterPayment(f.ctx, f.act.enabled, pending.ID, practice.ManualPayment{Note: bad})
			return err
		}()},
		{"paid_at", func() error {
			_, err := f.desk.RegisterPayment(f.ctx, f.act.enabled, pending.ID, practice.ManualPayment{PaidAt: time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)})
			return err
		}()},
		{"text", func() error {
			_, err := g.desk.AnswerIntegration(g.ctx, g.act.owner, waiting.ID, practice.AnswerInput{Text: bad})
			return err
		}()},
		{"attachments[0].id", func() error {
			_, err := g.desk.AnswerIntegration(g.ctx, g.act.owner, waiting.ID, practice.AnswerInput{Text: "ok",
				Attachments: []practice.Attachment{{ID: bad}}})
			return err
		}()},
		{"attachments[0].media_type", func() error {
			_, err := g.desk.Reject(g.ctx, g.act.assigned, inCharge.ID, practice.Decision{Motivation: "no",
				Attachments: []practice.Attachment{{ID: "f", MediaType: bad}}})
			return err
		}()},
		{"operator", func() error {
			_, err := g.desk.Assign(g.ctx, g.act.enabled, inCharge.ID, officeID, bad)
			return err
		}()},
	}
	for _, c := range cases {
		if !errors.Is(c.err, practice.ErrValidation) {
			t.Errorf("%s: %v, want ErrValidation", c.field, c.err)
			continue
		}
		wantField(t, c.err, c.field)
	}
	if got := f.get(pending.ID); got.Version != pending.Version {
		t.Error("a refused payment registration wrote the pratica")
	}
	if got := g.get(inCharge.ID); got.Version != inCharge.Version {
		t.Error("a refused command wrote the pratica")
	}
}
