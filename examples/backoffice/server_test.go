package main

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/practice"
)

func TestSessionCookieIsHttpOnlyLaxAndSecureOnlyUnderTLS(t *testing.T) {
	for _, tls := range []bool{false, true} {
		app := newTestApp(t, tls)
		resp, err := app.srv.Client().Get(app.srv.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var ck *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == sessionCookie {
				ck = c
			}
		}
		if ck == nil {
			t.Fatalf("tls=%v: no session cookie", tls)
		}
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure != tls || ck.Path != "/" {
			t.Errorf("tls=%v: cookie HttpOnly=%v SameSite=%v Secure=%v Path=%q", tls, ck.HttpOnly, ck.SameSite, ck.Secure, ck.Path)
		}
	}
}

func TestLoginReplacesTheSessionAndLogoutEndsIt(t *testing.T) {
	app := newTestApp(t, false)
	c := app.newClient()
	c.get("/login")
	u, _ := url.Parse(app.srv.URL)
	before := c.http.Jar.Cookies(u)
	c.login("anna")
	after := c.http.Jar.Cookies(u)
	if len(before) != 1 || len(after) != 1 || before[0].Value == after[0].Value {
		t.Fatalf("the session ID did not change at login")
	}
	if code, body := c.post("/logout", url.Values{"csrf": {c.csrf}}); code != http.StatusOK || !strings.Contains(body, "Uscita effettuata") {
		t.Fatalf("logout: %d", code)
	}
	c.follow = false
	if code, _ := c.get("/pratiche"); code != http.StatusSeeOther {
		t.Fatalf("after logout /pratiche answered %d, want a redirect to the login", code)
	}
}

func TestDisabledOperatorIsLoggedOut(t *testing.T) {
	app := newTestApp(t, false)
	c := app.newClient()
	c.login("anna")
	ctx := context.Background()
	admin, err := app.sys.authStore.FindAccount(ctx, app.sys.tenant, "admin")
	if err != nil {
		t.Fatal(err)
	}
	anna, err := app.sys.authStore.FindAccount(ctx, app.sys.tenant, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.sys.auth.DisableOperator(ctx, admin.Principal(), anna.ID); err != nil {
		t.Fatal(err)
	}
	c.follow = false
	if code, _ := c.get("/pratiche"); code != http.StatusSeeOther {
		t.Fatalf("a disabled operator's session answered %d, want a redirect to the login", code)
	}
}

func TestFormsWithoutTheirCSRFTokenAreRefused(t *testing.T) {
	app := newTestApp(t, false)
	c := app.newClient()
	c.get("/login")
	if code, _ := c.post("/login", url.Values{"username": {"anna"}, "password": {demoPassword}}); code != http.StatusForbidden {
		t.Errorf("login without token: %d, want 403", code)
	}
	c.login("anna")
	id := string(app.seed.Practice)
	for _, form := range []url.Values{{}, {"csrf": {"forged"}}} {
		if code, _ := c.post("/pratiche/"+id+"/take_in_charge", form); code != http.StatusForbidden {
			t.Errorf("action with token %q: %d, want 403", form.Get("csrf"), code)
		}
		if code, _ := c.post("/logout", form); code != http.StatusForbidden {
			t.Errorf("logout with token %q: %d, want 403", form.Get("csrf"), code)
		}
	}
	p, err := app.sys.practices.Get(context.Background(), auth.System(app.sys.tenant), app.seed.Practice)
	if err != nil {
		t.Fatal(err)
	}
	if p.Assignee != "" {
		t.Fatalf("a forged form took the pratica in charge")
	}
}

func TestUserMistakesGet4xxPagesNever500(t *testing.T) {
	app := newTestApp(t, false)
	c := app.newClient()
	c.login("anna")
	id := string(app.seed.Practice)
	gets := []struct {
		path string
		want int
	}{
		{"/pratiche?stato=1234", http.StatusBadRequest},
		{"/pratiche?stato=abc", http.StatusBadRequest},
		{"/pratiche?dal=31-12-2026", http.StatusBadRequest},
		{"/pratiche?ordine=colour", http.StatusBadRequest},
		{"/pratiche?verso=sideways", http.StatusBadRequest},
		{"/pratiche?assegnazione=tutte", http.StatusBadRequest},
		{"/pratiche?cursore=%ff%fe", http.StatusBadRequest},
		{"/pratiche?testo=" + strings.Repeat("x", 101), http.StatusBadRequest},
		{"/pratiche.csv?stato=abc", http.StatusBadRequest},
		{"/pratiche/does-not-exist", http.StatusNotFound},
		{"/helpdesk/nuova", http.StatusBadRequest},
		{"/helpdesk/nuova?servizio=nope", http.StatusNotFound},
		{"/helpdesk/richieste/nope", http.StatusNotFound},
		{"/helpdesk/richieste/" + app.seed.Request + "/allegati/nope", http.StatusNotFound},
		{"/nowhere", http.StatusNotFound},
		{"/pratiche?servizio=suolo-pubblico&stato=2000&ordine=id&verso=asc&dal=2020-01-01", http.StatusOK},
	}
	for _, g := range gets {
		if code, body := c.get(g.path); code != g.want {
			t.Errorf("GET %s: %d, want %d", g.path, code, g.want)
		} else if g.want != http.StatusOK && !strings.Contains(body, "Errore ") {
			t.Errorf("GET %s: not the error page", g.path)
		}
	}
	posts := []struct {
		path string
		form url.Values
		want int
	}{
		{"/pratiche/" + id + "/reject", url.Values{"motivazione": {"no"}}, http.StatusForbidden}, // not assigned
		{"/pratiche/" + id + "/reopen", nil, http.StatusConflict},                                // not final
		{"/pratiche/" + id + "/fly", nil, http.StatusNotFound},                                   // no such action
		{"/pratiche/nope/take_in_charge", nil, http.StatusNotFound},                              // no such pratica
		{"/pratiche/" + id + "/message", url.Values{"testo": {""}}, http.StatusBadRequest},       // empty message
		{"/pratiche/" + id + "/accept", url.Values{"importo": {"tanti"}}, http.StatusBadRequest}, // not a number
		{"/helpdesk/richieste", url.Values{"servizio": {"nope"}}, http.StatusNotFound},           // unknown service
		{"/helpdesk/richieste", url.Values{"servizio": {""}}, http.StatusBadRequest},             // no service
		{"/helpdesk/richieste/" + app.seed.Request + "/contatti", url.Values{"utente": {"nobody"}}, http.StatusBadRequest},
	}
	for _, p := range posts {
		form := url.Values{"csrf": {c.csrf}}
		for k, v := range p.form {
			form[k] = v
		}
		if code, _ := c.post(p.path, form); code != p.want {
			t.Errorf("POST %s: %d, want %d", p.path, code, p.want)
		}
	}
}

func TestRefusalIsShownOnThePratica(t *testing.T) {
	app := newTestApp(t, false)
	c := app.newClient()
	c.login("anna")
	code, body := c.post("/pratiche/"+string(app.seed.Practice)+"/reject", url.Values{"csrf": {c.csrf}, "motivazione": {"no"}})
	if code != http.StatusForbidden || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "Operazione non consentita") {
		t.Fatalf("refusal: status %d, alert shown %v", code, strings.Contains(body, `role="alert"`))
	}
}

