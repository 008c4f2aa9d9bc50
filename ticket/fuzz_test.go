package ticket

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/internal/cursor"
)

func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"R-000123", "r-1", "R-0000001", "R-9223372036854775807", " R-000001", "R-", "R-00000a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseRef(s)
		if err != nil {
			if !errors.Is(err, ErrValidation) {
				t.Fatalf("error %v is not ErrValidation", err)
			}
			return
		}
		if n < 1 {
			t.Fatalf("ParseRef(%q) = %d", s, n)
		}
		// Every accepted reference is the canonical one, modulo case and spaces.
		back, err := ParseRef(FormatRef(n))
		if err != nil || back != n {
			t.Fatalf("round trip of %d: %d, %v", n, back, err)
		}
	})
}

// FuzzLifecycle walks random stimulus sequences, with random data present
// or missing, and the SLA sweep in between: apply never panics, every
// successful move is in Transitions, every refused stimulus absent from the
// table is a *TransitionError, and a refused step changes nothing.
func FuzzLifecycle(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add([]byte{0xff, 0x10, 0x23, 0x45, 0x67, 0x89})
	f.Add([]byte{6, 8, 0, 3, 4, 5, 3, 10, 4})
	moves := map[Transition]bool{}
	for _, tr := range Transitions() {
		moves[tr] = true
	}
	stimuli := Stimuli()
	f.Fuzz(func(t *testing.T, seq []byte) {
		if len(seq) > 200 {
			seq = seq[:200]
		}
		r := &Request{ID: "r1", Status: StatusNew, CreatedAt: t0}
		r.SLA.TTO.Goal, r.SLA.TTR.Goal = time.Hour, 4*time.Hour
		(*slaClock)(nil).sync(r, t0)
		now := t0
		for i, b := range seq {
			now = now.Add(time.Duration(b) * time.Minute)
			if b&0x80 != 0 {
				from := r.Status
				r.sweep(now, nil)
				if r.Status != from && !moves[Transition{from, StimulusTimeout, r.Status}] {
					t.Fatalf("sweep moved %s → %s", from, r.Status)
				}
				continue
			}
			s := stimuli[int(b)%len(stimuli)]
			step := Step{Stimulus: s}
			if b&0x40 == 0 || i%3 != 0 {
				step = fullStep(s)
			}
			from := r.Status
			before := r.Clone()
			err := r.apply(step, "actor", now, nil)
			switch {
			case err == nil:
				if !moves[Transition{from, s, r.Status}] {
					t.Fatalf("move %s -%s-> %s is not in Transitions", from, s, r.Status)
				}
			case errors.Is(err, ErrInvalidTransition):
				if _, ok := referenceMoves[from][s]; ok {
					t.Fatalf("%s from %s refused: %v", s, from, err)
				}
			case errors.Is(err, ErrValidation):
			default:
				t.Fatalf("unexpected error %v", err)
			}
			if err != nil && !reflect.DeepEqual(before, r) {
				t.Fatalf("refused step changed the request")
			}
			if r.SLA.TTO.Running() != ttoRuns(r.Status) || r.SLA.TTR.Running() != ttrRuns(r.Status) ||
				r.SLA.TTR.Paused != (r.Status == StatusPending) {
				t.Fatalf("stopwatches out of step with %s: %+v", r.Status, r.SLA)
			}
		}
		for i := 1; i < len(r.Logs); i++ {
			if r.Logs[i].At.After(r.Logs[i-1].At) {
				t.Fatalf("logs not newest first")
			}
		}
	})
}

// FuzzCoverage checks that Add and Between agree on a working-hours window
// in Europe/Rome across any start instant and duration, DST days included.
func FuzzCoverage(f *testing.F) {
	f.Add(int64(0), int64(time.Hour))
	f.Add(int64(25*24*time.Hour), int64(9*time.Hour+time.Minute))
	f.Add(int64(-3*24*time.Hour), int64(40*time.Hour))
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		f.Fatal(err)
	}
	c := &Coverage{Location: loc, Windows: []Window{
		{Day: time.Monday, Start: 9 * time.Hour, End: 13 * time.Hour},
		{Day: time.Monday, Start: 14 * time.Hour, End: 18 * time.Hour},
		{Day: time.Wednesday, Start: 2 * time.Hour, End: 3*time.Hour + 30*time.Minute},
		{Day: time.Sunday, Start: 0, End: 24 * time.Hour},
	}}
	if err := c.validate(); err != nil {
		f.Fatal(err)
	}
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, offset, d int64) {
		from := base.Add(time.Duration(offset % int64(400*24*time.Hour)))
		dur := time.Duration(d % int64(30*24*time.Hour))
		if dur < 0 {
			dur = -dur
		}
		end := c.Add(from, dur)
		if end.Before(from) {
			t.Fatalf("Add went back: %s + %s = %s", from, dur, end)
		}
		if got := c.Between(from, end); got != dur {
			t.Fatalf("Between(%s, Add(%s)) = %s", from, dur, got)
		}
	})
}

// FuzzCursor: a listing cursor either decodes to an ID that passes the
// text rule (and round-trips) or is a *ValidationError; nothing else.
func FuzzCursor(f *testing.F) {
	f.Add("")
	f.Add(cursor.Encode(cursorKind, "id-00000001"))
	f.Add(cursor.Encode(cursorKind, "a\x00b"))
	f.Add("cjo")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := afterID(s)
		if err != nil {
			if !errors.Is(err, ErrValidation) {
				t.Fatalf("error %v", err)
			}
			return
		}
		if s != "" {
			if !possibleID(id) {
				t.Fatalf("cursor %q gave the impossible ID %q", s, id)
			}
			back, err := afterID(cursor.Encode(cursorKind, id))
			if err != nil || back != id {
				t.Fatalf("round trip %q: %q %v", id, back, err)
			}
		}
	})
}

// FuzzNumberExtraField: a number extra field accepts exactly the plain
// decimals within its bounds; every accepted value parses as a decimal
// with at most 15 integer and 6 fraction digits, and a refusal is a
// *ValidationError on the field.
func FuzzNumberExtraField(f *testing.F) {
	for _, s := range []string{"12", "-3.50", "1e400", "999999999999999.999999", "", "+", "0.", "١"} {
		f.Add(s)
	}
	defs := []ExtraField{{Name: "n", Label: "N", Type: FieldNumber}}
	f.Fuzz(func(t *testing.T, s string) {
		err := CheckExtra(defs, map[string]string{"n": s})
		if isBlank(s) {
			if err != nil {
				t.Fatalf("blank optional value refused: %v", err)
			}
			return
		}
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || !ve.Has("extra.n", "number") {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		d, perr := decimal.NewFromString(s)
		if perr != nil {
			t.Fatalf("%q accepted but not a decimal: %v", s, perr)
		}
		if d.Abs().Cmp(decimal.New(1, maxNumberInt)) >= 0 || -d.Exponent() > maxNumberFrac {
			t.Fatalf("%q accepted beyond the bounds", s)
		}
	})
}
