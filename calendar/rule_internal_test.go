package calendar

import (
	"slices"
	"testing"
	"time"

	"github.com/teambition/rrule-go"
)

// TestExpandStartsNearTheWindowSameDates: for every kind of rule,
// expanding from near the window gives exactly the dates rrule-go gives
// when it expands from DTSTART.
func TestExpandStartsNearTheWindowSameDates(t *testing.T) {
	rules := []string{
		"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
		"FREQ=WEEKLY",
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
		"FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,SU;WKST=SU",
		"FREQ=DAILY;INTERVAL=3",
		"FREQ=MONTHLY",
		"FREQ=MONTHLY;INTERVAL=2",
		"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1",
		"FREQ=MONTHLY;INTERVAL=5;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
		"FREQ=MONTHLY;BYMONTHDAY=31",
		"FREQ=YEARLY",
		"FREQ=YEARLY;INTERVAL=3;BYMONTH=3",
		"FREQ=YEARLY;BYWEEKNO=10;BYDAY=WE",
		"FREQ=YEARLY;BYEASTER=1",
		"FREQ=WEEKLY;BYDAY=TH;UNTIL=20260420T000000Z",
		"FREQ=DAILY;COUNT=500",
	}
	firsts := []Date{{2016, 1, 31}, {2016, 2, 29}, {2019, 12, 30}, {2026, 3, 10}}
	lo, hi := Date{2026, 3, 2}.days(), Date{2026, 5, 30}.days()
	for _, text := range rules {
		r, err := compileRule(text)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		for _, first := range firsts {
			var got []int64
			r.expand(first, Date{}, lo, hi, func(d int64) { got = append(got, d) })
			opt := r.opt
			opt.Dtstart = first.utc()
			rr, err := rrule.NewRRule(opt)
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, tm := range rr.Between(dateOfDays(lo).utc(), dateOfDays(hi).utc(), true) {
				want = append(want, floorDiv(tm.Unix(), secondsPerDay))
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s from %s: got %v, want %v", text, first, days(got), days(want))
			}
		}
	}
}

func days(ds []int64) []string {
	var out []string
	for _, d := range ds {
		out = append(out, dateOfDays(d).String())
	}
	return out
}

// TestZoneMapMatchesTimeDate: wall clock conversions agree with
// time.Date outside the changes of offset.
func TestZoneMapMatchesTimeDate(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Rome")
	z := newZoneMap(loc, Date{2026, 1, 1}.utc().Unix(), Date{2027, 1, 1}.utc().Unix())
	for d := (Date{2026, 1, 1}).days(); d < (Date{2026, 12, 31}).days(); d += 3 {
		for _, m := range []int64{0, 510, 1439} {
			u, ok := z.wall(d, m)
			dd := dateOfDays(d)
			want := time.Date(dd.Year, dd.Month, dd.Day, int(m/60), int(m%60), 0, 0, loc)
			if !ok || u != want.Unix() {
				t.Fatalf("%s %d: got %d %v, want %d", dd, m, u, ok, want.Unix())
			}
			if z.localDay(u) != d || z.localMinute(u) != m {
				t.Fatalf("%s %d: back to %d %d", dd, m, z.localDay(u), z.localMinute(u))
			}
		}
	}
}
