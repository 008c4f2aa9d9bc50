package calendar_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sportello/sportello/calendar"
	"github.com/sportello/sportello/internal/golden"
)

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
	golden.Check(t, "testdata/reference-days.golden", []byte(b.String()))

	q.From, q.To = local(2026, 3, 26, 0, 0), local(2026, 4, 1, 0, 0)
	slots := mustAvailability(t, q)
	b.Reset()
	b.WriteString("# reference calendar, 26-31 March 2026: start (UTC), end (UTC), local start, remaining/capacity\n")
	for _, s := range slots {
		fmt.Fprintf(&b, "%s %s %s %d/%d\n", s.Start.Format("2006-01-02T15:04Z"), s.End.Format("15:04Z"),
			s.Start.In(rome).Format("Mon 15:04 MST"), s.Remaining, s.Capacity)
	}
	golden.Check(t, "testdata/reference-dst-week.golden", []byte(b.String()))
}