func TestPagesWalkEveryPraticaOnce(t *testing.T) {
	app := newTestApp(t, false)
	c := app.newClient()
	c.login("admin")
	link := regexp.MustCompile(`href="/pratiche/([0-9a-f-]{36})"`)
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`)
	seen := map[string]bool{}
	path := "/pratiche?ordine=submitted&verso=asc"
	for pages := 0; path != ""; pages++ {
		if pages > 20 {
			t.Fatal("too many pages")
		}
		code, body := c.get(path)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, code)
		}
		for _, m := range link.FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Fatalf("pratica %s shown twice", m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := next.FindStringSubmatch(body); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	want := 0
	for _, err := range app.sys.practices.Iterate(context.Background(), auth.System(app.sys.tenant), practice.OfficeQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		want++
	}
	if len(seen) != want || want <= pageSize {
		t.Fatalf("the pages showed %d pratiche, the store holds %d (page size %d)", len(seen), want, pageSize)
	}
}

func TestAccessLogCarriesNoPersonalData(t *testing.T) {
	app := newTestApp(t, false)
	c := app.newClient()
	c.login("anna")
	fc, err := withCheckChar(citizens[0].fiscalCode)
	if err != nil {
		t.Fatal(err)
	}
	c.get("/pratiche?testo=" + fc.String())
	c.get("/pratiche.csv?testo=" + fc.String())
	logs := app.logs.String()
	if !strings.Contains(logs, `"path":"/pratiche"`) {
		t.Fatalf("no access log line for the list")
	}
	for _, secret := range []string{fc.String(), demoPassword, "anna@comune.example", citizens[0].family} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains personal data or a secret: %q", secret)
		}
	}
}

func TestCSVDownloadIsForSpreadsheets(t *testing.T) {
	app := newTestApp(t, false)
	c := app.newClient()
	c.login("anna")
	resp, err := c.http.Get(app.srv.URL + "/pratiche.csv?servizio=suolo-pubblico")
	if err != nil {
		t.Fatal(err)
	}
	_, body := c.read(resp)
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="pratiche-`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	lines := strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n")
	if !strings.HasPrefix(lines[0], "\uFEFFID;Numero di protocollo;") || len(lines) < 2 {
		t.Fatalf("CSV starts %q and has %d lines", lines[0], len(lines))
	}
	for _, l := range lines[1:] {
		if !strings.HasSuffix(l, ";Occupazione di suolo pubblico") {
			t.Errorf("a row of another service: %q", l)
		}
	}
}

