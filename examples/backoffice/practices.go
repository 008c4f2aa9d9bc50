package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/practice"
)

// pageSize is how many pratiche a list page shows.
const pageSize = 10

// option is one <option> of a <select>.
type option struct {
	Value, Label string
	Selected     bool
}

// filters are the list's query parameters, as typed.
type filters struct {
	Service, Status, Assignment, Text, From, To, Sort, Order string
}

// parseFilters reads the list's filters from q into a practice query; a
// malformed value is a *badRequest naming it.
func parseFilters(q url.Values) (filters, practice.OfficeQuery, error) {
	f := filters{
		Service: q.Get("servizio"), Status: q.Get("stato"), Assignment: q.Get("assegnazione"),
		Text: strings.TrimSpace(q.Get("testo")), From: q.Get("dal"), To: q.Get("al"),
		Sort: q.Get("ordine"), Order: q.Get("verso"),
	}
	var oq practice.OfficeQuery
	var bad []string
	if len(f.Service) > 100 {
		bad = append(bad, "servizio")
	}
	oq.Service = f.Service
	if f.Status != "" {
		n, err := strconv.Atoi(f.Status)
		if st := practice.Status(n); err != nil || !st.Valid() {
			bad = append(bad, "stato")
		} else {
			oq.Statuses = []practice.Status{st}
		}
	}
	switch f.Assignment {
	case "":
	case "mie":
		oq.Owned = true
	case "libere":
		oq.Unassigned = true
	default:
		bad = append(bad, "assegnazione")
	}
	if !utf8.ValidString(f.Text) || utf8.RuneCountInString(f.Text) > 100 {
		bad = append(bad, "testo")
	}
	oq.Text = f.Text
	var err error
	if oq.ChangedFrom, err = parseDay(f.From, 0); err != nil {
		bad = append(bad, "dal")
	}
	if oq.ChangedTo, err = parseDay(f.To, 1); err != nil {
		bad = append(bad, "al")
	}
	if f.Sort == "" {
		f.Sort = "last_change"
	}
	if k, ok := practice.ParseSortKey(f.Sort); ok {
		oq.Sort = k
	} else {
		bad = append(bad, "ordine")
	}
	switch f.Order {
	case "", "desc":
		f.Order, oq.Desc = "desc", true
	case "asc":
	default:
		bad = append(bad, "verso")
	}
	if len(bad) > 0 {
		return f, oq, &badRequest{"Filtri non validi: " + strings.Join(bad, ", ") + "."}
	}
	return f, oq, nil
}

// parseDay reads a YYYY-MM-DD date as local midnight in Rome, plus days
// (1 makes an exclusive upper bound of the day); "" is the zero time.
func parseDay(s string, days int) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, rome)
	if err != nil {
		return time.Time{}, err
	}
	return t.AddDate(0, 0, days), nil
}

// query returns the list URL of f (without cursor).
func (f filters) query() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"servizio": f.Service, "stato": f.Status, "assegnazione": f.Assignment,
		"testo": f.Text, "dal": f.From, "al": f.To, "ordine": f.Sort, "verso": f.Order} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v
}

// practiceRow is one row of the list.
type practiceRow struct {
	ID, Short, Service, Applicant, FiscalCode, Status, Assignee string
	Code                                                        int
	Submitted, Changed                                          time.Time
}

// listData is the list page.
type listData struct {
	Filters                         filters
	Services, Statuses, Assignments []option
	Sorts, Orders                   []option
	Rows                            []practiceRow
	NextURL, FirstURL, CSVURL       string
	Paged                           bool
}

// serviceNames returns the tenant's service names by ID.
func (s *server) serviceNames(ctx context.Context) (map[string]string, []*practice.Service, error) {
	svcs, err := s.sys.practiceStore.ListServices(ctx, s.sys.tenant, "", 200)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for _, svc := range svcs {
		names[svc.ID] = svc.Name
	}
	return names, svcs, nil
}

