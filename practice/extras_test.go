package practice_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/practice"
)

func TestAppointmentEffects(t *testing.T) {
	want := map[practice.Status]practice.AppointmentEffect{
		practice.StatusWithdrawn:                practice.AppointmentsCancelled,
		practice.StatusRevoked:                  practice.AppointmentsCancelled,
		practice.StatusCancelled:                practice.AppointmentsRefused,
		practice.StatusCancelledWaitingDocument: practice.AppointmentsRefused,
		practice.StatusPaymentError:             practice.AppointmentsRefused,
		practice.StatusComplete:                 practice.AppointmentsApproved,
		practice.StatusCompleteWaitingDocument:  practice.AppointmentsApproved,
	}
	for _, s := range practice.Statuses() {
		w, ok := want[s]
		if !ok {
			w = practice.AppointmentsUnchanged
		}
		if got := practice.AppointmentEffectOf(s); got != w {
			t.Errorf("%v: %v, want %v", s, got, w)
		}
	}
}

func TestStatsOfAService(t *testing.T) {
	f := newFixture(t, baseService())
	a, d, ctx := f.act, f.desk, f.ctx
	f.draft()         // draft: counted, not in backlog
	f.submitted()     // backlog
	p := f.inCharge() // taken in charge after 2 minutes (acquire, take)
	f.must(d.Accept(ctx, a.assigned, p.ID, practice.Decision{Motivation: "ok"}))
	q := f.inCharge()
	f.must(d.Reject(ctx, a.assigned, q.ID, practice.Decision{Motivation: "no"}))

	st, err := d.Stats(ctx, a.enabled, practice.StatsQuery{Service: serviceID})
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 4 || st.ByStatus[practice.StatusDraft] != 1 || st.ByStatus[practice.StatusPreSubmit] != 1 ||
		st.ByStatus[practice.StatusComplete] != 1 || st.ByStatus[practice.StatusCancelled] != 1 || st.Backlog != 1 {
		t.Fatalf("stats %+v", st)
	}
	// The fixture's clock advances one minute per reading: submit, acquire,
	// take in charge, decide.
	if st.ToTakeInCharge.Count != 2 || st.ToTakeInCharge.Median != 2*time.Minute ||
		st.ToOutcome.Count != 2 || st.ToOutcome.Max != 3*time.Minute {
		t.Fatalf("durations %+v %+v", st.ToTakeInCharge, st.ToOutcome)
	}
	// Both outcomes came 3 minutes after the sending, in the week that
	// starts on Monday 23 February 2026 in Rome.
	if st.ToOutcome.P90 != 3*time.Minute || len(st.Weekly) != 1 ||
		st.Weekly[0] != (practice.WeekStats{Week: time.Date(2026, 2, 22, 23, 0, 0, 0, time.UTC), Submitted: 3, Decided: 2}) {
		t.Fatalf("p90 and weeks %+v %+v", st.ToOutcome, st.Weekly)
	}
	later, err := d.Stats(ctx, a.enabled, practice.StatsQuery{Service: serviceID, From: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || later.Total != 0 || later.From.IsZero() {
		t.Fatalf("a period with nothing: %+v %v", later, err)
	}
	if _, err := d.Stats(ctx, a.enabled, practice.StatsQuery{}); !errors.Is(err, practice.ErrValidation) {
		t.Fatalf("no service: %v", err)
	}
	if _, err := d.Stats(ctx, a.notEnabled, practice.StatsQuery{Service: serviceID}); err == nil {
		t.Fatal("operator not enabled read the statistics")
	}
}

func TestExportCSVForSpreadsheets(t *testing.T) {
	svc := baseService()
	f := newFixture(t, svc)
	a, d, ctx := f.act, f.desk, f.ctx
	p, err := d.Create(ctx, a.owner, practice.NewPractice{Service: serviceID,
		Data: map[string]any{"applicant": "Mario Rossi", "importo": 12.5, "note": "=HYPERLINK(1)"}})
	if err != nil {
		t.Fatal(err)
	}
	f.must(d.Submit(ctx, a.owner, p.ID))
	var buf bytes.Buffer
	n, err := d.ExportCSV(ctx, a.enabled, practice.OfficeQuery{}, &buf, practice.CSVOptions{Fields: []string{"importo", "note"}})
	if err != nil || n != 1 {
		t.Fatalf("exported %d: %v", n, err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\uFEFF") {
		t.Fatal("no byte order mark")
	}
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(out, "\uFEFF"), "\r\n"), "\r\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %q", len(lines), out)
	}
	if !strings.HasPrefix(lines[0], "ID;Numero di protocollo;Login;Pagato;Richiedente;Codice fiscale;") ||
		!strings.HasSuffix(lines[0], ";Operatore;Servizio;importo;note") {
		t.Fatalf("header %q", lines[0])
	}
	cells := strings.Split(lines[1], ";")
	// Submitted at 09:03 UTC on 1 March 2026 (the clock ticks once for the
	// service, the draft and the submission) = 10:03 in Rome.
	want := []string{string(p.ID), "", "spid", "no", "Mario Rossi", ownerFC, "01/03/2026 10:03:00",
		"01/03/2026 10:03:00", "Inviata", "", "Contributo", "12.5", "'=HYPERLINK(1)"}
	if strings.Join(cells, "|") != strings.Join(want, "|") {
		t.Fatalf("row\n got %q\nwant %q", cells, want)
	}
}

