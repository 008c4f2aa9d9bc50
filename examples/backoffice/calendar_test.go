package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/practice"
)

// calendarPagesForTests are the calendar pages the accessibility test
// checks.
func calendarPagesForTests(c *client) []string {
	id := c.app.seed.Calendar
	if id == "" {
		return nil
	}
	pages := []string{"/calendari", "/calendari/" + id}
	body := c.mustGet("/calendari/" + id)
	if m := regexp.MustCompile(`href="(/calendari/[^"]+/prenota\?[^"]+)"`).FindStringSubmatch(body); m != nil {
		pages = append(pages, strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	if m := regexp.MustCompile(`href="(/prenotazioni/[^"/]+)"`).FindStringSubmatch(body); m != nil {
		pages = append(pages, m[1])
	}
	return pages
}

// calendarSteps books an appointment for a citizen from the week view,
// linked to the pratica just accepted, and downloads its .ics.
func (b *browserRun) calendarSteps(practiceID string) {
	t := b.t
	if b.app.seed.Calendar == "" {
		t.Log("no calendar wings: no booking steps")
		return
	}
	b.open("/calendari", 200)
	b.accessible("calendars")
	b.submit("open the calendar", `.mosaic a`, 200)
	b.expect("h1", "Polizia locale")
	// The week shown may have no free slot left (a Friday evening): go on
	// to the next week until one has.
	for range 3 {
		n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('.slot a').length`))
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		b.submit("next week", `a[href*="settimana="]:last-of-type`, 200)
	}
	b.accessible("week")
	b.screenshot("06a-week")
	b.submit("choose a free slot", `.slot a`, 200)
	b.expect("h1", "Nuovo appuntamento")
	b.accessible("booking form")
	fc, err := withCheckChar(citizens[3].fiscalCode)
	if err != nil {
		t.Fatal(err)
	}
	b.step("fill in the citizen",
		chromedp.SendKeys(chromedp.ID("b-nome"), "Sara Esposito"),
		chromedp.SendKeys(chromedp.ID("b-cf"), strings.ToLower(fc.String())),
		chromedp.SendKeys(chromedp.ID("b-email"), "sara@example.org"),
		chromedp.SendKeys(chromedp.ID("b-pratica"), practiceID))
	b.submit("book", `form[action$="/prenota"] button[type=submit]`, 200)
	b.expect(".flash", "Appuntamento prenotato")
	b.expect(".facts", "Sara Esposito")
	b.expect(".facts", practiceID)
	b.accessible("booking")
	b.screenshot("06b-booking")
	ics := string(b.downloadVia(`a[href$="/ics"]`))
	for _, want := range []string{"BEGIN:VCALENDAR", "METHOD:PUBLISH", "BEGIN:VEVENT", "SUMMARY:Polizia locale", "DTSTART", "END:VCALENDAR"} {
		if !strings.Contains(ics, want) {
			t.Fatalf("the .ics lacks %q:\n%s", want, ics)
		}
	}
}

func TestBookingFollowsThePratica(t *testing.T) {
	app := newTestApp(t, false)
	if app.seed.Calendar == "" {
		t.Skip("no calendar wings")
	}
	c := app.newClient()
	c.login("anna")
	ctx := context.Background()
	// A pratica acquired and unassigned, of a service anna works on.
	var id practice.ID
	for p, err := range app.sys.practices.Iterate(ctx, auth.System(app.sys.tenant), practice.OfficeQuery{
		Service: "suolo-pubblico", Statuses: []practice.Status{practice.StatusSubmitted}}) {
		if err != nil {
			t.Fatal(err)
		}
		id = p.ID
		break
	}
	body := c.mustGet("/calendari/" + app.seed.Calendar + "?settimana=" + time.Now().AddDate(0, 0, 7).Format(time.DateOnly))
	m := regexp.MustCompile(`href="(/calendari/[^"]+/prenota)\?([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no free slot next week")
	}
	slot, err := url.ParseQuery(strings.ReplaceAll(m[2], "&amp;", "&"))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := withCheckChar(citizens[4].fiscalCode)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"csrf": {c.csrf}, "inizio": slot["inizio"], "fine": slot["fine"], "nome": {"Paolo Romano"},
		"codice_fiscale": {fc.String()}, "pratica": {string(id)}}
	c.follow = false
	code, _ := c.post(m[1], form)
	if code != http.StatusSeeOther {
		t.Fatalf("booking: %d", code)
	}
	c.follow = true
	// Reject the pratica: its booking is refused.
	if code, _ := c.post("/pratiche/"+string(id)+"/take_in_charge", url.Values{"csrf": {c.csrf}}); code != http.StatusOK {
		t.Fatalf("take in charge: %d", code)
	}
	if code, _ := c.post("/pratiche/"+string(id)+"/reject", url.Values{"csrf": {c.csrf}, "motivazione": {"Area non disponibile."}}); code != http.StatusOK {
		t.Fatalf("reject: %d", code)
	}
	pg, err := app.sys.cal.appointments.Search(ctx, auth.System(app.sys.tenant), appointmentQuery(string(id)), "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.Items) != 1 || pg.Items[0].Status.String() != "refused" {
		t.Fatalf("the pratica's bookings after the rejection: %+v", pg.Items)
	}
	// The same slot again: a refusal shown on the form, not a 500.
	form["pratica"] = nil
	form["codice_fiscale"] = []string{"not a codice fiscale"}
	if code, body := c.post(m[1], form); code != http.StatusBadRequest || !strings.Contains(body, `role="alert"`) {
		t.Fatalf("a bad codice fiscale: %d", code)
	}
	form["inizio"] = []string{"ieri"}
	if code, _ := c.post(m[1], form); code != http.StatusBadRequest {
		t.Fatalf("a bad slot: %d", code)
	}
}

// appointmentQuery selects the bookings of one pratica.
func appointmentQuery(practiceID string) appointment.Query {
	return appointment.Query{PracticeID: practiceID}
}
