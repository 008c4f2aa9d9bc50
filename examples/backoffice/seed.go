package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/ticket"
)

// demoPassword is every demo account's password (long enough for a
// single-factor login).
const demoPassword = "sportello-demo-2026"

// login is one demo account shown at start.
type login struct {
	Username, What string
}

// seeded tells what the demo data holds.
type seeded struct {
	Password string
	Logins   []login
	// Practice and Request are a pratica and a help-desk request the
	// self-test opens.
	Practice practice.ID
	Request  string
	// Calendar is the demo calendar (empty without the calendar wings).
	Calendar string
}

// seeder fills an empty tenant with demo data.
type seeder struct {
	ctx    context.Context
	sys    *system
	admin  auth.Principal
	ops    map[string]auth.Principal // username -> principal
	day    time.Duration             // offset of the current seeding "day"
	result seeded
}

// seed fills the tenant with demo data, unless it already has an
// administrator (existing data in PostgreSQL): then it returns an empty
// seeded.
func seed(ctx context.Context, sys *system) (*seeded, error) {
	defer sys.clock.set(0)
	s := &seeder{ctx: ctx, sys: sys, ops: map[string]auth.Principal{}}
	s.at(-21 * 24 * time.Hour)
	admin, err := sys.auth.Bootstrap(ctx, sys.tenant, auth.NewOperator{Username: "admin", Email: "it@comune.example"})
	if errors.Is(err, auth.ErrForbidden) || err == nil && admin.HasPassword() {
		return &seeded{}, nil // the tenant is already set up
	}
	if err != nil {
		return nil, err
	}
	if err := s.setPassword(admin); err != nil {
		return nil, err
	}
	s.admin = admin.Principal()
	s.result.Password = demoPassword
	s.result.Logins = append(s.result.Logins, login{"admin", "administrator: sees every pratica, manages the help-desk catalogue"})
	for _, op := range []struct {
		in   auth.NewOperator
		what string
	}{
		{auth.NewOperator{Username: "anna", Email: "anna@comune.example", Services: []string{"passo-carrabile", "suolo-pubblico"},
			Offices: []string{"polizia-locale"}},
			"operator of the local police: public land and driveway pratiche, the counter's calendar"},
		{auth.NewOperator{Username: "bruno", Email: "bruno@comune.example", Services: []string{"residenza"},
			Offices: []string{"anagrafe", "servicedesk"}},
			"registry office operator and help-desk agent"},
		{auth.NewOperator{Username: "carla", Email: "carla@comune.example", Services: []string{"contributo-affitto"},
			Offices: []string{"servizi-sociali"}, Manager: true},
			"social services manager"},
	} {
		a, err := sys.auth.CreateOperator(ctx, s.admin, op.in)
		if err != nil {
			return nil, err
		}
		if err := s.setPassword(a); err != nil {
			return nil, err
		}
		s.ops[a.Username] = a.Principal()
		s.result.Logins = append(s.result.Logins, login{a.Username, op.what})
	}
	if err := s.services(); err != nil {
		return nil, err
	}
	if err := s.pratiche(); err != nil {
		return nil, err
	}
	if err := s.helpdesk(); err != nil {
		return nil, err
	}
	if sys.cal != nil {
		if err := sys.cal.seed(ctx, s); err != nil {
			return nil, err
		}
	}
	sys.clock.set(0)
	if err := sys.Chores(ctx); err != nil {
		return nil, err
	}
	return &s.result, nil
}

// at moves the Desks' clock to now+d.
func (s *seeder) at(d time.Duration) {
	s.day = d
	s.sys.clock.set(d)
}

// later moves the clock on by d.
func (s *seeder) later(d time.Duration) { s.at(s.day + d) }

// setPassword "clicks" the set-password link the account was mailed.
func (s *seeder) setPassword(a *auth.Account) error {
	_, err := s.sys.auth.SetPassword(s.ctx, s.sys.tenant, s.sys.mail.token(a.Email), demoPassword)
	return err
}

