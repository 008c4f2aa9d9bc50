package ticket

import (
	"errors"
	"testing"
)

func TestFormatAndParseRef(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"R-000123", 123, true},
		{"r-000001", 1, true},
		{" R-999999 ", 999999, true},
		{"R-1000000", 1000000, true},
		{"R-000000", 0, false},
		{"R-00123", 0, false},
		{"R-0001234", 0, false},
		{"R-12345a", 0, false},
		{"X-000123", 0, false},
		{"R-+00123", 0, false},
		{"", 0, false},
		{"R-99999999999999999999", 0, false},
	}
	for _, tt := range tests {
		n, err := ParseRef(tt.in)
		if tt.ok != (err == nil) || n != tt.want {
			t.Errorf("ParseRef(%q) = %d, %v", tt.in, n, err)
		}
		if err != nil && !errors.Is(err, ErrValidation) {
			t.Errorf("ParseRef(%q) error %v is not ErrValidation", tt.in, err)
		}
	}
	if got := FormatRef(123); got != "R-000123" {
		t.Errorf("FormatRef(123) = %q", got)
	}
	if got := FormatRef(1234567); got != "R-1234567" {
		t.Errorf("FormatRef(1234567) = %q", got)
	}
}

func TestValidBlobKey(t *testing.T) {
	good := []string{"a", "t1/r-1/att_2.bin", "A.B-c_d"}
	bad := []string{"", "/a", "a/", "a//b", "../a", "a/./b", "a b", `a\b`, "é", string(make([]byte, 513))}
	for _, k := range good {
		if !ValidBlobKey(k) {
			t.Errorf("ValidBlobKey(%q) = false", k)
		}
	}
	for _, k := range bad {
		if ValidBlobKey(k) {
			t.Errorf("ValidBlobKey(%q) = true", k)
		}
	}
	for _, s := range []string{"tenant one", "..", "a/b", "ok-id"} {
		if seg := blobSegment(s); !ValidBlobKey(seg) {
			t.Errorf("blobSegment(%q) = %q is not a valid key", s, seg)
		}
	}
}
