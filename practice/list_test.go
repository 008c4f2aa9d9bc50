package practice_test

import (
	"testing"

	"github.com/sportello/sportello/practice"
)

func TestListSummariesFiltersBySubmissionDateAndText(t *testing.T) {
	f := newFixture(t, baseService())
	a, d, ctx := f.act, f.desk, f.ctx
	var ps []*practice.Practice
	for range 4 {
		ps = append(ps, f.submitted())
	}
	q := practice.OfficeQuery{SubmittedFrom: ps[1].SubmittedAt, SubmittedTo: ps[3].SubmittedAt, Sort: practice.SortSubmitted}
	pg, err := d.ListSummaries(ctx, a.enabled, q, "", 10)
	if err != nil || len(pg.Items) != 2 || pg.Items[0].ID != ps[1].ID || pg.Items[1].ID != ps[2].ID {
		t.Fatalf("submission window: %+v %v", pg.Items, err)
	}
	if want := f.get(ps[1].ID).Summary(); pg.Items[0] != want {
		t.Fatalf("summary\n got %+v\nwant %+v", pg.Items[0], want)
	}
	pg, err = d.ListSummaries(ctx, a.enabled, practice.OfficeQuery{Text: " " + string(ps[2].ID[:len(ps[2].ID)-2]) + " "}, "", 10)
	if err != nil || len(pg.Items) == 0 {
		t.Fatalf("text by an ID's prefix: %+v %v", pg.Items, err)
	}
	for _, s := range pg.Items {
		if !practice.MatchesText(s, practice.SearchKey(string(ps[2].ID[:len(ps[2].ID)-2]))) {
			t.Fatalf("%s does not match", s.ID)
		}
	}
	pg, err = d.ListSummaries(ctx, a.notEnabled, practice.OfficeQuery{Service: ps[0].Service}, "", 10)
	if err != nil || len(pg.Items) != 0 {
		t.Fatalf("an operator not enabled for the service named sees nothing: %+v %v", pg.Items, err)
	}
}

func TestSearchTextMatchesPrefixesOfFieldsAndWords(t *testing.T) {
	s := practice.Summary{ID: "p-0042", Owner: practice.Owner{FiscalCode: "RSSMRA80A01H501U", Name: "Anna Maria Bianchi"}, ProtocolNumber: "PG 2026/17"}
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"", true}, {"p-00", true}, {"P-0042", true}, {"0042", false}, {"rssmra", true}, {"MRA80", false},
		{"2026/17", true}, {"pg 2026", true}, {"maria", true}, {"maria bian", true}, {"  anna ", true},
		{"aria", false}, {"bianchi anna", false}, {"p-0042 rss", true}, {"rss p-0042", false},
	} {
		if got := practice.MatchesText(s, practice.SearchKey(c.q)); got != c.want {
			t.Errorf("MatchesText(%q) = %v, want %v", c.q, got, c.want)
		}
	}
}
