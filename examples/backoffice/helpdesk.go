package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/ticket"
)

// maxUpload is the largest attachment the forms accept (the help desk
// checks its own limit too).
const maxUpload = 10 << 20

// requestRow is one request in a list.
type requestRow struct {
	ID, Ref, Title, Status, Service string
	Priority                        int
	Created                         time.Time
}

// subNode is a subcategory in the catalogue tree.
type subNode struct {
	ID, Name, Type, NewURL string
}

// serviceNode is a service in the catalogue tree.
type serviceNode struct {
	ID, Name, Description, NewURL string
	Subs                          []subNode
}

// familyNode is a family in the catalogue tree.
type familyNode struct {
	Name     string
	Services []serviceNode
}

// tile is a service in the mosaic.
type tile struct {
	Name, Description, Family, NewURL string
	Subcategories                     int
}

// queueList is a team's queue.
type queueList struct {
	Team string
	Rows []requestRow
}

// helpdeskData is the help-desk home.
type helpdeskData struct {
	Tree                    []familyNode
	Mosaic                  []tile
	Ongoing, Closed         []requestRow
	OngoingNext, ClosedNext string
	Queues                  []queueList
}

// requestTypes labels the request types.
var requestTypes = map[ticket.RequestType]string{ticket.TypeIncident: "guasto", ticket.TypeServiceRequest: "richiesta di servizio"}

// ticketStatuses labels the request statuses.
var ticketStatuses = map[ticket.Status]string{
	ticket.StatusNew: "Nuova", ticket.StatusWaitingForApproval: "In attesa di approvazione", ticket.StatusApproved: "Approvata",
	ticket.StatusRejected: "Respinta", ticket.StatusAssigned: "Assegnata", ticket.StatusPending: "In attesa",
	ticket.StatusEscalatedTTO: "Scaduto il tempo di presa in carico", ticket.StatusEscalatedTTR: "Scaduto il tempo di risoluzione",
	ticket.StatusResolved: "Risolta", ticket.StatusClosed: "Chiusa",
}

// rows turns request summaries into list rows.
func rows(rs []ticket.Summary, services map[string]string) []requestRow {
	out := make([]requestRow, 0, len(rs))
	for _, r := range rs {
		out = append(out, requestRow{ID: r.ID, Ref: r.Ref, Title: r.Title, Status: ticketStatuses[r.Status],
			Service: services[r.ServiceID], Priority: int(r.Priority), Created: r.CreatedAt})
	}
	return out
}

// newRequestURL is the form's URL for a service (and subcategory).
func newRequestURL(service, sub string) string {
	v := url.Values{"servizio": {service}}
	if sub != "" {
		v.Set("sottocategoria", sub)
	}
	return "/helpdesk/nuova?" + v.Encode()
}

