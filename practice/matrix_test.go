package practice_test

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/practice"
)

// The setups bring a fresh pratica to the status an action needs, acting
// as the right people.
func (f *fixture) submitted() *practice.Practice {
	p := f.draft()
	return f.must(f.desk.Submit(f.ctx, f.act.owner, p.ID))
}

func (f *fixture) acquired() *practice.Practice {
	p := f.submitted()
	return f.must(f.desk.Acquire(f.ctx, f.act.system, p.ID))
}

func (f *fixture) inCharge() *practice.Practice {
	p := f.acquired()
	if f.svc.ProtocolRequired {
		f.must(f.desk.RegisterProtocol(f.ctx, f.act.system, p.ID))
	}
	return f.must(f.desk.TakeInCharge(f.ctx, f.act.assigned, p.ID))
}

func (f *fixture) waitingIntegration() *practice.Practice {
	p := f.inCharge()
	return f.must(f.desk.RequestIntegration(f.ctx, f.act.assigned, p.ID, practice.IntegrationInput{Text: "x"}))
}

func (f *fixture) paymentPending() *practice.Practice {
	p := f.draft()
	return f.must(f.desk.Pay(f.ctx, f.act.owner, p.ID))
}

// TestCommandAuthorizationMatrix runs every command as every kind of actor
// on a pratica in a status where the lifecycle allows it: 'y' must not be
// refused for permission, '.' must be a *auth.PermissionError.
func TestCommandAuthorizationMatrix(t *testing.T) {
	// The columns of every row's want, in order:
	//
	//	owner, other citizen, related citizen, operator enabled,
	//	operator not enabled, assigned operator, office member, manager,
	//	admin, system
	cols := []string{"owner", "other citizen", "related citizen", "operator enabled", "operator not enabled",
		"assigned operator", "office member", "manager", "admin", "system"}
	const workers = "...y.yy.y."
	upFront := func(s *practice.Service) {
		s.Payment = practice.PaymentRequired
		s.PaymentAmount = decimal.RequireFromString("5")
	}
	withProtocol := func(s *practice.Service) { s.ProtocolRequired = true }
	cases := []struct {
		name  string
		want  string
		svc   func(*practice.Service)
		setup func(f *fixture) *practice.Practice
		call  func(f *fixture, who auth.Principal, p *practice.Practice) error
	}{
		{"view", "y.yy.yy.yy", nil, (*fixture).submitted, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.Get(f.ctx, who, p.ID)
			return err
		}},
		{"create", "yyy.......", nil, func(*fixture) *practice.Practice { return nil }, func(f *fixture, who auth.Principal, _ *practice.Practice) error {
			_, err := f.desk.Create(f.ctx, who, practice.NewPractice{Service: serviceID})
			return err
		}},
		{"edit", "y.........", nil, (*fixture).draft, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.Edit(f.ctx, who, p.ID, map[string]any{"a": "b"})
			return err
		}},
		{"delete", "y.........", nil, (*fixture).draft, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			return f.desk.Delete(f.ctx, who, p.ID)
		}},
		{"submit", "y.........", nil, (*fixture).draft, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.Submit(f.ctx, who, p.ID)
			return err
		}},
		{"pay", "y.........", upFront, (*fixture).draft, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.Pay(f.ctx, who, p.ID)
			return err
		}},
		{"answer integration", "y.........", nil, (*fixture).waitingIntegration, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.AnswerIntegration(f.ctx, who, p.ID, practice.AnswerInput{Text: "ok"})
			return err
		}},
		{"withdraw", "y.........", nil, (*fixture).submitted, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.Withdraw(f.ctx, who, p.ID, "")
			return err
		}},
		{"message", "y..y.yy.y.", nil, (*fixture).inCharge, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.SendMessage(f.ctx, who, p.ID, practice.MessageInput{Text: "hi"})
			return err
		}},
		{"note", workers, nil, (*fixture).inCharge, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.SendMessage(f.ctx, who, p.ID, practice.MessageInput{Text: "hi", Internal: true})
			return err
		}},
		{"take in charge", workers, nil, (*fixture).acquired, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.TakeInCharge(f.ctx, who, p.ID)
			return err
		}},
		{"change assignee", workers, nil, (*fixture).acquired, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.Assign(f.ctx, who, p.ID, officeID, "")
			return err
		}},
		{"take over", "...y..y.y.", nil, (*fixture).inCharge, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.TakeOver(f.ctx, who, p.ID)
			return err
		}},
		{"request integration", workers, nil, (*fixture).inCharge, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.RequestIntegration(f.ctx, who, p.ID, practice.IntegrationInput{Text: "x"})
			return err
		}},
		{"accept integration", workers, nil, func(f *fixture) *practice.Practice {
			p := f.waitingIntegration()
			return f.must(f.desk.SendMessage(f.ctx, f.act.owner, p.ID, practice.MessageInput{Text: "eccomi"}))
		}, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.AcceptIntegration(f.ctx, who, p.ID)
			return err
		}},
		{"cancel integration", workers, nil, (*fixture).waitingIntegration, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.CancelIntegration(f.ctx, who, p.ID)
			return err
		}},
		{"register payment", workers, upFront, (*fixture).paymentPending, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.RegisterPayment(f.ctx, who, p.ID, practice.ManualPayment{})
			return err
		}},
		{"accept", ".....y....", nil, (*fixture).inCharge, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.Accept(f.ctx, who, p.ID, practice.Decision{Motivation: "ok"})
			return err
		}},
		{"reject", ".....y....", nil, (*fixture).inCharge, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.Reject(f.ctx, who, p.ID, practice.Decision{Motivation: "no"})
			return err
		}},
		{"request stamp duty", workers, nil, (*fixture).inCharge, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.RequestStampDuty(f.ctx, who, p.ID)
			return err
		}},
		{"change status", workers, nil, (*fixture).inCharge, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.ChangeStatus(f.ctx, who, p.ID, practice.StatusRevoked, "")
			return err
		}},
		{"reopen", workers, nil, func(f *fixture) *practice.Practice {
			p := f.inCharge()
			return f.must(f.desk.Accept(f.ctx, f.act.assigned, p.ID, practice.Decision{Motivation: "ok"}))
		}, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.Reopen(f.ctx, who, p.ID)
			return err
		}},
		{"acquire", ".........y", nil, (*fixture).submitted, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.Acquire(f.ctx, who, p.ID)
			return err
		}},
		{"register protocol", ".........y", withProtocol, (*fixture).acquired, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.RegisterProtocol(f.ctx, who, p.ID)
			return err
		}},
		{"payment outcome", ".........y", upFront, func(f *fixture) *practice.Practice {
			p := f.paymentPending()
			f.settle(p.Payments[0].ID, payment.StatusComplete)
			return p
		}, func(f *fixture, who auth.Principal, p *practice.Practice) error {
			_, err := f.desk.ApplyPaymentOutcome(f.ctx, who, p.ID, p.Payments[0].ID)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for i, name := range cols {
				svc := baseService()
				if tc.svc != nil {
					tc.svc(&svc)
				}
				f := newFixture(t, svc)
				p := tc.setup(f)
				who := []auth.Principal{f.act.owner, f.act.other, f.act.related, f.act.enabled, f.act.notEnabled,
					f.act.assigned, f.act.officeMember, f.act.manager, f.act.admin, f.act.system}[i]
				err := tc.call(f, who, p)
				if tc.want[i] == 'y' && err != nil {
					t.Errorf("%s: %v", name, err)
				}
				if tc.want[i] == '.' && !errors.Is(err, auth.ErrForbidden) {
					t.Errorf("%s: %v, want ErrForbidden", name, err)
				}
			}
		})
	}
}
