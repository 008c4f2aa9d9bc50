package calendar_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sportello/sportello/calendar"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the computation (run with -update after checking the change):\n%s", path, got)
	}
}

// TestReferenceCalendarGolden pins the reference calendar's month view
// (free places per day) and its slots of the week of the change to summer
// time.
func TestReferenceCalendarGolden(t *testing.T) {
	q := referenceQuery(t, date(2026, 3, 1), weeklyRules)
	days, err := calendar.DaySummary(q)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("# reference calendar: local date, open, slots, free places\n")
	for _, d := range days {
		fmt.Fprintf(&b, "%s %-6v %2d %3d\n", d.Date, d.Open, d.Slots, d.Free)
	}
	golden(t, "reference-days.golden", b.String())

	q.From, q.To = local(2026, 3, 26, 0, 0), local(2026, 4, 1, 0, 0)
	slots := mustAvailability(t, q)
	b.Reset()
	b.WriteString("# reference calendar, 26-31 March 2026: start (UTC), end (UTC), local start, remaining/capacity\n")
	for _, s := range slots {
		fmt.Fprintf(&b, "%s %s %s %d/%d\n", s.Start.Format("2006-01-02T15:04Z"), s.End.Format("15:04Z"),
			s.Start.In(rome).Format("Mon 15:04 MST"), s.Remaining, s.Capacity)
	}
	golden(t, "reference-dst-week.golden", b.String())
}