// helpdeskHome is the portal: the catalogue as a tree and as a mosaic,
// the operator's ongoing and closed requests, and the queues of the
// teams the operator works in.
func (s *server) helpdeskHome(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx, q := r.Context(), r.URL.Query()
	cat, err := s.sys.tickets.Catalogue(ctx, c.who)
	if err != nil {
		return err
	}
	d := helpdeskData{}
	names := map[string]string{}
	teams := map[string]bool{}
	for _, f := range cat.Tree() {
		fn := familyNode{Name: f.Family.Name}
		for _, sv := range f.Services {
			names[sv.Service.ID] = sv.Service.Name
			if sv.Service.TeamID != "" {
				teams[sv.Service.TeamID] = true
			}
			sn := serviceNode{ID: sv.Service.ID, Name: sv.Service.Name, Description: sv.Service.Description,
				NewURL: newRequestURL(sv.Service.ID, "")}
			for _, sub := range sv.Subcategories {
				sn.Subs = append(sn.Subs, subNode{ID: sub.ID, Name: sub.Name, Type: requestTypes[sub.Type],
					NewURL: newRequestURL(sv.Service.ID, sub.ID)})
			}
			fn.Services = append(fn.Services, sn)
		}
		d.Tree = append(d.Tree, fn)
	}
	for _, t := range cat.Mosaic() {
		d.Mosaic = append(d.Mosaic, tile{Name: t.Name, Description: t.Description, Family: t.FamilyName,
			NewURL: newRequestURL(t.ServiceID, ""), Subcategories: t.Subcategories})
	}
	ongoing, err := s.sys.tickets.Ongoing(ctx, c.who, q.Get("aperte"), 20)
	if err != nil {
		return err
	}
	closed, err := s.sys.tickets.Closed(ctx, c.who, q.Get("chiuse"), 20)
	if err != nil {
		return err
	}
	d.Ongoing, d.Closed = rows(ongoing.Items, names), rows(closed.Items, names)
	if ongoing.Next != "" {
		d.OngoingNext = "/helpdesk?" + url.Values{"aperte": {ongoing.Next}}.Encode()
	}
	if closed.Next != "" {
		d.ClosedNext = "/helpdesk?" + url.Values{"chiuse": {closed.Next}}.Encode()
	}
	for _, team := range c.who.Offices {
		if !teams[team] || ticket.AuthorizeQueue(c.who, s.sys.tenant, team) != nil {
			continue
		}
		pg, err := s.sys.tickets.Queue(ctx, c.who, team, "", 20)
		if err != nil {
			return err
		}
		d.Queues = append(d.Queues, queueList{Team: team, Rows: rows(pg.Items, names)})
	}
	s.render(w, r, c, http.StatusOK, "helpdesk", page{Title: "Help desk", Section: "helpdesk", Data: d})
	return nil
}

// extraInput is one extra field of the request form.
type extraInput struct {
	Name, Label, Value string
	Required           bool
	Choices            []option
}

// requestFormData is the new-request form.
type requestFormData struct {
	ServiceID, Service, Family string
	Subs, Impacts, Urgencies   []option
	Extra                      []extraInput
	Title, Description, Key    string
}

// findService returns the catalogue's service id with its family name.
func findService(cat *ticket.Catalogue, id string) (*ticket.Service, string, []*ticket.Subcategory, bool) {
	for _, f := range cat.Tree() {
		for _, sv := range f.Services {
			if sv.Service.ID == id {
				return sv.Service, f.Family.Name, sv.Subcategories, true
			}
		}
	}
	return nil, "", nil, false
}

// buildRequestForm fills the form for service id with the values of v.
func (s *server) buildRequestForm(ctx context.Context, who auth.Principal, id string, v url.Values) (*requestFormData, error) {
	if id == "" {
		return nil, &badRequest{"Scegli un servizio dal catalogo."}
	}
	cat, err := s.sys.tickets.Catalogue(ctx, who)
	if err != nil {
		return nil, err
	}
	svc, family, subs, ok := findService(cat, id)
	if !ok {
		return nil, &notFound{"servizio del catalogo"}
	}
	d := &requestFormData{ServiceID: svc.ID, Service: svc.Name, Family: family,
		Title: v.Get("titolo"), Description: v.Get("descrizione"), Key: cmpOr(v.Get("chiave"), randomToken())}
	for _, sub := range subs {
		d.Subs = append(d.Subs, option{sub.ID, sub.Name + " (" + requestTypes[sub.Type] + ")", sub.ID == v.Get("sottocategoria")})
	}
	d.Impacts = selectOptions(cmpOr(v.Get("impatto"), string(ticket.ImpactPerson)),
		string(ticket.ImpactPerson), "Solo me", string(ticket.ImpactService), "Il mio ufficio", string(ticket.ImpactDepartment), "Tutto l'ente")
	d.Urgencies = selectOptions(cmpOr(v.Get("urgenza"), string(ticket.UrgencyLow)),
		string(ticket.UrgencyLow), "Bassa", string(ticket.UrgencyMedium), "Media", string(ticket.UrgencyHigh), "Alta", string(ticket.UrgencyCritical), "Critica")
	for _, f := range svc.ExtraFields {
		in := extraInput{Name: f.Name, Label: cmpOr(f.Label, f.Name), Value: v.Get("extra_" + f.Name), Required: f.Required}
		if len(f.Choices) > 0 {
			in.Choices = append(in.Choices, option{"", "Scegli…", in.Value == ""})
			for _, ch := range f.Choices {
				in.Choices = append(in.Choices, option{ch, ch, ch == in.Value})
			}
		}
		d.Extra = append(d.Extra, in)
	}
	return d, nil
}

