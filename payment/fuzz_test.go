package payment

import (
	"testing"
)

func FuzzParseNoticeCode(f *testing.F) {
	for _, s := range []string{
		"301000000000012345", "3010 0000 0000 0123 45", "112345678901234567",
		"012987654321098700", "", "abc", "999999999999999999", "3 0 1",
	} {
		f.Add(s)
	}
	if c, err := NewSegregationNoticeCode(1, 123); err == nil {
		f.Add(c.String())
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseNoticeCode(s)
		if err != nil {
			if !c.IsZero() {
				t.Fatal("a refused code returned a non-zero value")
			}
			return
		}
		str := c.String()
		back, err := ParseNoticeCode(str)
		if err != nil || back != c {
			t.Fatalf("round trip of %q: %v", str, err)
		}
		if g, err := ParseNoticeCode(c.Grouped()); err != nil || g != c {
			t.Fatalf("grouped round trip of %q: %v", str, err)
		}
		aux := c.AuxDigit()
		if aux != 0 && aux != 1 && aux != 3 {
			t.Fatalf("aux digit %d accepted", aux)
		}
		if aux == AuxIUV {
			return
		}
		// One changed digit anywhere in a code with check digits is refused,
		// except an aux digit turned into 1: that is another layout, whose
		// 17 digits are an IUV without check digits.
		b := []byte(str)
		for i := range b {
			orig := b[i]
			for d := byte('0'); d <= '9'; d++ {
				if d == orig || (i == 0 && d == '1') {
					continue
				}
				b[i] = d
				if _, err := ParseNoticeCode(string(b)); err == nil {
					t.Fatalf("%q accepted after changing digit %d of %q", b, i, str)
				}
			}
			b[i] = orig
		}
	})
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"16", "16.00", "16,5", "0.01", "1e3", "-1", "999999999999.99", " 7 ", "1.234", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseAmount(s)
		if err != nil {
			return
		}
		if ValidateAmount(d) != nil {
			t.Fatalf("ParseAmount(%q) = %s, which ValidateAmount refuses", s, d)
		}
		c, err := Cents(d)
		if err != nil || !FromCents(c).Equal(d) {
			t.Fatalf("cents of %s: %d, %v", d, c, err)
		}
		back, err := ParseAmount(FormatAmount(d))
		if err != nil || !back.Equal(d) {
			t.Fatalf("round trip of %s: %v", d, err)
		}
	})
}

// FuzzLifecycle walks the state machine with random notifications: a record
// never leaves complete (so its first receipt is never replaced), a
// "complete" is never ignored before the record is complete, no applied
// move goes backwards (only a late receipt moves a final record, to
// complete), and every applied move is in the table.
func FuzzLifecycle(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3})
	f.Add([]byte{3, 2, 1, 0, 3, 3})
	f.Add([]byte{6, 3, 6, 5})
	notified := []Status{StatusPending, StatusStarted, StatusFailed, StatusComplete, StatusCanceled, StatusExpired, StatusCreationFailed, StatusCreationPending}
	f.Fuzz(func(t *testing.T, walk []byte) {
		st := StatusCreationPending
		completed := false
		for _, b := range walk {
			n := notified[int(b)%len(notified)]
			d := Decide(st, n)
			switch d.Outcome {
			case Applied:
				step, ok := stepTo(n)
				if !ok {
					t.Fatalf("applied %s without a step", n)
				}
				if to, ok := Next(st, step); !ok || to != d.To {
					t.Fatalf("applied %s -> %s, not in the table", st, d.To)
				}
				if completed {
					t.Fatalf("a complete record moved to %s", d.To)
				}
				if d.To != StatusComplete && d.To.rank() <= st.rank() {
					t.Fatalf("moved backwards or sideways: %s -> %s", st, d.To)
				}
				st = d.To
			case Ignored:
				if d.Reason == "" {
					t.Fatal("ignored without a reason")
				}
				if n == StatusComplete && !completed {
					t.Fatalf("a complete was lost from %s", st)
				}
			default:
				t.Fatalf("outcome %v", d.Outcome)
			}
			completed = st == StatusComplete
		}
	})
}
