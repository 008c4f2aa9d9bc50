package payment

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"
)

// refCheck computes check digits with math/big, independently of
// checkDigits.
func refCheck(t *testing.T, digits16 string) string {
	t.Helper()
	n, ok := new(big.Int).SetString(digits16, 10)
	if !ok {
		t.Fatalf("bad digits %q", digits16)
	}
	r := new(big.Int).Mod(n, big.NewInt(93)).Int64()
	return string([]byte{byte('0' + r/10), byte('0' + r%10)})
}

func TestParseNoticeCodeLayouts(t *testing.T) {
	aux3 := "3010000000000123"
	aux3 += refCheck(t, aux3)
	aux0 := "0129876543210987"
	aux0 += refCheck(t, aux0)
	aux1 := "112345678901234567"
	tests := []struct {
		name                  string
		in                    string
		aux                   int
		iuv, seg, application string
	}{
		{"aux 3", aux3, 3, aux3[1:], "01", ""},
		{"aux 3 grouped", aux3[:4] + " " + aux3[4:8] + " " + aux3[8:12] + " " + aux3[12:16] + " " + aux3[16:], 3, aux3[1:], "01", ""},
		{"aux 0", aux0, 0, aux0[3:], "", "12"},
		{"aux 1", aux1, 1, aux1[1:], "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseNoticeCode(tt.in)
			if err != nil {
				t.Fatalf("ParseNoticeCode: %v", err)
			}
			if c.AuxDigit() != tt.aux || c.IUV() != tt.iuv || c.SegregationCode() != tt.seg || c.ApplicationCode() != tt.application {
				t.Fatalf("got aux %d iuv %s seg %q app %q", c.AuxDigit(), c.IUV(), c.SegregationCode(), c.ApplicationCode())
			}
			if len(c.String()) != 18 {
				t.Fatalf("String() = %q", c.String())
			}
			back, err := ParseNoticeCode(c.Grouped())
			if err != nil || back != c {
				t.Fatalf("Grouped round trip: %v", err)
			}
		})
	}
	if len(tests[0].iuv) != 17 || len(tests[2].iuv) != 15 {
		t.Fatal("IUV lengths: aux 3 has 17 digits, aux 0 has 15")
	}
}

func TestParseNoticeCodeRefusals(t *testing.T) {
	good := "3010000000000123"
	good += refCheck(t, good)
	wrongCheck := good[:16] + string('0'+(good[16]-'0'+1)%10) + good[17:]
	tests := []struct {
		name, in, rule string
	}{
		{"empty", "", "length"},
		{"17 digits", good[:17], "length"},
		{"19 digits", good + "0", "length"},
		{"letter", good[:17] + "a", "digits"},
		{"dash", good[:4] + "-" + good[4:], "digits"},
		{"aux 2", "2" + good[1:], "aux_digit"},
		{"aux 9", "9" + good[1:], "aux_digit"},
		{"wrong check", wrongCheck, "check_digits"},
		{"changed body digit", good[:5] + string('0'+(good[5]-'0'+1)%10) + good[6:], "check_digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseNoticeCode(tt.in)
			var ne *NoticeCodeError
			if !errors.As(err, &ne) || ne.Rule != tt.rule {
				t.Fatalf("ParseNoticeCode(%q) = %v, want rule %s", tt.in, err, tt.rule)
			}
			if !errors.Is(err, ErrValidation) {
				t.Fatal("error does not match ErrValidation")
			}
		})
	}
}

func TestNewSegregationNoticeCode(t *testing.T) {
	c, err := NewSegregationNoticeCode(7, 42)
	if err != nil {
		t.Fatal(err)
	}
	want := "3070000000000042"
	want += refCheck(t, want)
	if c.String() != want {
		t.Fatalf("got %s, want %s", c, want)
	}
	if _, err := NewSegregationNoticeCode(100, 1); !errors.Is(err, ErrValidation) {
		t.Errorf("segregation 100: %v", err)
	}
	if _, err := NewSegregationNoticeCode(1, IUVBaseMax); !errors.Is(err, ErrValidation) {
		t.Errorf("base 10^13: %v", err)
	}
	a, err := NewApplicationNoticeCode(12, 9876543210987)
	if err != nil || a.AuxDigit() != 0 || a.ApplicationCode() != "12" {
		t.Fatalf("application code: %v %v", a, err)
	}
	if _, err := ParseNoticeCode(a.String()); err != nil {
		t.Fatalf("built aux-0 code does not parse: %v", err)
	}
}

func TestNoticeCodeZeroAndText(t *testing.T) {
	var z NoticeCode
	if !z.IsZero() || z.String() != "" || z.AuxDigit() != -1 || z.IUV() != "" || z.Grouped() != "" {
		t.Fatal("zero NoticeCode must describe no code")
	}
	c, _ := NewSegregationNoticeCode(1, 5)
	b, _ := c.MarshalText()
	var back NoticeCode
	if err := back.UnmarshalText(b); err != nil || back != c {
		t.Fatalf("text round trip: %v", err)
	}
	if err := back.UnmarshalText([]byte("123")); err == nil {
		t.Fatal("UnmarshalText accepted a short code")
	}
	if err := back.UnmarshalText(nil); err != nil || !back.IsZero() {
		t.Fatal("empty text must give the zero code")
	}
}

func TestParseNoticeCodeDoesNotAllocate(t *testing.T) {
	c, _ := NewSegregationNoticeCode(1, 1234567)
	s := c.String()
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := ParseNoticeCode(s); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("ParseNoticeCode allocates %v times", allocs)
	}
}

func TestCheckDigitsMatchesBigInt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := 1 + rng.IntN(40)
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		want, _ := new(big.Int).SetString(string(b), 10)
		if got := checkDigits(b); int64(got) != new(big.Int).Mod(want, big.NewInt(93)).Int64() {
			t.Fatalf("checkDigits(%s) = %d", b, got)
		}
	}
}

// TestNoticeCodeBuildersNameTheirField checks that an out-of-range prefix
// is reported under the field its aux digit gives it.
func TestNoticeCodeBuildersNameTheirField(t *testing.T) {
	_, err := NewApplicationNoticeCode(100, 1)
	var ve *ValidationError
	if !errors.As(err, &ve) || !ve.Has("application_code", "range") {
		t.Errorf("NewApplicationNoticeCode(100, 1) = %v, want a range error on application_code", err)
	}
	_, err = NewSegregationNoticeCode(-1, 1)
	if !errors.As(err, &ve) || !ve.Has("segregation_code", "range") {
		t.Errorf("NewSegregationNoticeCode(-1, 1) = %v, want a range error on segregation_code", err)
	}
}