// requestForm shows the new-request form for a service of the catalogue.
func (s *server) requestForm(w http.ResponseWriter, r *http.Request, c *call) error {
	d, err := s.buildRequestForm(r.Context(), c.who, r.URL.Query().Get("servizio"), r.URL.Query())
	if err != nil {
		return err
	}
	s.render(w, r, c, http.StatusOK, "request_new", page{Title: "Nuova richiesta: " + d.Service, Section: "helpdesk", Data: d})
	return nil
}

// requestCreate files a request and attaches the uploaded file, if any.
func (s *server) requestCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	form := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	in := ticket.NewRequest{
		ServiceID: form("servizio"), SubcategoryID: form("sottocategoria"), Title: form("titolo"), Description: form("descrizione"),
		Impact: ticket.Impact(form("impatto")), Urgency: ticket.Urgency(form("urgenza")), IdempotencyKey: form("chiave"),
	}
	for k, vs := range r.PostForm {
		if name, ok := strings.CutPrefix(k, "extra_"); ok && len(vs) > 0 && strings.TrimSpace(vs[0]) != "" {
			if in.Extra == nil {
				in.Extra = map[string]string{}
			}
			in.Extra[name] = strings.TrimSpace(vs[0])
		}
	}
	if in.ServiceID == "" {
		return &badRequest{"Scegli un servizio dal catalogo."}
	}
	req, err := s.sys.tickets.Create(ctx, c.who, in)
	if err != nil {
		status, msg := problem(err)
		if status != http.StatusBadRequest {
			return err
		}
		d, ferr := s.buildRequestForm(ctx, c.who, in.ServiceID, r.PostForm)
		if ferr != nil {
			return ferr
		}
		s.render(w, r, c, status, "request_new", page{Title: "Nuova richiesta: " + d.Service, Section: "helpdesk", Alert: msg, Data: d})
		return nil
	}
	flash := "Richiesta " + req.Ref + " inviata."
	if file, header, ferr := r.FormFile("allegato"); ferr == nil {
		defer file.Close()
		if header.Size > 0 {
			if _, err := s.sys.tickets.Attach(ctx, c.who, req.ID, header.Filename, file); err != nil {
				_, msg := problem(err)
				flash = "Richiesta " + req.Ref + " inviata, ma l'allegato non è stato accettato. " + msg
			} else {
				flash = "Richiesta " + req.Ref + " inviata con l'allegato."
			}
		}
	} else if !errors.Is(ferr, http.ErrMissingFile) {
		return &badRequest{"L'allegato non è leggibile."}
	}
	s.redirect(w, r, c, "/helpdesk/richieste/"+url.PathEscape(req.ID), flash)
	return nil
}

// logRow is one log entry.
type logRow struct {
	At           time.Time
	Author, Text string
	Private      bool
}

// attachmentRow is one attachment.
type attachmentRow struct {
	Name, MIME, URL string
	Size            string
	At              time.Time
}

// contactRow is one contact.
type contactRow struct {
	ID, Name string
}

// requestData is the request page.
type requestData struct {
	ID, Ref, Title, Description, Status, Service, Subcategory, Requester, Agent, Team string
	Priority                                                                          int
	Created, TTODue, TTRDue                                                           time.Time
	Solution, PendingReason                                                           string
	Extra                                                                             []option
	Logs                                                                              []logRow
	Attachments                                                                       []attachmentRow
	Contacts                                                                          []contactRow
	CanComment, CanAttach, CanContacts, CanAssign, CanResolve, CanClose, CanReopen    bool
	Satisfactions                                                                     []option
	Closed                                                                            bool
}

