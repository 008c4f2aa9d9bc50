package practice_test

import (
	"testing"
	"time"

	"github.com/sportello/sportello/practice"
)

func TestSummarizeInterpolatesAsPercentileCont(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var out []time.Duration
		for _, n := range ns {
			out = append(out, time.Duration(n)*time.Millisecond)
		}
		return out
	}
	for _, c := range []struct {
		in                     []time.Duration
		mean, median, p90, max time.Duration
	}{
		{ms(10), 10 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond},
		{ms(10, 20), 15 * time.Millisecond, 15 * time.Millisecond, 19 * time.Millisecond, 20 * time.Millisecond},
		{ms(40, 10, 30, 20), 25 * time.Millisecond, 25 * time.Millisecond, 37 * time.Millisecond, 40 * time.Millisecond},
		{[]time.Duration{1500 * time.Nanosecond, 2 * time.Microsecond}, 2 * time.Microsecond, 2 * time.Microsecond, 2 * time.Microsecond, 2 * time.Microsecond},
	} {
		got := practice.Summarize(c.in)
		want := practice.DurationStats{Count: len(c.in), Mean: c.mean, Median: c.median, P90: c.p90, Max: c.max}
		if got != want {
			t.Errorf("Summarize(%v) = %+v, want %+v", c.in, got, want)
		}
	}
	if got := practice.Summarize(nil); got != (practice.DurationStats{}) {
		t.Errorf("empty: %+v", got)
	}
}

func TestWeekOfStartsOnMondayInRome(t *testing.T) {
	for in, want := range map[time.Time]time.Time{
		time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC): time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC), // Monday 00:30 in Rome
		time.Date(2026, 3, 1, 22, 59, 0, 0, time.UTC): time.Date(2026, 2, 22, 23, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC): time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC), // after the DST change
		time.Date(2026, 3, 29, 12, 0, 0, 0, time.UTC): time.Date(2026, 3, 22, 23, 0, 0, 0, time.UTC),
	} {
		if got := practice.WeekOf(in); !got.Equal(want) {
			t.Errorf("WeekOf(%v) = %v, want %v", in, got, want)
		}
	}
}
