package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/pgtest"
	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/practicetest"
)

// seed imports n generated pratiche of tenant "t1" (and n/10 of "t2") in
// batches and refreshes the planner's statistics.
func seed(tb testing.TB, s *Store, n int) {
	tb.Helper()
	ctx := context.Background()
	for _, t := range []struct {
		id string
		n  int
	}{{"t1", n}, {"t2", n / 10}} {
		batch := make([]*practice.Practice, 0, importBatch)
		flush := func() {
			if _, err := s.Import(ctx, t.id, batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
		for p := range practicetest.Generate(t.id, t.n, 1) {
			if batch = append(batch, p); len(batch) == importBatch {
				flush()
			}
		}
		flush()
	}
	if _, err := s.pool.Exec(ctx, `VACUUM ANALYZE practice_practices`); err != nil {
		tb.Fatal(err)
	}
}

// importBatch is how many pratiche a seeding Import call takes.
const importBatch = 5000

// planNode is the part of EXPLAIN (FORMAT JSON)'s plan the check reads.
type planNode struct {
	Type          string     `json:"Node Type"`
	Index         string     `json:"Index Name"`
	Rows          float64    `json:"Actual Rows"`
	Loops         float64    `json:"Actual Loops"`
	RemovedFilter float64    `json:"Rows Removed by Filter"`
	RemovedCheck  float64    `json:"Rows Removed by Index Recheck"`
	Plans         []planNode `json:"Plans"`
}

// badNode returns why the plan reads the table badly: a sequential scan,
// or a node that throws away more rows than it keeps (beyond a page's
// worth, which any filter may cost). A fenced query (a text query, or a
// date range on another time than the sort's) reads the rows of its
// range or text and sorts them: for it the rows its scans read may not
// exceed twice fenced, the rows in that range or matching that text, and
// the
// rows a trigram bitmap's recheck drops (false positives of the
// trigrams, bounded by the text, not the table) are not counted.
func badNode(n planNode, fenced float64) string {
	removed := n.RemovedFilter * max(n.Loops, 1)
	kept := n.Rows * max(n.Loops, 1)
	switch {
	case n.Type == "Seq Scan":
		return "sequential scan"
	case fenced >= 0 && strings.HasSuffix(n.Type, "Scan") && n.Type != "Bitmap Index Scan" && removed+kept > 2*fenced+100:
		return fmt.Sprintf("%s on %q reads %.0f rows for a range of %.0f", n.Type, n.Index, removed+kept, fenced)
	case fenced < 0 && removed+n.RemovedCheck*max(n.Loops, 1) > 100 && removed+n.RemovedCheck > kept:
		return fmt.Sprintf("%s on %q keeps %.0f rows and filters out %.0f", n.Type, n.Index, kept, removed)
	}
	for _, c := range n.Plans {
		if why := badNode(c, fenced); why != "" {
			return why
		}
	}
	return ""
}

// officePlanFilters are the filter combinations the plan test checks,
// each in every order.
func officePlanFilters() []struct {
	name string
	f    practice.OfficeFilter
} {
	day := func(m, d int) time.Time { return practicetest.GenStart.AddDate(0, m, d) }
	all := func(f practice.OfficeFilter) practice.OfficeFilter {
		if f.Statuses == nil {
			f.Statuses = practicetest.GenStatuses
		}
		return f
	}
	bench := practicetest.BenchFilter()
	bench.Sort, bench.Desc = 0, false
	return []struct {
		name string
		f    practice.OfficeFilter
	}{
		{"every status (the default)", all(practice.OfficeFilter{})},
		{"service", all(practice.OfficeFilter{Service: "svc-3"})},
		{"office", all(practice.OfficeFilter{Office: "off-2"})},
		{"assignee", all(practice.OfficeFilter{Assignee: "op-4"})},
		{"unassigned", all(practice.OfficeFilter{Unassigned: true})},
		{"service and assignee", all(practice.OfficeFilter{Service: "svc-3", Assignee: "op-4"})},
		{"service and unassigned", all(practice.OfficeFilter{Service: "svc-3", Unassigned: true})},
		{"service, six statuses, submission window", bench},
		{"submitted window", all(practice.OfficeFilter{SubmittedFrom: day(4, 0), SubmittedTo: day(4, 10)})},
		{"changed window", all(practice.OfficeFilter{ChangedFrom: day(14, 0), ChangedTo: day(14, 10)})},
		{"service and changed window", all(practice.OfficeFilter{Service: "svc-5", ChangedFrom: day(8, 0), ChangedTo: day(9, 0)})},
		{"office and submitted window", all(practice.OfficeFilter{Office: "off-5", SubmittedFrom: day(20, 0), SubmittedTo: day(21, 0)})},
		{"text: a name", all(practice.OfficeFilter{Text: practice.SearchKey("Giulia Conti")})},
		{"text: a codice fiscale's head", all(practice.OfficeFilter{Text: practice.SearchKey("GRCSAR")})},
		{"text: a protocol number", all(practice.OfficeFilter{Text: practice.SearchKey("PG/2026/00012")})},
		{"text and service", all(practice.OfficeFilter{Text: practice.SearchKey("Marco Bruno"), Service: "svc-1"})},
		{"an operator's reach", all(practice.OfficeFilter{Visible: &practice.Reach{Services: []string{"svc-1", "svc-2"}, Offices: []string{"off-3"}}})},
		{"reach, six statuses, submission window", func() practice.OfficeFilter {
			f := bench
			f.Service, f.Visible = "", &practice.Reach{Services: []string{"svc-4", "svc-9", "svc-4"}, Offices: []string{"", "off-1"}}
			return f
		}()},
	}
}

// TestOfficePlansUseIndexes runs EXPLAIN (ANALYZE, FORMAT JSON) on the
// first and the next page of every filter in every order over a seeded
// table, and fails on a sequential scan or a walk that filters out most
// of the rows it reads.
func TestOfficePlansUseIndexes(t *testing.T) {
	ctx := context.Background()
	s, err := New(ctx, pgtest.NewPool(t))
	if err != nil {
		t.Fatal(err)
	}
	n := 30_000
	if testing.Short() {
		n = 10_000
	}
	seed(t, s, n)
	orders := []struct {
		sort practice.SortKey
		desc bool
	}{
		{practice.SortSubmitted, false}, {practice.SortSubmitted, true},
		{practice.SortLastChange, false}, {practice.SortLastChange, true},
		{practice.SortID, false}, {practice.SortID, true},
	}
	for _, tc := range officePlanFilters() {
		for _, o := range orders {
			f := tc.f
			f.Sort, f.Desc = o.sort, o.desc
			first, err := s.ListSummaries(ctx, "t1", f, practice.Position{}, 51)
			if err != nil {
				t.Fatal(err)
			}
			pages := []practice.Position{{}}
			if len(first) == 51 {
				pages = append(pages, first[49].Position(f.Sort))
			}
			for i, after := range pages {
				sql, args, _ := officeStatement("t1", f, after, nil, 51)
				var raw []byte
				if err := s.pool.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+sql, args...).Scan(&raw); err != nil {
					t.Fatal(err)
				}
				var plans []struct {
					Plan planNode `json:"Plan"`
				}
				if err := json.Unmarshal(raw, &plans); err != nil {
					t.Fatal(err)
				}
				// A fenced query reads its range, or for text the text's
				// matches (the trigram index finds them; the other filters
				// then sift them).
				fenced := -1.0
				if crossRange(f) || f.Text != "" {
					bound := practice.OfficeFilter{Text: f.Text}
					if f.Text == "" { // the range not on the sort time
						bound.SubmittedFrom, bound.SubmittedTo, bound.ChangedFrom, bound.ChangedTo = f.SubmittedFrom, f.SubmittedTo, f.ChangedFrom, f.ChangedTo
						switch f.Sort {
						case practice.SortSubmitted:
							bound.SubmittedFrom, bound.SubmittedTo = time.Time{}, time.Time{}
						case practice.SortLastChange:
							bound.ChangedFrom, bound.ChangedTo = time.Time{}, time.Time{}
						}
					}
					all, _, _ := officeWhere("t1", bound, practice.Position{})
					if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM practice_practices p WHERE "+strings.Join(all.where, " AND "), all.args...).Scan(&fenced); err != nil {
						t.Fatal(err)
					}
				}
				if why := badNode(plans[0].Plan, fenced); why != "" {
					t.Errorf("%s, order %s desc=%v, page %d: %s\n%s", tc.name, f.Sort, f.Desc, i+1, why, indent(raw))
				}
			}
		}
	}
}

func indent(raw []byte) string {
	var v any
	_ = json.Unmarshal(raw, &v)
	b, _ := json.MarshalIndent(v, "", " ")
	return strings.TrimSpace(string(b))
}
