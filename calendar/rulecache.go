package calendar

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/teambition/rrule-go"
)

// The engine runs per request on rules that rarely change: compiled rules
// and the outcome of their probes are remembered, up to maxCached of each
// (beyond that they are computed every time). Entries never change, so
// sharing them across goroutines is safe.
const maxCached = 4096

var (
	compiled  sync.Map // rule text -> ruleEntry
	nCompiled atomic.Int32
	probed    sync.Map // probeKey -> error (nil: the rule yields dates)
	nProbed   atomic.Int32
)

type ruleEntry struct {
	r   *recurrence
	err error
}

type probeKey struct {
	text  string
	first Date
}

// ruleFor returns the compiled rule of text.
func ruleFor(text string) (*recurrence, error) {
	if v, ok := compiled.Load(text); ok {
		e := v.(ruleEntry)
		return e.r, e.err
	}
	r, err := compileRule(text)
	if nCompiled.Load() < maxCached {
		nCompiled.Add(1)
		compiled.Store(text, ruleEntry{r, err})
	}
	return r, err
}

// probeYear is where the probe looks for dates: a whole Gregorian cycle
// (400 years) before rrule-go's last year, so that a rule that never
// yields a date stops the probe within milliseconds.
const probeYear = 9999 - 400

// yields checks that the rule starting on first yields dates. rrule-go
// looks for a rule's next date until the year 9999: a rule that never
// yields one ("the 30th of February") would make every expansion run to
// that year. The probe expands the rule, moved by whole periods (so with
// the same phase as from first), from 400 years before 9999: a rule whose
// pattern repeats within a Gregorian cycle yields a date there if ever.
func (r *recurrence) yields(text string, first Date) error {
	if r.weekdays != 0 {
		return nil
	}
	key := probeKey{text, first}
	if v, ok := probed.Load(key); ok {
		if v == nil {
			return nil
		}
		return v.(error)
	}
	p := *r
	p.opt.Count, p.opt.Until = 0, time.Time{}
	p = p.anchored(first)
	opt := p.opt
	opt.Dtstart = p.start(first, Date{probeYear, time.January, 1}.days())
	var err error
	rr, rerr := rrule.NewRRule(opt)
	if rerr != nil {
		err = badRule("is not a valid RFC 5545 RRULE")
	} else if _, ok := rr.Iterator()(); !ok {
		err = badRule("yields no date")
	}
	if nProbed.Load() < maxCached {
		nProbed.Add(1)
		probed.Store(key, err) // a nil error is stored as nil
	}
	return err
}
