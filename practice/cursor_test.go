package practice

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzCursor: decoding any string never panics and either fails with
// ErrValidation or gives a position that encodes back to an equivalent
// cursor; every encoded position decodes to itself, and only under the
// order that made it.
func FuzzCursor(f *testing.F) {
	f.Add("submitted:asc", int64(1_780_000_000_000_000), "pratica-1", "")
	f.Add("p", int64(0), "0190f1c2-7a4b-7c3d-8e9f-0a1b2c3d4e5f", "cHxafA")
	f.Add("last_change:desc", int64(-62135596800000000), "a|b", "bGFzdF9jaGFuZ2U6ZGVzY3wxfHg")
	f.Fuzz(func(t *testing.T, order string, us int64, id, raw string) {
		if strings.Contains(order, "\x1f") || strings.Contains(id, "\x1f") {
			return // orders are the package's own names; IDs are text without control characters
		}
		if pos, err := decodeCursor(order, raw); err != nil {
			if !errors.Is(err, ErrValidation) {
				t.Fatalf("decode error %v is not ErrValidation", err)
			}
		} else if raw != "" {
			again, err := decodeCursor(order, encodeCursor(order, pos))
			if err != nil || !again.At.Equal(pos.At) || again.ID != pos.ID {
				t.Fatalf("decoded %+v re-encodes to %+v, %v", pos, again, err)
			}
		}
		if id == "" {
			return
		}
		var at time.Time
		if us != 0 {
			at = time.UnixMicro(us).UTC()
		}
		want := Position{At: at, ID: ID(id)}
		c := encodeCursor(order, want)
		got, err := decodeCursor(order, c)
		if err != nil || !got.At.Equal(want.At) || got.ID != want.ID {
			t.Fatalf("%+v → %q → %+v, %v", want, c, got, err)
		}
		if _, err := decodeCursor(order+"x", c); err == nil {
			t.Fatalf("cursor of order %q accepted by order %qx", order, order)
		}
	})
}