// username returns the username of an operator account ID, or the ID.
func (s *server) username(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	s.namesMu.Lock()
	n, ok := s.names[id]
	s.namesMu.Unlock()
	if ok {
		return n
	}
	a, err := s.sys.authStore.GetAccount(ctx, s.sys.tenant, id)
	if err != nil {
		if id == "system" {
			return "sistema"
		}
		return id // a citizen (codice fiscale) or someone unknown
	}
	s.namesMu.Lock()
	s.names[id] = a.Username
	s.namesMu.Unlock()
	return a.Username
}

// practiceList is the pratiche list with filters, sorting and pages.
func (s *server) practiceList(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	f, oq, err := parseFilters(r.URL.Query())
	if err != nil {
		return err
	}
	cursor := r.URL.Query().Get("cursore")
	pg, err := s.sys.practices.ListSummaries(ctx, c.who, oq, cursor, pageSize)
	if err != nil {
		return err
	}
	names, svcs, err := s.serviceNames(ctx)
	if err != nil {
		return err
	}
	d := listData{Filters: f, Paged: cursor != ""}
	d.Services = []option{{Value: "", Label: "Tutti i servizi"}}
	for _, svc := range svcs {
		if c.who.IsAdmin() || c.who.CanWorkOnService(svc.ID) || c.who.InOffice(svc.Office) {
			d.Services = append(d.Services, option{svc.ID, svc.Name, svc.ID == f.Service})
		}
	}
	d.Statuses = []option{{Value: "", Label: "Tutti gli stati"}}
	for _, st := range practice.Statuses() {
		if st >= practice.StatusPaymentPending {
			v := strconv.Itoa(int(st))
			d.Statuses = append(d.Statuses, option{v, v + " " + st.Label("it"), v == f.Status})
		}
	}
	d.Assignments = selectOptions(f.Assignment, "", "Tutte", "mie", "Assegnate a me", "libere", "Non assegnate")
	d.Sorts = selectOptions(f.Sort, "last_change", "Ultimo cambio di stato", "submitted", "Data di invio", "id", "Identificativo")
	d.Orders = selectOptions(f.Order, "desc", "Dal più recente", "asc", "Dal meno recente")
	for _, p := range pg.Items {
		d.Rows = append(d.Rows, practiceRow{
			ID: string(p.ID), Short: shortID(string(p.ID)), Service: cmpOr(names[p.Service], p.Service), Applicant: p.Owner.Name,
			FiscalCode: p.Owner.FiscalCode, Status: p.Status.Label("it"), Code: int(p.Status),
			Assignee: s.username(ctx, p.Assignee), Submitted: p.SubmittedAt, Changed: p.LastChange,
		})
	}
	base := f.query()
	d.FirstURL = "/pratiche?" + base.Encode()
	d.CSVURL = "/pratiche.csv?" + base.Encode()
	if pg.Next != "" {
		next := f.query()
		next.Set("cursore", pg.Next)
		d.NextURL = "/pratiche?" + next.Encode()
	}
	s.render(w, r, c, http.StatusOK, "practices", page{Title: "Pratiche", Section: "pratiche", Data: d})
	return nil
}

// shortID is the tail of an ID for the list (UUIDv7s share their head,
// the time).
func shortID(id string) string {
	if r := []rune(id); len(r) > 8 {
		return "…" + string(r[len(r)-8:])
	}
	return id
}

// selectOptions builds options from value/label pairs.
func selectOptions(selected string, pairs ...string) []option {
	var out []option
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, option{pairs[i], pairs[i+1], pairs[i] == selected})
	}
	return out
}

