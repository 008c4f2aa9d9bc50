package calendar

import (
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// maxCount bounds COUNT in an opening hour's rule: a counted rule is
// expanded from its first date, so its cost grows with COUNT.
const maxCount = 1000

// maxInterval bounds INTERVAL.
const maxInterval = 1000

// recurrence is a compiled opening-hour rule: the dates (not the times) on
// which the opening hour applies. Dates are expanded with rrule-go on
// "floating" dates (midnight UTC standing for a civil date), so that no
// zone offset ever moves a date; the calendar's zone only places each
// date's clock times on the time line.
type recurrence struct {
	opt rrule.ROption // without Dtstart
	// weekdays, when the rule is a plain "FREQ=WEEKLY;BYDAY=..." (no
	// INTERVAL, COUNT, UNTIL, BYSETPOS or other BY part), is the mask of
	// its days (bit i = time.Weekday(i)): such a rule needs no expansion.
	weekdays uint8
}

// ParseRule checks an opening hour's RFC 5545 RRULE text (without DTSTART)
// and returns it in canonical form. Accepted: FREQ DAILY, WEEKLY, MONTHLY
// or YEARLY with INTERVAL, COUNT (at most 1000), UNTIL (read as a date),
// WKST, BYSETPOS, BYMONTH, BYMONTHDAY, BYYEARDAY, BYWEEKNO, BYDAY and
// BYEASTER; BYHOUR, BYMINUTE and BYSECOND are refused, since an opening
// hour's clock times are its Begin and End. Errors are *ValidationError on
// "rule".
func ParseRule(text string) (string, error) {
	r, err := compileRule(text)
	if err != nil {
		return "", err
	}
	// rrule-go accepts the rule only with a start; try one so that a rule
	// it would refuse later is refused now.
	probe := r.opt
	probe.Dtstart = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := rrule.NewRRule(probe); err != nil {
		return "", badRule("is not a valid RFC 5545 RRULE")
	}
	return r.String(), nil
}

func badRule(msg string) error { return invalid("rule", "rrule", msg) }

func compileRule(text string) (*recurrence, error) {
	text = strings.TrimSpace(text)
	text = strings.TrimPrefix(text, "RRULE:")
	if text == "" {
		return nil, invalid("rule", "required", "is required")
	}
	if len(text) > 500 || !isPrintableASCII(text) {
		return nil, badRule("must be an RFC 5545 RRULE of printable ASCII, at most 500 characters")
	}
	if strings.Contains(strings.ToUpper(text), "DTSTART") {
		return nil, badRule("must not hold DTSTART: the validity dates give it")
	}
	opt, err := rrule.StrToROptionInLocation(text, time.UTC)
	if err != nil {
		return nil, badRule("is not a valid RFC 5545 RRULE")
	}
	switch {
	case opt.Freq != rrule.DAILY && opt.Freq != rrule.WEEKLY && opt.Freq != rrule.MONTHLY && opt.Freq != rrule.YEARLY:
		return nil, badRule("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
	case len(opt.Byhour) > 0 || len(opt.Byminute) > 0 || len(opt.Bysecond) > 0:
		return nil, badRule("must not hold BYHOUR, BYMINUTE or BYSECOND: Begin and End give the times")
	case opt.Interval < 0 || opt.Interval > maxInterval:
		return nil, badRule("INTERVAL must be between 1 and 1000")
	case opt.Count < 0 || opt.Count > maxCount:
		return nil, badRule("COUNT must be between 1 and 1000")
	}
	if opt.Interval == 0 {
		opt.Interval = 1
	}
	if !opt.Until.IsZero() {
		u := opt.Until.UTC()
		if u.Year() < 1 || u.Year() > 9999 {
			return nil, badRule("UNTIL is out of range")
		}
		opt.Until = time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	}
	r := &recurrence{opt: *opt}
	if opt.Freq == rrule.WEEKLY && opt.Interval == 1 && opt.Count == 0 && opt.Until.IsZero() &&
		len(opt.Bysetpos) == 0 && len(opt.Bymonth) == 0 && len(opt.Bymonthday) == 0 &&
		len(opt.Byyearday) == 0 && len(opt.Byweekno) == 0 && len(opt.Byeaster) == 0 && len(opt.Byweekday) > 0 {
		var mask uint8
		for _, w := range opt.Byweekday {
			if w.N() != 0 {
				mask = 0
				break
			}
			mask |= 1 << uint(goWeekday(w))
		}
		r.weekdays = mask
	}
	return r, nil
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// String returns the canonical RRULE text.
func (r *recurrence) String() string {
	o := r.opt
	o.Dtstart = time.Time{}
	if o.Interval == 1 {
		o.Interval = 0 // the default, left out
	}
	return o.RRuleString()
}

// rruleWeekdays are rrule-go's weekdays indexed by time.Weekday.
var rruleWeekdays = [7]rrule.Weekday{rrule.SU, rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA}

// goWeekday converts an rrule-go weekday (Monday = 0) to time.Weekday.
func goWeekday(w rrule.Weekday) time.Weekday { return time.Weekday((w.Day() + 1) % 7) }

// WeekdaysRule returns the RRULE of an opening hour held on the given days
// of the week (1 = Monday … 7 = Sunday, as the reference numbers them),
// e.g. "FREQ=WEEKLY;BYDAY=MO,TU".
func WeekdaysRule(days []int) string {
	var b strings.Builder
	b.WriteString("FREQ=WEEKLY;BYDAY=")
	seen := 0
	for d := 1; d <= 7; d++ {
		for _, x := range days {
			if x == d {
				if seen > 0 {
					b.WriteByte(',')
				}
				b.WriteString(rruleWeekdays[d%7].String())
				seen++
				break
			}
		}
	}
	return b.String()
}

// expand calls fn with the day number (days since 1970-01-01) of every
// date of the rule, valid from first (the rule's DTSTART) to last (zero:
// no end), that lies in [lo, hi]. The expansion starts near lo, not at
// first, whenever the rule allows: a rule valid since ten years ago costs
// what a rule valid since today does.
func (r *recurrence) expand(first, last Date, lo, hi int64, fn func(day int64)) {
	fd := first.days()
	if fd > lo {
		lo = fd
	}
	if !last.IsZero() {
		if ld := last.days(); ld < hi {
			hi = ld
		}
	}
	if lo > hi {
		return
	}
	if r.weekdays != 0 {
		// 1970-01-01 was a Thursday.
		for d := lo; d <= hi; d++ {
			if r.weekdays&(1<<uint((d%7+7+4)%7)) != 0 {
				fn(d)
			}
		}
		return
	}
	opt := r.opt
	if lo > first.days() && opt.Count == 0 {
		opt = r.anchored(first).opt
	}
	opt.Dtstart = r.start(first, lo)
	rr, err := rrule.NewRRule(opt)
	if err != nil {
		return // compileRule tried the rule: cannot happen
	}
	next := rr.Iterator()
	for {
		t, ok := next()
		if !ok {
			return
		}
		d := floorDiv(t.Unix(), secondsPerDay)
		if d > hi {
			return
		}
		if d >= lo {
			fn(d)
		}
	}
}

// start returns the DTSTART from which to expand the rule starting on
// first so that it yields the same dates on and after day lo: first moved
// forward by whole periods of the rule (INTERVAL days, weeks, months or
// years), with the parts RFC 5545 takes from DTSTART made explicit. A
// counted rule keeps first, since COUNT counts from it.
func (r *recurrence) start(first Date, lo int64) time.Time {
	t0 := first.utc()
	o := &r.opt
	if o.Count > 0 || lo <= first.days() {
		return t0
	}
	gap := lo - first.days()
	iv := int64(o.Interval)
	switch o.Freq {
	case rrule.DAILY:
		return t0.AddDate(0, 0, int(gap/iv*iv))
	case rrule.WEEKLY:
		return t0.AddDate(0, 0, int(gap/(7*iv)*7*iv))
	case rrule.MONTHLY:
		lod := dateOfDays(lo)
		months := int64(lod.Year-first.Year)*12 + int64(lod.Month-first.Month)
		k := months / iv * iv
		if k == 0 {
			return t0
		}
		return time.Date(first.Year, first.Month+time.Month(k), 1, 0, 0, 0, 0, time.UTC)
	default: // YEARLY
		k := int64(dateOfDays(lo).Year-first.Year) / iv * iv
		if k == 0 {
			return t0
		}
		return time.Date(first.Year+int(k), 1, 1, 0, 0, 0, 0, time.UTC)
	}
}

// anchored returns the rule's options with what RFC 5545 takes from
// DTSTART (the weekday of a weekly rule, the day of a monthly one, the day
// and month of a yearly one) written out, so that a later DTSTART gives the
// same dates.
func (r *recurrence) anchored(first Date) recurrence {
	out := *r
	o := &out.opt
	if len(o.Byweekno) > 0 || len(o.Byyearday) > 0 || len(o.Bymonthday) > 0 || len(o.Byweekday) > 0 || len(o.Byeaster) > 0 {
		return out
	}
	switch o.Freq {
	case rrule.WEEKLY:
		o.Byweekday = []rrule.Weekday{rruleWeekdays[first.Weekday()]}
	case rrule.MONTHLY:
		o.Bymonthday = []int{first.Day}
	case rrule.YEARLY:
		if len(o.Bymonth) == 0 {
			o.Bymonth = []int{int(first.Month)}
		}
		o.Bymonthday = []int{first.Day}
	}
	return out
}
