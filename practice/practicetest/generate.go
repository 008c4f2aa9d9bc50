package practicetest

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/sportello/sportello/practice"
)

// The shape of the generated data set: a city's back office over two
// years.
const (
	// GenServices is how many services the generated pratiche spread over.
	GenServices = 20
	// GenOffices is how many offices.
	GenOffices = 8
	// GenOperators is how many operators; about a third of the pratiche
	// are unassigned.
	GenOperators = 30
)

// GenStatuses are the ten statuses of the generated pratiche.
var GenStatuses = []practice.Status{
	practice.StatusPaymentPending, practice.StatusSubmitted, practice.StatusRegistered, practice.StatusPending,
	practice.StatusRequestIntegration, practice.StatusPendingAfterIntegration, practice.StatusComplete,
	practice.StatusCancelled, practice.StatusWithdrawn, practice.StatusCompleteWaitingDocument,
}

// GenStart is when the generated submissions begin; they span two years.
var GenStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

var (
	genSurnames = []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
		"Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti"}
	genNames = []string{"Mario", "Anna", "Giuseppe", "Maria", "Luca", "Giulia", "Marco", "Sara", "Paolo", "Laura", "Andrea", "Chiara"}
)

// Generate yields n pratiche of tenant, the same for the same n and seed:
// GenServices services, GenStatuses, GenOffices offices, GenOperators
// operators (a third unassigned), submissions spread over the two years
// from GenStart in random order, a last status change up to 60 days after
// the submission, an owner with a codice fiscale-shaped code and a name,
// a protocol number on half of them, and a history of three entries.
// Benchmarks and plan tests use it to build their own data.
func Generate(tenant string, n int, seed uint64) iter.Seq[*practice.Practice] {
	return func(yield func(*practice.Practice) bool) {
		r := rand.New(rand.NewPCG(seed, 13))
		span := int64(2 * 365 * 24 * time.Hour / time.Second)
		for i := range n {
			sub := GenStart.Add(time.Duration(r.Int64N(span)) * time.Second)
			chg := sub.Add(time.Duration(r.Int64N(int64(60*24*time.Hour/time.Second))) * time.Second)
			st := GenStatuses[r.IntN(len(GenStatuses))]
			assignee := ""
			if k := r.IntN(3 * GenOperators / 2); k < GenOperators {
				assignee = "op-" + strconv.Itoa(k)
			}
			surname, name := genSurnames[r.IntN(len(genSurnames))], genNames[r.IntN(len(genNames))]
			p := &practice.Practice{
				ID: practice.ID(fmt.Sprintf("%s-%08d", seedTag(seed), i)), Tenant: tenant,
				Service: "svc-" + strconv.Itoa(r.IntN(GenServices)),
				Owner: practice.Owner{ID: "cit-" + strconv.Itoa(r.IntN(n/3+1)),
					FiscalCode: fiscalCode(fmt.Sprintf("%.3s%.3s%02dA%02dH%03d", upper(surname+"XXX"), upper(name+"XXX"), r.IntN(100), 1+r.IntN(28), r.IntN(1000))),
					Provider:   "spid", Name: name + " " + surname},
				Status: st, Assignee: assignee, Office: "off-" + strconv.Itoa(r.IntN(GenOffices)),
				Data:      map[string]any{"applicant": name + " " + surname, "importo": float64(r.IntN(100000)) / 100},
				CreatedAt: sub.Add(-time.Hour), UpdatedAt: chg, SubmittedAt: sub,
				History: []practice.HistoryEntry{
					{At: sub.Add(-time.Hour), To: practice.StatusDraft, Event: practice.ActionCreate, Operator: "cit"},
					{At: sub, From: practice.StatusDraft, To: practice.StatusSubmitted, Event: practice.ActionSubmit, Operator: "cit"},
					{At: chg, From: practice.StatusSubmitted, To: st, Event: practice.ActionChangeStatus, Operator: "op"},
				},
			}
			if i%2 == 0 {
				p.ProtocolNumber = fmt.Sprintf("PG/%d/%07d", sub.Year(), i)
			}
			if !yield(p) {
				return
			}
		}
	}
}

// fiscalCode appends the check character to the first 15 characters of a
// personal codice fiscale.
func fiscalCode(head string) string {
	odd := [36]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}
	sum := 0
	for i := 0; i < len(head); i++ {
		v := int(head[i] - 'A')
		if head[i] >= '0' && head[i] <= '9' {
			v = int(head[i] - '0')
		}
		if i%2 == 0 {
			v = odd[v]
		}
		sum += v
	}
	return head + string(rune('A'+sum%26))
}

func seedTag(seed uint64) string { return "g" + strconv.FormatUint(seed, 36) }

// upper returns the ASCII letters of s in upper case.
func upper(s string) string {
	var b []byte
	for _, c := range []byte(s) {
		switch {
		case 'a' <= c && c <= 'z':
			b = append(b, c-'a'+'A')
		case 'A' <= c && c <= 'Z':
			b = append(b, c)
		}
	}
	return string(b)
}

// BenchFilter is the back office's typical first page over generated
// data: one service, six of the ten statuses, a six-month submission
// window in the middle of the two years, newest first.
func BenchFilter() practice.OfficeFilter {
	from := GenStart.AddDate(0, 9, 0)
	return practice.OfficeFilter{
		Service: "svc-7",
		Statuses: []practice.Status{practice.StatusSubmitted, practice.StatusRegistered, practice.StatusPending,
			practice.StatusRequestIntegration, practice.StatusPendingAfterIntegration, practice.StatusCompleteWaitingDocument},
		SubmittedFrom: from, SubmittedTo: from.AddDate(0, 6, 0),
		Sort: practice.SortSubmitted, Desc: true,
	}
}

// BenchSizes are the data set sizes of the listing benchmarks: 10,000 and
// 100,000 rows; 1,000 under -short; plus SPORTELLO_BENCH_ROWS when set
// (e.g. 1000000, which CI does not run).
func BenchSizes() []int {
	sizes := []int{10_000, 100_000}
	if testing.Short() {
		sizes = []int{1_000}
	}
	if n, err := strconv.Atoi(os.Getenv("SPORTELLO_BENCH_ROWS")); err == nil && n > 0 {
		sizes = append(sizes, n)
	}
	return sizes
}