// services publishes the pratiche's services.
func (s *seeder) services() error {
	for _, svc := range []practice.Service{
		{ID: "suolo-pubblico", Name: "Occupazione di suolo pubblico", Office: "polizia-locale",
			Workflow: practice.WorkflowApproval, Payment: practice.PaymentDeferred,
			AllowIntegrationRequest: true, AllowWithdraw: true, AllowReopening: true, MaxResponseDays: 30, RequiredLevel: auth.LevelL2},
		{ID: "passo-carrabile", Name: "Passo carrabile", Office: "polizia-locale",
			Workflow: practice.WorkflowApproval, Payment: practice.PaymentNone,
			AllowIntegrationRequest: true, AllowWithdraw: true, MaxResponseDays: 60, RequiredLevel: auth.LevelL2},
		{ID: "residenza", Name: "Cambio di residenza", Office: "anagrafe",
			Workflow: practice.WorkflowApproval, Payment: practice.PaymentNone, ProtocolRequired: true,
			AllowIntegrationRequest: true, MaxResponseDays: 45, RequiredLevel: auth.LevelL2},
		{ID: "contributo-affitto", Name: "Contributo per l'affitto", Office: "servizi-sociali",
			Workflow: practice.WorkflowApproval, Payment: practice.PaymentNone,
			AllowIntegrationRequest: true, AllowReopening: true, MaxResponseDays: 90, RequiredLevel: auth.LevelL2},
	} {
		svc.Status = practice.ServiceAvailable
		if _, err := s.sys.practices.CreateService(s.ctx, s.admin, svc); err != nil {
			return err
		}
	}
	return nil
}

// citizen is a demo citizen.
type citizen struct {
	name, family, fiscalCode string
}

// citizens are the demo citizens; their codici fiscali get their check
// character computed at start.
var citizens = []citizen{
	{"Mario", "Rossi", "RSSMRA80A01H501"},
	{"Giulia", "Bianchi", "BNCGLI85M41F205"},
	{"Luca", "Verdi", "VRDLCU72C12L219"},
	{"Sara", "Esposito", "SPSSRA90T52F839"},
	{"Paolo", "Romano", "RMNPLA66D03A944"},
}

// withCheckChar completes a 15-character codice fiscale with the check
// character auth accepts.
func withCheckChar(prefix string) (auth.FiscalCode, error) {
	for c := 'A'; c <= 'Z'; c++ {
		if fc, err := auth.ParseFiscalCode(prefix + string(c)); err == nil {
			return fc, nil
		}
	}
	return auth.FiscalCode{}, fmt.Errorf("no check character completes %d characters", len(prefix))
}

// citizenPrincipal is the principal a citizen gets arriving from SPID.
func (s *seeder) citizenPrincipal(c citizen) (auth.Principal, error) {
	fc, err := withCheckChar(c.fiscalCode)
	if err != nil {
		return auth.Principal{}, err
	}
	id, err := auth.IdentityFromAttributes("spid", auth.LevelL2, auth.Attributes{
		auth.AttrName: c.name, auth.AttrFamilyName: c.family, auth.AttrFiscalNumber: "TINIT-" + fc.String(),
	})
	if err != nil {
		return auth.Principal{}, err
	}
	return id.Principal(s.sys.tenant), nil
}

// plan says how far a seeded pratica goes.
type plan int

const (
	planSubmitted plan = iota
	planInCharge
	planIntegration
	planAccepted
	planRejected
	planToPay
)

// seededPractice is one demo pratica.
type seededPractice struct {
	service string
	plan    plan
	data    map[string]any
}

// pratiche creates the demo pratiche, a day or so apart, each moved as
// far as its plan says.
func (s *seeder) pratiche() error {
	worker := map[string]string{"suolo-pubblico": "anna", "passo-carrabile": "anna", "residenza": "bruno", "contributo-affitto": "carla"}
	streets := []string{"Via Roma", "Corso Italia", "Via Garibaldi", "Piazza Duomo", "Via Mazzini", "Viale Europa"}
	var list []seededPractice
	services := []string{"suolo-pubblico", "passo-carrabile", "residenza", "contributo-affitto"}
	plans := []plan{planSubmitted, planInCharge, planAccepted, planIntegration, planSubmitted, planRejected, planToPay, planInCharge}
	for i := range 26 {
		svc := services[i%len(services)]
		pl := plans[i%len(plans)]
		if pl == planToPay && svc != "suolo-pubblico" {
			pl = planAccepted
		}
		data := map[string]any{"indirizzo": fmt.Sprintf("%s %d", streets[i%len(streets)], 3+i*7%90)}
		switch svc {
		case "suolo-pubblico":
			data["metri_quadri"] = 6 + i%5*4
			data["giorni"] = 10 + i%3*10
		case "passo-carrabile":
			data["larghezza_m"] = 3 + i%3
		case "residenza":
			data["componenti"] = 1 + i%4
		case "contributo-affitto":
			data["isee"] = 9000 + i*750
		}
		list = append(list, seededPractice{service: svc, plan: pl, data: data})
	}
	for i, sp := range list {
		s.at(time.Duration(-20*24+i*17) * time.Hour)
		c := citizens[i%len(citizens)]
		who, err := s.citizenPrincipal(c)
		if err != nil {
			return err
		}
		sp.data["applicant"] = c.name + " " + c.family
		p, err := s.playPractice(i, who, s.ops[worker[sp.service]], sp)
		if err != nil {
			return fmt.Errorf("pratica %d (%s): %w", i, sp.service, err)
		}
		if s.result.Practice == "" && p.Status == practice.StatusSubmitted {
			s.result.Practice = p.ID
		}
	}
	return nil
}