// may reports whether who may take action on r now: the permission rule
// and, for lifecycle moves, the table.
func may(who auth.Principal, a ticket.Action, r *ticket.Request, st ticket.Stimulus) bool {
	if ticket.Authorize(who, a, r) != nil || r.Status == ticket.StatusClosed {
		return false
	}
	if st == "" {
		return true
	}
	_, ok := ticket.Next(r.Status, st)
	return ok
}

// loadRequest returns the request page's data.
func (s *server) loadRequest(ctx context.Context, who auth.Principal, id string) (*requestData, error) {
	req, err := s.sys.tickets.Get(ctx, who, id)
	if err != nil {
		return nil, err
	}
	cat, err := s.sys.tickets.Catalogue(ctx, who)
	if err != nil {
		return nil, err
	}
	d := &requestData{ID: req.ID, Ref: req.Ref, Title: req.Title, Description: req.Description,
		Status: ticketStatuses[req.Status], Requester: s.username(ctx, req.RequesterID), Agent: s.username(ctx, req.AgentID),
		Team: req.TeamID, Priority: int(req.Priority), Created: req.CreatedAt, TTODue: req.SLA.TTO.DueAt, TTRDue: req.SLA.TTR.DueAt,
		Solution: req.Solution, PendingReason: req.PendingReason, Closed: req.Status == ticket.StatusClosed}
	if svc, _, subs, ok := findService(cat, req.ServiceID); ok {
		d.Service = svc.Name
		for _, sub := range subs {
			if sub.ID == req.SubcategoryID {
				d.Subcategory = sub.Name
			}
		}
		for _, f := range svc.ExtraFields {
			if v, ok := req.Extra[f.Name]; ok {
				d.Extra = append(d.Extra, option{Value: cmpOr(f.Label, f.Name), Label: v})
			}
		}
	}
	for _, e := range req.Logs {
		d.Logs = append(d.Logs, logRow{At: e.At, Author: s.username(ctx, e.AuthorID), Text: e.Text, Private: e.Visibility == ticket.Private})
	}
	for _, a := range req.Attachments {
		d.Attachments = append(d.Attachments, attachmentRow{Name: a.Name, MIME: a.MIME, Size: humanSize(a.Size), At: a.At,
			URL: "/helpdesk/richieste/" + url.PathEscape(req.ID) + "/allegati/" + url.PathEscape(a.ID)})
	}
	for _, ct := range req.Contacts {
		d.Contacts = append(d.Contacts, contactRow{ID: ct, Name: s.username(ctx, ct)})
	}
	d.CanComment = may(who, ticket.ActionComment, req, "")
	d.CanAttach = may(who, ticket.ActionAttach, req, "")
	d.CanContacts = may(who, ticket.ActionAddContact, req, "")
	d.CanAssign = may(who, ticket.ActionAssign, req, ticket.StimulusAssign) && req.AgentID != who.ID
	d.CanResolve = may(who, ticket.ActionResolve, req, ticket.StimulusResolve)
	d.CanClose = may(who, ticket.ActionClose, req, ticket.StimulusClose)
	d.CanReopen = may(who, ticket.ActionReopen, req, ticket.StimulusReopen)
	d.Satisfactions = selectOptions("1", "1", "1 – molto soddisfatto", "2", "2 – soddisfatto", "3", "3 – poco soddisfatto", "4", "4 – per niente soddisfatto")
	return d, nil
}

// humanSize formats a byte count.
func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d byte", n)
}

// requestPage shows one request.
func (s *server) requestPage(w http.ResponseWriter, r *http.Request, c *call) error {
	d, err := s.loadRequest(r.Context(), c.who, r.PathValue("id"))
	if err != nil {
		return err
	}
	s.render(w, r, c, http.StatusOK, "request", page{Title: d.Ref + " " + d.Title, Section: "helpdesk", Data: d})
	return nil
}