// cmpOr returns a unless empty, else b.
func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// practiceCSV downloads the filtered list as CSV for spreadsheets.
func (s *server) practiceCSV(w http.ResponseWriter, r *http.Request, c *call) error {
	_, oq, err := parseFilters(r.URL.Query())
	if err != nil {
		return err
	}
	// Check the query and the permission before the headers go out.
	if _, err := s.sys.practices.ListSummaries(r.Context(), c.who, oq, "", 1); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="pratiche-%s.csv"`, time.Now().In(rome).Format("20060102")))
	w.Header().Set("Cache-Control", "no-store")
	if _, err := s.sys.practices.ExportCSV(r.Context(), c.who, oq, w, practice.CSVOptions{Lang: "it"}); err != nil {
		// Too late for an error page: the download ends short.
		s.log.Error().Err(err).Str("tenant", s.sys.tenant).Msg("csv export")
	}
	return nil
}

// historyRow is one history entry.
type historyRow struct {
	At                  time.Time
	Event, From, To, By string
}

// messageRow is one message or note.
type messageRow struct {
	At                    time.Time
	Author, Subject, Text string
	Internal              bool
	Attachments           []string
}

// paymentRow is one payment of the pratica.
type paymentRow struct {
	Purpose, Amount, Status string
	At                      time.Time
}

// actionForm is one action the operator may take, with its form fields.
type actionForm struct {
	Name, Label, Help string
	Motivation        bool // a motivation textarea
	Text              bool // a text textarea
	Subject           bool // a subject input
	Amount            bool // an amount input
	Danger            bool
}

// practiceData is the pratica page.
type practiceData struct {
	ID, Service, Applicant, FiscalCode, Status, Assignee, Office, Protocol string
	Code                                                                   int
	Final                                                                  bool
	Submitted, Changed                                                     time.Time
	Fields                                                                 []option // form data as label/value
	History                                                                []historyRow
	Messages                                                               []messageRow
	Payments                                                               []paymentRow
	Outcome                                                                string
	Actions                                                                []actionForm
	Values                                                                 map[string]string // form values to keep after a refusal
}

// operatorActions are the actions the back office offers, in page order.
var operatorActions = []actionForm{
	{Name: "take_in_charge", Label: "Prendi in carico", Help: "La pratica viene assegnata a te e al tuo ufficio."},
	{Name: "take_over", Label: "Subentra all'operatore", Help: "La pratica passa da un collega a te."},
	{Name: "accept", Label: "Accetta", Motivation: true, Amount: true, Help: "L'esito viene comunicato al cittadino."},
	{Name: "reject", Label: "Rifiuta", Motivation: true, Danger: true, Help: "L'esito viene comunicato al cittadino."},
	{Name: "request_integration", Label: "Richiedi integrazioni", Text: true, Help: "Il cittadino riceve la richiesta e può rispondere."},
	{Name: "accept_integration", Label: "Accetta le integrazioni ricevute"},
	{Name: "cancel_integration", Label: "Annulla la richiesta di integrazioni"},
	{Name: "request_stamp_duty", Label: "Richiedi la marca da bollo"},
	{Name: "reopen", Label: "Riapri la pratica"},
	{Name: "message", Label: "Scrivi al cittadino", Subject: true, Text: true},
	{Name: "note", Label: "Aggiungi una nota interna", Text: true, Help: "Visibile solo agli operatori."},
}

// factsOf returns the facts the lifecycle table sees for p.
func factsOf(p *practice.Practice, svc *practice.Service) practice.Facts {
	f := svc.Facts()
	for _, ref := range p.Payments {
		if ref.Status == payment.StatusComplete {
			f |= practice.FactPaymentMade
		}
	}
	if p.Outcome != nil && p.Outcome.Accepted {
		f |= practice.FactAccepted
	}
	if citizenReplied(p) {
		f |= practice.FactCitizenReplied
	}
	return f
}

// citizenReplied reports whether the owner wrote after the open
// integration request.
func citizenReplied(p *practice.Practice) bool {
	var open *practice.IntegrationRequest
	for i := range p.Integrations {
		if p.Integrations[i].State == practice.IntegrationOpen {
			open = &p.Integrations[i]
		}
	}
	if open == nil {
		return false
	}
	for _, m := range p.Messages {
		if m.Author == p.Owner.ID && m.CreatedAt.After(open.RequestedAt) {
			return true
		}
	}
	return false
}

// allowedActions returns the forms of the actions who may take on p now:
// the permission rule allows it and the lifecycle table has a move for it.
func allowedActions(who auth.Principal, p *practice.Practice, svc *practice.Service) []actionForm {
	f := factsOf(p, svc)
	var out []actionForm
	for _, form := range operatorActions {
		a, ok := practice.ParseAction(form.Name)
		if !ok || practice.Authorize(who, a, p) != nil {
			continue
		}
		_, ok = practice.Next(p.Status, a, f)
		if !ok && a == practice.ActionAccept {
			_, ok = practice.Next(p.Status, a, f|practice.FactAmountDue)
		}
		if !ok {
			continue
		}
		if a == practice.ActionAccept && svc.Payment != practice.PaymentDeferred {
			form.Amount = false
		}
		out = append(out, form)
	}
	return out
}

// loadPractice returns the pratica page's data for who.
func (s *server) loadPractice(ctx context.Context, who auth.Principal, id string) (*practiceData, error) {
	p, err := s.sys.practices.Get(ctx, who, practice.ID(id))
	if err != nil {
		return nil, err
	}
	svc, err := s.sys.practices.GetService(ctx, who, p.Service)
	if err != nil {
		return nil, err
	}
	d := &practiceData{
		ID: string(p.ID), Service: svc.Name, Applicant: p.Owner.Name, FiscalCode: p.Owner.FiscalCode,
		Status: p.Status.Label("it"), Code: int(p.Status), Final: p.Status.IsFinal(),
		Assignee: s.username(ctx, p.Assignee), Office: p.Office, Protocol: p.ProtocolNumber,
		Submitted: p.SubmittedAt, Changed: p.LastStatusChange(), Actions: allowedActions(who, p, svc),
	}
	keys := make([]string, 0, len(p.Data))
	for k := range p.Data {
		if k != "applicant" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		d.Fields = append(d.Fields, option{Value: strings.ReplaceAll(k, "_", " "), Label: fmt.Sprint(p.Data[k])})
	}
	for i := len(p.History) - 1; i >= 0; i-- {
		h := p.History[i]
		row := historyRow{At: h.At, Event: h.Event.String(), To: h.To.Label("it"), By: s.username(ctx, h.Operator)}
		if h.Operator == p.Owner.ID {
			row.By = cmpOr(d.Applicant, "cittadino") + " (cittadino)"
		}
		if h.From != practice.StatusNone && h.From != h.To {
			row.From = h.From.Label("it")
		}
		d.History = append(d.History, row)
	}
	for _, m := range p.Messages {
		row := messageRow{At: m.CreatedAt, Author: s.username(ctx, m.Author), Subject: m.Subject, Text: m.Text,
			Internal: m.Visibility == practice.VisibilityInternal}
		if m.Author == p.Owner.ID {
			row.Author = cmpOr(d.Applicant, "cittadino") + " (cittadino)"
		}
		for _, a := range m.Attachments {
			row.Attachments = append(row.Attachments, cmpOr(a.Name, a.ID))
		}
		d.Messages = append(d.Messages, row)
	}
	for _, pr := range p.Payments {
		d.Payments = append(d.Payments, paymentRow{Purpose: string(pr.Purpose), Amount: pr.Amount.StringFixed(2) + " EUR",
			Status: string(pr.Status), At: pr.CreatedAt})
	}
	if o := p.Outcome; o != nil {
		d.Outcome = "Rifiutata: " + o.Motivation
		if o.Accepted {
			d.Outcome = "Accettata: " + o.Motivation
		}
	}
	return d, nil
}

// practicePage shows one pratica.
func (s *server) practicePage(w http.ResponseWriter, r *http.Request, c *call) error {
	d, err := s.loadPractice(r.Context(), c.who, r.PathValue("id"))
	if err != nil {
		return err
	}
	s.render(w, r, c, http.StatusOK, "practice", page{Title: "Pratica " + d.ID, Section: "pratiche", Data: d})
	return nil
}

// done are the messages shown after each action.
var done = map[string]string{
	"take_in_charge": "Pratica presa in carico.", "take_over": "Sei subentrato nella pratica.",
	"accept": "Pratica accettata.", "reject": "Pratica rifiutata.",
	"request_integration": "Richiesta di integrazioni inviata.", "accept_integration": "Integrazioni accettate.",
	"cancel_integration": "Richiesta di integrazioni annullata.", "request_stamp_duty": "Marca da bollo richiesta.",
	"reopen": "Pratica riaperta.", "message": "Messaggio inviato.", "note": "Nota aggiunta.",
}

// practiceAction runs one operator action. A refusal (permission,
// lifecycle, validation, conflict) shows the pratica again with the
// reason and the status code it calls for.
func (s *server) practiceAction(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx, id, name := r.Context(), practice.ID(r.PathValue("id")), r.PathValue("action")
	if _, ok := done[name]; !ok {
		return &notFound{"azione " + strconv.Quote(name)}
	}
	form := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	d := s.sys.practices
	var err error
	switch name {
	case "take_in_charge":
		_, err = d.TakeInCharge(ctx, c.who, id)
	case "take_over":
		_, err = d.TakeOver(ctx, c.who, id)
	case "accept":
		var amount decimal.Decimal
		if a := strings.ReplaceAll(form("importo"), ",", "."); a != "" {
			if amount, err = decimal.NewFromString(a); err != nil {
				err = &badRequest{"L'importo non è un numero (usa per esempio 48,00)."}
			}
		}
		if err == nil {
			_, err = d.Accept(ctx, c.who, id, practice.Decision{Motivation: form("motivazione"), Amount: amount})
		}
	case "reject":
		_, err = d.Reject(ctx, c.who, id, practice.Decision{Motivation: form("motivazione")})
	case "request_integration":
		_, err = d.RequestIntegration(ctx, c.who, id, practice.IntegrationInput{Text: form("testo")})
	case "accept_integration":
		_, err = d.AcceptIntegration(ctx, c.who, id)
	case "cancel_integration":
		_, err = d.CancelIntegration(ctx, c.who, id)
	case "request_stamp_duty":
		_, err = d.RequestStampDuty(ctx, c.who, id)
	case "reopen":
		_, err = d.Reopen(ctx, c.who, id)
	case "message":
		_, err = d.SendMessage(ctx, c.who, id, practice.MessageInput{Subject: form("oggetto"), Text: form("testo")})
	case "note":
		_, err = d.SendMessage(ctx, c.who, id, practice.MessageInput{Text: form("testo"), Internal: true})
	}
	if err != nil {
		status, msg := problem(err)
		if status >= 500 || status == http.StatusNotFound {
			return err
		}
		pd, lerr := s.loadPractice(ctx, c.who, string(id))
		if lerr != nil {
			return errors.Join(err, lerr)
		}
		pd.Values = map[string]string{"action": name, "motivazione": form("motivazione"), "testo": form("testo"),
			"oggetto": form("oggetto"), "importo": form("importo")}
		s.render(w, r, c, status, "practice", page{Title: "Pratica " + pd.ID, Section: "pratiche", Alert: msg, Data: pd})
		return nil
	}
	if err := s.sys.advance(ctx, id); err != nil {
		s.log.Warn().Err(err).Str("tenant", s.sys.tenant).Str("practice_id", string(id)).Msg("system steps")
	}
	s.redirect(w, r, c, "/pratiche/"+url.PathEscape(string(id)), done[name])
	return nil
}