// playPractice creates one pratica and moves it as its plan says.
func (s *seeder) playPractice(i int, who, op auth.Principal, sp seededPractice) (*practice.Practice, error) {
	ctx, d := s.ctx, s.sys.practices
	system := auth.System(s.sys.tenant)
	name, _ := sp.data["applicant"].(string)
	p, err := d.Create(ctx, who, practice.NewPractice{Service: sp.service, IdempotencyKey: fmt.Sprintf("seed-%02d", i), OwnerName: name, Data: sp.data})
	if err != nil {
		return nil, err
	}
	protocol := sp.service == "residenza"
	steps := []func() (*practice.Practice, error){
		func() (*practice.Practice, error) { return d.Submit(ctx, who, p.ID) },
		func() (*practice.Practice, error) { return d.Acquire(ctx, system, p.ID) },
	}
	if protocol {
		steps = append(steps, func() (*practice.Practice, error) { return d.RegisterProtocol(ctx, system, p.ID) })
	}
	if sp.plan != planSubmitted {
		steps = append(steps, func() (*practice.Practice, error) { return d.TakeInCharge(ctx, op, p.ID) })
	}
	switch sp.plan {
	case planIntegration:
		steps = append(steps, func() (*practice.Practice, error) {
			return d.RequestIntegration(ctx, op, p.ID, practice.IntegrationInput{Text: "Allegare la planimetria aggiornata."})
		})
		if protocol {
			steps = append(steps, func() (*practice.Practice, error) { return d.RegisterProtocol(ctx, system, p.ID) })
		}
	case planAccepted:
		steps = append(steps, func() (*practice.Practice, error) {
			return d.Accept(ctx, op, p.ID, practice.Decision{Motivation: "Istruttoria conclusa positivamente."})
		})
		if protocol {
			steps = append(steps, func() (*practice.Practice, error) { return d.RegisterProtocol(ctx, system, p.ID) })
		}
	case planRejected:
		steps = append(steps, func() (*practice.Practice, error) {
			return d.Reject(ctx, op, p.ID, practice.Decision{Motivation: "Requisiti non soddisfatti."})
		})
		if protocol {
			steps = append(steps, func() (*practice.Practice, error) { return d.RegisterProtocol(ctx, system, p.ID) })
		}
	case planToPay:
		steps = append(steps, func() (*practice.Practice, error) {
			return d.Accept(ctx, op, p.ID, practice.Decision{Motivation: "Concessa.", Amount: decimal.RequireFromString("48.00")})
		})
	}
	for _, st := range steps {
		s.later(37 * time.Minute)
		if p, err = st(); err != nil {
			return nil, err
		}
	}
	if sp.plan == planInCharge {
		s.later(2 * time.Hour)
		if p, err = d.SendMessage(ctx, op, p.ID, practice.MessageInput{Subject: "Presa in carico",
			Text: "La sua pratica è in lavorazione: riceverà l'esito entro i termini."}); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// helpdesk builds the help-desk catalogue and a few requests.
func (s *seeder) helpdesk() error {
	ctx, d := s.ctx, s.sys.tickets
	s.at(-10 * 24 * time.Hour)
	type sub struct {
		name string
		typ  ticket.RequestType
	}
	type svc struct {
		name, desc string
		extra      []ticket.ExtraField
		subs       []sub
	}
	families := []struct {
		name     string
		services []svc
	}{
		{"Servizi informatici", []svc{
			{"Posta elettronica", "Caselle personali e condivise, PEC dell'ente",
				[]ticket.ExtraField{{Name: "sede", Label: "Sede", Type: ticket.FieldChoice, Required: true, Choices: []string{"Municipio", "Via Verdi", "Biblioteca"}}},
				[]sub{{"Casella non funzionante", ticket.TypeIncident}, {"Nuova casella condivisa", ticket.TypeServiceRequest}}},
			{"Postazioni di lavoro", "PC, stampanti e software d'ufficio", nil,
				[]sub{{"Guasto hardware", ticket.TypeIncident}, {"Installazione software", ticket.TypeServiceRequest}}},
		}},
		{"Servizi online", []svc{
			{"Portale dei servizi", "Le pratiche online dei cittadini", nil,
				[]sub{{"Errore nel modulo", ticket.TypeIncident}, {"Nuovo servizio online", ticket.TypeServiceRequest}}},
			{"Accesso SPID e CIE", "Problemi di autenticazione", nil,
				[]sub{{"Accesso non riuscito", ticket.TypeIncident}}},
		}},
	}
	type made struct{ service, sub string }
	var first []made
	for fi, f := range families {
		fam, err := d.CreateFamily(ctx, s.admin, ticket.FamilyInput{Name: f.name, Position: fi})
		if err != nil {
			return err
		}
		for si, sv := range f.services {
			service, err := d.CreateService(ctx, s.admin, ticket.ServiceInput{FamilyID: fam.ID, Name: sv.name, Description: sv.desc,
				TeamID: "servicedesk", ExtraFields: sv.extra, Position: si})
			if err != nil {
				return err
			}
			for bi, b := range sv.subs {
				sc, err := d.CreateSubcategory(ctx, s.admin, ticket.SubcategoryInput{ServiceID: service.ID, Name: b.name, Type: b.typ, Position: bi})
				if err != nil {
					return err
				}
				if bi == 0 {
					first = append(first, made{service.ID, sc.ID})
				}
			}
		}
	}
	anna, bruno := s.ops["anna"], s.ops["bruno"]
	requests := []struct {
		at          made
		title, desc string
		extra       map[string]string
		resolve     bool
		close       bool
	}{
		{first[0], "La casella dell'ufficio non riceve", "Da stamattina i messaggi esterni non arrivano.", map[string]string{"sede": "Municipio"}, true, true},
		{first[1], "Stampante del piano terra guasta", "La stampante segnala un inceppamento che non c'è.", nil, true, false},
		{first[2], "Il modulo del passo carrabile non si invia", "Al passo 3 il pulsante Invia non risponde.", nil, false, false},
	}
	for i, rq := range requests {
		s.later(5 * time.Hour)
		r, err := d.Create(ctx, anna, ticket.NewRequest{ServiceID: rq.at.service, SubcategoryID: rq.at.sub, Title: rq.title,
			Description: rq.desc, Extra: rq.extra, Impact: ticket.ImpactPerson, Urgency: ticket.UrgencyMedium,
			IdempotencyKey: fmt.Sprintf("seed-%d", i)})
		if err != nil {
			return err
		}
		if _, err := d.Attach(ctx, anna, r.ID, "dettagli.txt", strings.NewReader("Dettagli del problema segnalato dall'ufficio.\n")); err != nil {
			return err
		}
		if s.result.Request == "" {
			s.result.Request = r.ID
		}
		if !rq.resolve {
			continue
		}
		s.later(time.Hour)
		if _, err := d.Assign(ctx, bruno, r.ID, "servicedesk", bruno.ID); err != nil {
			return err
		}
		if _, err := d.Comment(ctx, bruno, r.ID, "Sto verificando, grazie della segnalazione."); err != nil {
			return err
		}
		s.later(3 * time.Hour)
		if _, err := d.Resolve(ctx, bruno, r.ID, "fixed", "Risolto: configurazione ripristinata."); err != nil {
			return err
		}
		if rq.close {
			s.later(time.Hour)
			if _, err := d.Close(ctx, anna, r.ID, 1, "Tutto a posto, grazie."); err != nil {
				return err
			}
		}
	}
	return nil
}
