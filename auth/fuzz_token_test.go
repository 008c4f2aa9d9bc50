package auth

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParseToken: any input is either refused with ErrInvalidToken or is a
// well-formed token whose hash is its SHA-256; never a panic.
func FuzzParseToken(f *testing.F) {
	raw, _, _ := newToken(bytes.NewReader(make([]byte, 32)))
	f.Add(raw)
	f.Add("")
	f.Add("short")
	f.Add(raw + "=")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parseToken(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(s) != tokenLen || h != HashToken(s) {
			t.Fatalf("accepted %q with a wrong hash or length", s)
		}
	})
}