func TestOfficeListFiltersByTextAndLastChange(t *testing.T) {
	f := newFixture(t, baseService())
	a, d, ctx := f.act, f.desk, f.ctx
	var ids []practice.ID
	for range 6 {
		ids = append(ids, f.submitted().ID)
	}
	pg, err := d.ListOffice(ctx, a.enabled, practice.OfficeQuery{Text: strings.ToLower(string(ids[3]))}, "", 10)
	if err != nil || len(pg.Items) != 1 || pg.Items[0].ID != ids[3] {
		t.Fatalf("text query: %v %v", pg.Items, err)
	}
	last := f.get(ids[4]).LastStatusChange()
	pg, err = d.ListOffice(ctx, a.enabled, practice.OfficeQuery{ChangedFrom: last}, "", 1)
	if err != nil || len(pg.Items) != 1 || pg.Items[0].ID != ids[4] || pg.Next == "" {
		t.Fatalf("changed from, page 1: %v %q %v", pg.Items, pg.Next, err)
	}
	pg, err = d.ListOffice(ctx, a.enabled, practice.OfficeQuery{ChangedFrom: last}, pg.Next, 1)
	if err != nil || len(pg.Items) != 1 || pg.Items[0].ID != ids[5] || pg.Next != "" {
		t.Fatalf("changed from, page 2: %v %q %v", pg.Items, pg.Next, err)
	}
}

func TestCitizenDoesNotLearnOfInternalNotesFromTheHistory(t *testing.T) {
	svc := baseService()
	svc.Payment = practice.PaymentRequired
	svc.PaymentAmount = decimalOf("3")
	f := newFixture(t, svc)
	p := f.paymentPending()
	f.must(f.desk.RegisterPayment(f.ctx, f.act.enabled, p.ID, practice.ManualPayment{Note: "contanti", NoteInternal: true}))
	seen := f.must(f.desk.Get(f.ctx, f.act.owner, p.ID))
	for _, h := range seen.History {
		if h.MessageID != "" {
			t.Fatalf("history entry %s names message %s", h.Event, h.MessageID)
		}
	}
	staff := f.must(f.desk.Get(f.ctx, f.act.enabled, p.ID))
	if len(staff.Messages) != 1 || staff.Payments[len(staff.Payments)-1].Status != payment.StatusComplete {
		t.Fatalf("staff view: %+v", staff.Messages)
	}
}