// requestDone are the messages shown after each request action.
var requestDone = map[string]string{
	"commento": "Commento aggiunto.", "contatti": "Contatto aggiunto.", "rimuovi-contatto": "Contatto rimosso.",
	"assegna": "Richiesta assegnata a te.", "risolvi": "Richiesta risolta.", "chiudi": "Richiesta chiusa.",
	"riapri": "Richiesta riaperta.", "allegato": "Allegato aggiunto.",
}

// requestAction runs one action on a request; refusals show the request
// again with the reason.
func (s *server) requestAction(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx, id, name := r.Context(), r.PathValue("id"), r.PathValue("action")
	if _, ok := requestDone[name]; !ok {
		return &notFound{"azione " + strconv.Quote(name)}
	}
	form := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	d := s.sys.tickets
	var err error
	switch name {
	case "commento":
		_, err = d.Comment(ctx, c.who, id, form("testo"))
	case "contatti":
		var contact string
		if contact, err = s.accountID(ctx, form("utente")); err == nil {
			_, err = d.AddContact(ctx, c.who, id, contact)
		}
	case "rimuovi-contatto":
		_, err = d.RemoveContact(ctx, c.who, id, form("contatto"))
	case "assegna":
		var req *ticket.Request
		if req, err = d.Get(ctx, c.who, id); err == nil {
			if req.AgentID != "" {
				_, err = d.Reassign(ctx, c.who, id, req.TeamID, c.who.ID)
			} else {
				_, err = d.Assign(ctx, c.who, id, req.TeamID, c.who.ID)
			}
		}
	case "risolvi":
		_, err = d.Resolve(ctx, c.who, id, "fixed", form("soluzione"))
	case "chiudi":
		n, _ := strconv.Atoi(form("soddisfazione"))
		_, err = d.Close(ctx, c.who, id, n, form("commento"))
	case "riapri":
		_, err = d.Reopen(ctx, c.who, id, form("commento"))
	case "allegato":
		file, header, ferr := r.FormFile("allegato")
		if ferr != nil {
			err = &badRequest{"Scegli un file da allegare."}
			break
		}
		defer file.Close()
		_, err = d.Attach(ctx, c.who, id, header.Filename, file)
	}
	if err != nil {
		status, msg := problem(err)
		if status >= 500 || status == http.StatusNotFound {
			return err
		}
		rd, lerr := s.loadRequest(ctx, c.who, id)
		if lerr != nil {
			return errors.Join(err, lerr)
		}
		s.render(w, r, c, status, "request", page{Title: rd.Ref + " " + rd.Title, Section: "helpdesk", Alert: msg, Data: rd})
		return nil
	}
	s.redirect(w, r, c, "/helpdesk/richieste/"+url.PathEscape(id), requestDone[name])
	return nil
}

// accountID returns the ID of the operator account named username.
func (s *server) accountID(ctx context.Context, username string) (string, error) {
	if username == "" {
		return "", &badRequest{"Indica il nome utente del collega da aggiungere."}
	}
	a, err := s.sys.authStore.FindAccount(ctx, s.sys.tenant, username)
	if errors.Is(err, auth.ErrNotFound) {
		return "", &badRequest{"Nessun operatore con il nome utente indicato."}
	}
	if err != nil {
		return "", err
	}
	return a.ID, nil
}

// requestAttachment downloads an attachment (as a download, never shown
// inline, with the type sniffed at upload).
func (s *server) requestAttachment(w http.ResponseWriter, r *http.Request, c *call) error {
	att, body, err := s.sys.tickets.OpenAttachment(r.Context(), c.who, r.PathValue("id"), r.PathValue("att"))
	if err != nil {
		return err
	}
	defer body.Close()
	w.Header().Set("Content-Type", att.MIME)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": att.Name}))
	w.Header().Set("Content-Length", strconv.FormatInt(att.Size, 10))
	_, _ = io.Copy(w, body)
	return nil
}
