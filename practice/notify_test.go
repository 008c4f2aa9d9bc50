package practice

import (
	"testing"

	"github.com/shopspring/decimal"
)

// TestNotificationsPerStatus: the citizen on 1000, 1500, 1510, 1520, 1530,
// 1900, 2000, 3000, 4000 (only with an active template, once), 7000, 9000,
// 20000, 50000; never on 4100–4500, 6000, 8000; the operators on 2000 and
// 3000.
func TestNotificationsPerStatus(t *testing.T) {
	citizen := map[Status]bool{1000: true, 1500: true, 1510: true, 1520: true, 1530: true, 1900: true, 2000: true,
		3000: true, 7000: true, 9000: true, 20000: true, 50000: true}
	operators := map[Status]bool{2000: true, 3000: true}
	p := &Practice{ID: "p", Tenant: "t", Service: "s", Owner: Owner{ID: "c"}}
	plain := &Service{ID: "s"}
	for _, s := range Statuses() {
		var gotCitizen, gotOperators bool
		for _, n := range Notifications(plain, p, s) {
			switch n.Kind {
			case NotifyCitizenStatus:
				gotCitizen = n.Recipient == "c" && n.Status == s
			case NotifyOperatorsNew:
				gotOperators = n.Service == "s" && n.Recipient == ""
			}
		}
		if gotCitizen != citizen[s] || gotOperators != operators[s] {
			t.Errorf("%v: citizen %v operators %v", s, gotCitizen, gotOperators)
		}
	}
}

func TestNotificationTemplates(t *testing.T) {
	svc := &Service{ID: "s", Templates: map[Status]MessageTemplate{
		StatusPending:   {Active: true, Subject: "presa in carico", Body: "b"},
		StatusComplete:  {Active: false, Subject: "x"},
		StatusCancelled: {Active: true, Subject: "rifiutata"},
	}}
	p := &Practice{ID: "p", Tenant: "t", Service: "s", Owner: Owner{ID: "c"}}
	cases := []struct {
		name    string
		history []HistoryEntry
		to      Status
		subject string
		sent    bool
	}{
		{"active template", nil, StatusCancelled, "rifiutata", true},
		{"inactive template suppresses", nil, StatusComplete, "", false},
		{"no template: default text", nil, StatusWithdrawn, "", true},
		{"4000 with active template", nil, StatusPending, "presa in carico", true},
		{"4000 only once", []HistoryEntry{{From: StatusRegistered, To: StatusPending}}, StatusPending, "", false},
		{"4000 without template", nil, StatusPending, "", false},
	}
	for _, c := range cases {
		s := svc
		if c.name == "4000 without template" {
			s = &Service{ID: "s"}
		}
		q := *p
		q.History = c.history
		var got []Notification
		for _, n := range Notifications(s, &q, c.to) {
			if n.Kind == NotifyCitizenStatus {
				got = append(got, n)
			}
		}
		if (len(got) == 1) != c.sent || c.sent && got[0].Subject != c.subject {
			t.Errorf("%s: %+v", c.name, got)
		}
	}
}

func TestServiceValidationRules(t *testing.T) {
	d, err := New(Config{Store: nopStore{}})
	if err != nil {
		t.Fatal(err)
	}
	base := Service{ID: "s", Tenant: "t", Name: "n", Status: ServiceAvailable, Workflow: WorkflowApproval, Payment: PaymentNone}
	cases := []struct {
		name  string
		edit  func(*Service)
		field string
		rule  string
	}{
		{"valid", func(*Service) {}, "", ""},
		{"name required", func(s *Service) { s.Name = "" }, "name", "required"},
		{"unknown workflow", func(s *Service) { s.Workflow = "x" }, "workflow", "oneof"},
		{"unknown payment", func(s *Service) { s.Payment = "x" }, "payment", "oneof"},
		{"up front needs amount", func(s *Service) { s.Payment = PaymentRequired }, "payment_amount", "required"},
		{"free service has no amount", func(s *Service) { s.PaymentAmount = decimal.NewFromInt(1) }, "payment_amount", "excluded"},
		{"negative amount", func(s *Service) { s.Payment, s.PaymentAmount = PaymentDeferred, decimal.NewFromInt(-1) }, "payment_amount", "gte"},
		{"three decimals", func(s *Service) { s.Payment, s.PaymentAmount = PaymentRequired, decimal.RequireFromString("1.005") }, "payment_amount", "decimals"},
		{"deferred needs approval", func(s *Service) { s.Payment, s.Workflow = PaymentDeferred, WorkflowForward }, "payment", "workflow"},
		{"template of unknown status", func(s *Service) { s.Templates = map[Status]MessageTemplate{1234: {}} }, "templates", "status"},
		{"negative response time", func(s *Service) { s.MaxResponseDays = -1 }, "max_response_days", "gte"},
		{"blank ID", func(s *Service) { s.ID = "   " }, "id", "required"},
		{"blank name", func(s *Service) { s.Name = " \t " }, "name", "required"},
		{"ID with NUL", func(s *Service) { s.ID = "svc\x00" }, "id", "line"},
		{"name not UTF-8", func(s *Service) { s.Name = "caf\xe9" }, "name", "line"},
		{"template body with NUL", func(s *Service) { s.Templates = map[Status]MessageTemplate{StatusComplete: {Body: "a\x00"}} }, "templates[complete].body", "text"},
		{"fee of 13 digits", func(s *Service) { s.Payment, s.PaymentAmount = PaymentRequired, decimal.RequireFromString("1e13") }, "payment_amount", "max"},
		{"fee of 1001 digits", func(s *Service) { s.Payment, s.PaymentAmount = PaymentRequired, decimal.RequireFromString("1e1000") }, "payment_amount", "max"},
		{"fee of 12 digits", func(s *Service) {
			s.Payment, s.PaymentAmount = PaymentRequired, decimal.RequireFromString("999999999999.99")
		}, "", ""},
	}
	for _, c := range cases {
		s := base
		c.edit(&s)
		err := d.validateService(&s)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		ve, ok := err.(*ValidationError)
		if !ok || !ve.Has(c.field, c.rule) {
			t.Errorf("%s: %v, want %s/%s", c.name, err, c.field, c.rule)
		}
	}
}

// nopStore satisfies Store for tests that never reach it.
type nopStore struct{ Store }