// TestOfficeListSortsAndPagesInEveryOrder: the back-office list is sorted
// by submission time by default, or by last status change or ID, in
// either direction, and pages through it with cursors that belong to one
// order only.
func TestOfficeListSortsAndPagesInEveryOrder(t *testing.T) {
	f := newFixture(t, baseService())
	a, d, ctx := f.act, f.desk, f.ctx
	// Drafts created in order a, b, c, d; sent in the order c, a, d, b;
	// then b and c change status again, b last.
	var drafts []practice.ID
	for range 4 {
		drafts = append(drafts, f.draft().ID)
	}
	pa, pb, pc, pd := drafts[0], drafts[1], drafts[2], drafts[3]
	for _, id := range []practice.ID{pc, pa, pd, pb} {
		f.must(d.Submit(ctx, a.owner, id))
	}
	f.must(d.Acquire(ctx, a.system, pc))
	f.must(d.Acquire(ctx, a.system, pb))
	// A note keeps the status: it must not count as a change.
	f.must(d.SendMessage(ctx, a.enabled, pa, practice.MessageInput{Text: "x", Internal: true}))

	walk := func(q practice.OfficeQuery) []practice.ID {
		t.Helper()
		var got []practice.ID
		cursor := ""
		for range 10 {
			pg, err := d.ListOffice(ctx, a.enabled, q, cursor, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pg.Items {
				got = append(got, p.ID)
			}
			if pg.Next == "" {
				return got
			}
			cursor = pg.Next
		}
		t.Fatal("listing does not end")
		return nil
	}
	rev := func(ids ...practice.ID) []practice.ID {
		slices.Reverse(ids)
		return ids
	}
	cases := []struct {
		q    practice.OfficeQuery
		want []practice.ID
	}{
		{practice.OfficeQuery{}, []practice.ID{pc, pa, pd, pb}},
		{practice.OfficeQuery{Desc: true}, rev(pc, pa, pd, pb)},
		{practice.OfficeQuery{Sort: practice.SortLastChange}, []practice.ID{pa, pd, pc, pb}},
		{practice.OfficeQuery{Sort: practice.SortLastChange, Desc: true}, rev(pa, pd, pc, pb)},
		{practice.OfficeQuery{Sort: practice.SortID}, []practice.ID{pa, pb, pc, pd}},
		{practice.OfficeQuery{Sort: practice.SortID, Desc: true}, rev(pa, pb, pc, pd)},
	}
	for _, c := range cases {
		if got := walk(c.q); !slices.Equal(got, c.want) {
			t.Errorf("sort %s desc=%v: %v, want %v", c.q.Sort, c.q.Desc, got, c.want)
		}
		var streamed []practice.ID
		for p, err := range d.Iterate(ctx, a.enabled, c.q) {
			if err != nil {
				t.Fatal(err)
			}
			streamed = append(streamed, p.ID)
		}
		if !slices.Equal(streamed, c.want) {
			t.Errorf("Iterate sort %s desc=%v: %v, want %v", c.q.Sort, c.q.Desc, streamed, c.want)
		}
	}
	// A cursor belongs to the order that made it.
	pg, err := d.ListOffice(ctx, a.enabled, practice.OfficeQuery{}, "", 1)
	if err != nil || pg.Next == "" {
		t.Fatalf("first page: %v", err)
	}
	for _, q := range []practice.OfficeQuery{{Desc: true}, {Sort: practice.SortLastChange}, {Sort: practice.SortID}} {
		if _, err := d.ListOffice(ctx, a.enabled, q, pg.Next, 1); !errors.Is(err, practice.ErrValidation) {
			t.Errorf("cursor of another order accepted by sort %s desc=%v: %v", q.Sort, q.Desc, err)
		}
	}
	if _, err := d.ListTab(ctx, a.owner, practice.TabPending, pg.Next, 1); !errors.Is(err, practice.ErrValidation) {
		t.Errorf("office cursor accepted by the citizen list: %v", err)
	}
	if _, err := d.ListOffice(ctx, a.enabled, practice.OfficeQuery{Sort: practice.SortKey(9)}, "", 1); !errors.Is(err, practice.ErrValidation) {
		t.Errorf("unknown sort key: %v", err)
	}
	for _, k := range []practice.SortKey{practice.SortSubmitted, practice.SortLastChange, practice.SortID} {
		if back, ok := practice.ParseSortKey(k.String()); !ok || back != k {
			t.Errorf("sort key %d does not round-trip", k)
		}
	}
}
