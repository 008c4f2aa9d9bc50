package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// csrfField finds a form's CSRF token in a page.
var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// selftest logs in over HTTP, requests the main pages and checks their
// statuses (and that refusals are refusals, not 500s). It reports every
// check and returns an error if any failed.
func selftest(ctx context.Context, base string, s *seeded, out io.Writer) error {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return err
	}
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	failed := 0
	check := func(what string, got, want int) {
		mark := "ok  "
		if got != want {
			mark = "FAIL"
			failed++
		}
		fmt.Fprintf(out, "%s %-48s %d (want %d)\n", mark, what, got, want)
	}
	get := func(path string) (int, string) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+strings.TrimPrefix(path, "/"), nil)
		if err != nil {
			return 0, ""
		}
		resp, err := client.Do(req)
		if err != nil {
			fmt.Fprintln(out, "     ", path, err)
			return 0, ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	post := func(path string, form url.Values) int {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+strings.TrimPrefix(path, "/"), strings.NewReader(form.Encode()))
		if err != nil {
			return 0
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := client.Do(req)
		if err != nil {
			fmt.Fprintln(out, "     ", path, err)
			return 0
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}

	fmt.Fprintln(out, "self-test of", base)
	code, body := get("/login")
	check("GET /login", code, http.StatusOK)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		return fmt.Errorf("self-test: the login page has no CSRF token")
	}
	check("POST /login without CSRF token", post("/login", url.Values{"username": {"anna"}, "password": {demoPassword}}), http.StatusForbidden)
	check("POST /login with a wrong password", post("/login", url.Values{"csrf": {m[1]}, "username": {"anna"}, "password": {"not the password!"}}), http.StatusUnauthorized)
	check("POST /login as anna (then the list)", post("/login", url.Values{"csrf": {m[1]}, "username": {"anna"}, "password": {demoPassword}}), http.StatusOK)

	code, body = get("/pratiche")
	check("GET /pratiche", code, http.StatusOK)
	code, _ = get("/pratiche?servizio=suolo-pubblico&stato=2000&ordine=submitted&verso=asc")
	check("GET /pratiche filtered and sorted", code, http.StatusOK)
	code, _ = get("/pratiche?stato=abc")
	check("GET /pratiche with a bad filter", code, http.StatusBadRequest)
	code, _ = get("/pratiche?cursore=not-a-cursor")
	check("GET /pratiche with a bad cursor", code, http.StatusBadRequest)
	code, csv := get("/pratiche.csv")
	check("GET /pratiche.csv", code, http.StatusOK)
	if !strings.HasPrefix(csv, "\uFEFFID;") {
		fmt.Fprintln(out, "FAIL the CSV does not start with a BOM and the ID column")
		failed++
	}
	if s.Practice != "" {
		code, _ = get("/pratiche/" + string(s.Practice))
		check("GET /pratiche/{id}", code, http.StatusOK)
	}
	code, _ = get("/pratiche/00000000-0000-0000-0000-000000000000")
	check("GET /pratiche/{unknown id}", code, http.StatusNotFound)
	if m = csrfField.FindStringSubmatch(body); m == nil {
		return fmt.Errorf("self-test: the list page has no CSRF token")
	}
	csrf := m[1]
	if s.Practice != "" {
		check("POST reject without being assigned", post("/pratiche/"+string(s.Practice)+"/reject", url.Values{"csrf": {csrf}, "motivazione": {"no"}}), http.StatusForbidden)
		check("POST an action without CSRF token", post("/pratiche/"+string(s.Practice)+"/take_in_charge", url.Values{}), http.StatusForbidden)
	}
	code, _ = get("/helpdesk")
	check("GET /helpdesk", code, http.StatusOK)
	if s.Request != "" {
		code, _ = get("/helpdesk/richieste/" + s.Request)
		check("GET /helpdesk/richieste/{id}", code, http.StatusOK)
	}
	code, _ = get("/helpdesk/nuova")
	check("GET /helpdesk/nuova without a service", code, http.StatusBadRequest)
	code, _ = get("/helpdesk/richieste/nope")
	check("GET /helpdesk/richieste/{unknown id}", code, http.StatusNotFound)
	for _, p := range calendarSelftestPaths(s) {
		code, _ = get(p.path)
		check("GET "+p.name, code, p.want)
	}
	code, _ = get("/no/such/page")
	check("GET an unknown page", code, http.StatusNotFound)
	check("POST /logout", post("/logout", url.Values{"csrf": {csrf}}), http.StatusOK)
	code, _ = get("/pratiche")
	check("GET /pratiche after logout (the login page)", code, http.StatusOK)

	if failed > 0 {
		return fmt.Errorf("self-test: %d check(s) failed", failed)
	}
	fmt.Fprintln(out, "self-test passed")
	return nil
}

// selftestPath is one extra page the self-test requests.
type selftestPath struct {
	name, path string
	want       int
}