// labelled checks that every visible form control of a page has a label
// and that the headings start at h1 and never skip a level.
func labelled(t *testing.T, name, body string) {
	t.Helper()
	controls := regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	idAttr := regexp.MustCompile(`\bid="([^"]+)"`)
	for _, tag := range controls.FindAllString(body, -1) {
		if strings.Contains(tag, `type="hidden"`) {
			continue
		}
		m := idAttr.FindStringSubmatch(tag)
		if m == nil || !strings.Contains(body, `<label for="`+m[1]+`"`) {
			t.Errorf("%s: a control without label: %s", name, tag)
		}
	}
	headings := regexp.MustCompile(`<h([1-6])\b`)
	level, h1 := 0, 0
	for _, m := range headings.FindAllStringSubmatch(body, -1) {
		n := int(m[1][0] - '0')
		if n == 1 {
			h1++
		}
		if n > level+1 {
			t.Errorf("%s: heading h%d follows h%d", name, n, level)
		}
		level = n
	}
	if h1 != 1 {
		t.Errorf("%s: %d h1 headings, want 1", name, h1)
	}
}

func TestPagesHaveLabelsAndOrderedHeadings(t *testing.T) {
	app := newTestApp(t, false)
	c := app.newClient()
	_, body := c.get("/login")
	labelled(t, "login", body)
	c.login("anna")
	pages := []string{"/pratiche", "/helpdesk", "/helpdesk/richieste/" + app.seed.Request, "/nowhere"}
	code, body := c.get("/pratiche?servizio=suolo-pubblico&stato=4000")
	if m := regexp.MustCompile(`href="/pratiche/([0-9a-f-]{36})"`).FindStringSubmatch(body); code == http.StatusOK && m != nil {
		pages = append(pages, "/pratiche/"+m[1])
	}
	if m := regexp.MustCompile(`href="(/helpdesk/nuova\?servizio=[^"&]+)"`).FindStringSubmatch(c.mustGet("/helpdesk")); m != nil {
		pages = append(pages, html.UnescapeString(m[1]))
	}
	pages = append(pages, calendarPagesForTests(c)...)
	for _, p := range pages {
		_, body := c.get(p)
		labelled(t, p, body)
	}
	if len(pages) < 6 {
		t.Fatalf("only %d pages checked", len(pages))
	}
}

// mustGet returns the body of a page that must answer 200.
func (c *client) mustGet(path string) string {
	c.t.Helper()
	code, body := c.get(path)
	if code != http.StatusOK {
		c.t.Fatalf("GET %s: %d", path, code)
	}
	return body
}

func TestAllowedActionsFollowThePermissionRuleAndTheLifecycle(t *testing.T) {
	const tenant = "t"
	anna := auth.Principal{ID: "anna", Tenant: tenant, Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Services: []string{"s"}}
	bruno := auth.Principal{ID: "bruno", Tenant: tenant, Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Services: []string{"s"}}
	outsider := auth.Principal{ID: "eve", Tenant: tenant, Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Services: []string{"other"}}
	svc := &practice.Service{ID: "s", Tenant: tenant, Workflow: practice.WorkflowApproval, Payment: practice.PaymentDeferred,
		AllowIntegrationRequest: true, AllowReopening: true}
	tests := []struct {
		name     string
		who      auth.Principal
		status   practice.Status
		assignee string
		want     []string
	}{
		{"acquired, unassigned", anna, practice.StatusSubmitted, "", []string{"take_in_charge", "message", "note"}},
		{"in charge, assignee", anna, practice.StatusPending, "anna", []string{"accept", "reject", "request_integration", "request_stamp_duty", "message", "note"}},
		{"in charge, colleague", bruno, practice.StatusPending, "anna", []string{"take_over", "request_integration", "request_stamp_duty", "message", "note"}},
		{"waiting for integrations", anna, practice.StatusDraftForIntegration, "anna", []string{"cancel_integration", "message", "note"}},
		{"accepted", anna, practice.StatusComplete, "anna", []string{"reopen", "message", "note"}},
		{"another service", outsider, practice.StatusPending, "anna", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &practice.Practice{ID: "p", Tenant: tenant, Service: "s", Status: tt.status, Assignee: tt.assignee}
			var got []string
			for _, a := range allowedActions(tt.who, p, svc) {
				got = append(got, a.Name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
