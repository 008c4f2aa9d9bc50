package main

import (
	"errors"
	"net/url"
	"testing"

	"github.com/sportello/sportello/practice"
)

func TestParseFilters(t *testing.T) {
	tests := []struct {
		query string
		ok    bool
		check func(practice.OfficeQuery) bool
	}{
		{"", true, func(q practice.OfficeQuery) bool { return q.Sort == practice.SortLastChange && q.Desc }},
		{"stato=4000&assegnazione=mie", true, func(q practice.OfficeQuery) bool {
			return len(q.Statuses) == 1 && q.Statuses[0] == practice.StatusPending && q.Owned
		}},
		{"assegnazione=libere&ordine=id&verso=asc", true, func(q practice.OfficeQuery) bool {
			return q.Unassigned && q.Sort == practice.SortID && !q.Desc
		}},
		{"dal=2026-03-29&al=2026-03-29", true, func(q practice.OfficeQuery) bool {
			return q.ChangedTo.Sub(q.ChangedFrom).Hours() == 23 // the day summer time starts in Rome
		}},
		{"stato=1234", false, nil},
		{"stato=", true, func(q practice.OfficeQuery) bool { return len(q.Statuses) == 0 }},
		{"dal=2026-02-30", false, nil},
		{"ordine=random", false, nil},
		{"verso=up", false, nil},
		{"testo=%ff", false, nil},
	}
	for _, tt := range tests {
		v, err := url.ParseQuery(tt.query)
		if err != nil {
			t.Fatal(err)
		}
		_, q, err := parseFilters(v)
		var br *badRequest
		switch {
		case tt.ok && err != nil:
			t.Errorf("%q: %v", tt.query, err)
		case !tt.ok && !errors.As(err, &br):
			t.Errorf("%q: got %v, want a *badRequest", tt.query, err)
		case tt.ok && !tt.check(q):
			t.Errorf("%q: query %+v", tt.query, q)
		}
	}
}

// FuzzParseFilters: any query string gives a query or a *badRequest, and
// an accepted query's filters read back the same.
func FuzzParseFilters(f *testing.F) {
	for _, s := range []string{"", "stato=4000&assegnazione=mie", "dal=2026-01-01&al=2026-12-31&ordine=id&verso=asc", "testo=RSSMRA", "stato=%00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		fl, _, err := parseFilters(v)
		if err != nil {
			var br *badRequest
			if !errors.As(err, &br) {
				t.Fatalf("%q: %T %v", raw, err, err)
			}
			return
		}
		again, _, err := parseFilters(fl.query())
		if err != nil || again != fl {
			t.Fatalf("%q: filters %+v read back as %+v (%v)", raw, fl, again, err)
		}
	})
}

// BenchmarkPracticeListPage renders the first page of the pratiche list
// for an operator, over HTTP on the seeded in-memory stores.
func BenchmarkPracticeListPage(b *testing.B) {
	app := newTestApp(b, false)
	c := app.newClient()
	c.login("admin")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if code, _ := c.get("/pratiche?ordine=submitted"); code != 200 {
			b.Fatalf("status %d", code)
		}
	}
}
