package cursor_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/sportello/sportello/internal/cursor"
)

func TestRoundTrip(t *testing.T) {
	c := cursor.Encode("p", "2026-03-01T08:00:00Z", "id-7")
	got, err := cursor.Decode(c, "p", 2)
	if err != nil || !slices.Equal(got, []string{"2026-03-01T08:00:00Z", "id-7"}) {
		t.Fatalf("Decode(Encode) = %v, %v", got, err)
	}
	if got, err := cursor.Decode("", "p", 2); got != nil || err != nil {
		t.Errorf("empty cursor = %v, %v; want the first page", got, err)
	}
}

func TestRefused(t *testing.T) {
	for name, c := range map[string]string{
		"not base64":   "%%%",
		"other kind":   cursor.Encode("q", "a", "b"),
		"wrong arity":  cursor.Encode("p", "a"),
		"no separator": "cA",
	} {
		if _, err := cursor.Decode(c, "p", 2); !errors.Is(err, cursor.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("p", "a", "b")
	f.Fuzz(func(t *testing.T, kind, a, b string) {
		if _, err := cursor.Decode(a, kind, 2); err != nil && !errors.Is(err, cursor.ErrInvalid) {
			t.Fatalf("unexpected error %v", err)
		}
		if kind == "" || containsSep(kind) || containsSep(a) || containsSep(b) {
			return
		}
		got, err := cursor.Decode(cursor.Encode(kind, a, b), kind, 2)
		if err != nil || !slices.Equal(got, []string{a, b}) {
			t.Fatalf("round trip of %q %q %q = %q, %v", kind, a, b, got, err)
		}
	})
}

func containsSep(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1f {
			return true
		}
	}
	return false
}
